// The optional retention period: finished calls lose their personal data after it, the
// same way as for a privacy deletion, so counts, ids and the history stay for reports.
import type { CallRecord } from './model';
import { TERMINAL_STATUSES } from './model';
import { eraseCallData } from './personal-data';

export const MAX_RETENTION_DAYS = 3650;

/** RETENTION_DAYS as the service reads it: absent or empty = keep; anything else must be whole days. */
export function parseRetentionDays(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new RangeError(`RETENTION_DAYS must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got "${raw}"`);
  }
  return days;
}

/** Finished calls last changed before this are due for erasure. */
export function retentionCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

export function eraseAfterRetention(call: CallRecord, now: Date, days: number): { call: CallRecord } | { unchanged: string } {
  if (!TERMINAL_STATUSES.includes(call.status)) return { unchanged: `call is ${call.status}, not finished` };
  if (call.updatedAt >= retentionCutoff(now, days)) return { unchanged: 'call finished within the retention period' };
  return eraseCallData(call, now, `personal data erased at ${now.toISOString()}: retention period of ${days} days passed`);
}
