// What a settled attempt looks like as a HubSpot Call engagement on the contact: one per
// attempt, POSTed once and PATCHed with what arrives later (README "HubSpot write-back").
import type { Attempt, AttemptOutcome, CallRecord } from './model';
import type { CallEngagementInput } from './ports';
import { OUTCOME_WORDS } from './retry-plan';

const HUBSPOT_CALL_STATUS: Record<AttemptOutcome, CallEngagementInput['status']> = {
  completed: 'COMPLETED',
  'no-answer': 'NO_ANSWER',
  voicemail: 'NO_ANSWER', // nobody picked up; HubSpot has no voicemail status
  busy: 'BUSY',
  failed: 'FAILED',
};

/** HubSpot's default call outcome ids; a failed call has no default outcome, so none is set. */
export const HUBSPOT_CALL_DISPOSITIONS: Partial<Record<AttemptOutcome, string>> = {
  completed: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', // Connected
  'no-answer': '73a0d17f-1163-4015-bdd5-ec830791da20', // No answer
  busy: '9d9162e7-6cf3-4944-bf63-4dff82258764', // Busy
  voicemail: 'b2cf5968-551e-4856-9783-52b3da59a7d0', // Left voicemail
};

/** HubSpot caps a text property at 65,536 characters; bytes are a stricter bound, kept with room. */
export const MAX_CALL_BODY_BYTES = 64_000;
const BODY_CUT_MARKER = '\n[transcript cut by hubdial]';

/** The fields of an attempt the engagement shows: when one changes, the engagement is patched. */
export const ENGAGEMENT_FIELDS = ['outcome', 'durationSeconds', 'providerReason', 'summary', 'transcript', 'recordingUrl'] as const;

export function engagementContentChanged(before: Attempt | undefined, after: Attempt): boolean {
  return !before || ENGAGEMENT_FIELDS.some((f) => before[f] !== after[f]);
}

export function callEngagement(call: CallRecord, attempt: Attempt): CallEngagementInput | undefined {
  if (!attempt.outcome) return undefined;
  const disposition = HUBSPOT_CALL_DISPOSITIONS[attempt.outcome];
  return {
    contactId: call.contactId,
    timestamp: attempt.startedAt ?? attempt.scheduledAt,
    title: `hubdial AI call, attempt ${attempt.number}`,
    body: callBody(call, attempt),
    status: HUBSPOT_CALL_STATUS[attempt.outcome],
    ...(disposition ? { disposition } : {}),
    ...(call.to ? { toNumber: call.to } : {}),
    ...(attempt.durationSeconds !== undefined ? { durationMs: Math.round(attempt.durationSeconds * 1000) } : {}),
    ...(isHttpsUrl(attempt.recordingUrl) ? { recordingUrl: attempt.recordingUrl } : {}),
  };
}

/** True for an https URL: the only kind HubSpot's timeline player (and a browser) will load. */
export function isHttpsUrl(url: string | undefined): url is string {
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Plain text: the summary, then the transcript, then one line on how the attempt ended.
 * The transcript is what gets cut when the whole would not fit.
 */
function callBody(call: CallRecord, attempt: Attempt): string {
  const outcome = OUTCOME_WORDS[attempt.outcome ?? 'failed'];
  const said = attempt.providerReason ? ` (voice platform: ${attempt.providerReason})` : '';
  const footer = `Outcome: ${outcome}${said}. hubdial call ${call.id}, attempt ${attempt.number}.`;
  const head = attempt.summary ? `Summary:\n${attempt.summary}\n\n` : '';
  const room = MAX_CALL_BODY_BYTES - Buffer.byteLength(head + footer, 'utf8') - 32;
  const transcript = attempt.transcript ? `Transcript:\n${cutBytes(attempt.transcript, Math.max(room, 0))}\n\n` : '';
  return `${head}${transcript}${footer}`;
}

function cutBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const room = Math.max(maxBytes - Buffer.byteLength(BODY_CUT_MARKER, 'utf8'), 0);
  // A cut buffer may end in half a character: drop the replacement it decodes to.
  const cut = Buffer.from(text, 'utf8')
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}${BODY_CUT_MARKER}`;
}
