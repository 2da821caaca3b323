// What a settled attempt looks like as a HubSpot Call engagement on the contact.
import type { Attempt, AttemptOutcome, CallRecord } from './model';
import type { HubSpotApi } from './ports';

type EngagementInput = Parameters<HubSpotApi['createCallEngagement']>[0];

const HUBSPOT_CALL_STATUS: Record<AttemptOutcome, EngagementInput['status']> = {
  completed: 'COMPLETED',
  'no-answer': 'NO_ANSWER',
  voicemail: 'NO_ANSWER', // nobody picked up; HubSpot has no voicemail status
  busy: 'BUSY',
  failed: 'FAILED',
};

export function callEngagement(call: CallRecord, attempt: Attempt): EngagementInput | undefined {
  if (!attempt.outcome) return undefined;
  return {
    contactId: call.contactId,
    timestamp: attempt.startedAt ?? attempt.scheduledAt,
    title: `hubdial AI call, attempt ${attempt.number}`,
    body: `Outcome: ${attempt.reason ?? attempt.outcome}. Call status: ${call.status} (${call.reason}). hubdial call ${call.id}.`,
    status: HUBSPOT_CALL_STATUS[attempt.outcome],
    ...(call.to ? { toNumber: call.to } : {}),
    ...(attempt.durationSeconds !== undefined ? { durationMs: attempt.durationSeconds * 1000 } : {}),
  };
}
