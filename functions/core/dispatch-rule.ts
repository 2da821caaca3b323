import { createHash } from 'node:crypto';
import type { DialJob } from './model';

// How a dial job reaches the dial queue at its time. SQS can hold a message back for at
// most 15 minutes, which covers "call now" and short waits with one cheap SendMessage;
// anything later needs a one-time schedule that drops the job into the same queue.

export const MAX_SQS_DELAY_SECONDS = 900;

export type DispatchChoice = { via: 'queue'; delaySeconds: number } | { via: 'scheduler' };

export function chooseDispatch(at: Date, now: Date): DispatchChoice {
  const waitMs = at.getTime() - now.getTime();
  if (waitMs <= 0) return { via: 'queue', delaySeconds: 0 };
  // Rounded up: a job may arrive up to a second late, never early (the window opening
  // is a hard edge; a second after it is fine).
  const delaySeconds = Math.ceil(waitMs / 1000);
  return delaySeconds <= MAX_SQS_DELAY_SECONDS ? { via: 'queue', delaySeconds } : { via: 'scheduler' };
}

const SCHEDULE_NAME_MAX = 64;
const SAFE_NAME = /^[0-9A-Za-z_.-]+$/;

/**
 * One schedule name per (call, attempt), so scheduling the same attempt twice hits the
 * same schedule instead of creating a second one. EventBridge Scheduler names allow
 * [0-9a-zA-Z-_.] and at most 64 characters; a call id outside that is replaced by a hash.
 */
export function scheduleName(job: DialJob): string {
  const suffix = `-a${job.attempt}`;
  if (SAFE_NAME.test(job.callId) && job.callId.length + suffix.length <= SCHEDULE_NAME_MAX) return `${job.callId}${suffix}`;
  const digest = createHash('sha256').update(job.callId, 'utf8').digest('hex').slice(0, 40);
  return `h${digest}${suffix}`;
}
