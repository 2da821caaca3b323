// When a call counts as stuck. The sweeper asks the store for candidates and these
// rules decide, so the thresholds live with the other call rules.
import { pendingAttempt } from './call-state';
import type { Attempt, CallRecord } from './model';

/** A scheduled attempt this late has lost its job (SQS and the scheduler fire within seconds). */
export const LOST_JOB_AFTER_MINUTES = 10;
/** No callback this long after dialling: the provider lost it; count the attempt as failed. */
export const CALLBACK_TIMEOUT_MINUTES = 60;

export function lostJobCutoff(now: Date): string {
  return new Date(now.getTime() - LOST_JOB_AFTER_MINUTES * 60_000).toISOString();
}

export function silentCallCutoff(now: Date): string {
  return new Date(now.getTime() - CALLBACK_TIMEOUT_MINUTES * 60_000).toISOString();
}

/** The attempt whose dial job was lost, if this call has one. */
export function lostAttempt(call: CallRecord, now: Date): Attempt | undefined {
  const attempt = pendingAttempt(call);
  return attempt && attempt.scheduledAt < lostJobCutoff(now) ? attempt : undefined;
}

/** True when the call has been dialling for longer than any provider takes to call back. */
export function isSilent(call: CallRecord, now: Date): boolean {
  const started = call.attempts[call.attempts.length - 1]?.startedAt;
  return call.status === 'dialing' && started !== undefined && started < silentCallCutoff(now);
}
