// Erasing a contact's personal data from a call record: for a HubSpot privacy deletion
// and for the retention period. The record keeps what the call history needs (ids,
// status, attempts' times and outcomes) and a history line saying when and why.
import type { CallRecord } from './model';

/** Call fields that hold what HubSpot or the voice platform told us about the person. */
const PERSONAL_CALL_FIELDS = ['to', 'missingVariables', 'summary', 'transcript', 'recordingUrl', 'contactName', 'email'] as const;
/** Attempt fields that hold what was said on the call. */
const PERSONAL_ATTEMPT_FIELDS = ['summary', 'transcript', 'recordingUrl', 'to'] as const;

/** Reasons quote a phone number that could not be used ("phone number \"+1 555\" is not valid"). */
const QUOTED_PHONE = /phone number "(?:[^"\\]|\\.)*"/g;

export function scrubReason(reason: string): string {
  return reason.replace(QUOTED_PHONE, 'phone number (erased)');
}

/** The same record without personal data; `why` becomes the history line. Already erased: unchanged. */
export function eraseCallData(call: CallRecord, now: Date, why: string): { call: CallRecord } | { unchanged: string } {
  if (call.erasedAt) return { unchanged: `personal data was already erased at ${call.erasedAt}` };
  const at = now.toISOString();
  const erased = stripPersonalData(call);
  erased.erasedAt = at;
  erased.updatedAt = at;
  erased.version = call.version + 1;
  erased.history = [...erased.history, { at, status: call.status, reason: why }];
  return { call: erased };
}

/**
 * The fields stripped, nothing else changed. Also applied to every later write of an
 * erased call (a voice callback arriving after the erasure), so erased stays erased.
 */
export function stripPersonalData(call: CallRecord): CallRecord {
  const copy: Record<string, unknown> = { ...call };
  for (const field of PERSONAL_CALL_FIELDS) delete copy[field];
  const out = copy as unknown as CallRecord;
  out.variables = {};
  out.reason = scrubReason(call.reason);
  out.history = call.history.map((h) => ({ ...h, reason: scrubReason(h.reason) }));
  out.attempts = call.attempts.map((attempt) => {
    const a: Record<string, unknown> = { ...attempt };
    for (const field of PERSONAL_ATTEMPT_FIELDS) delete a[field];
    if (typeof a.reason === 'string') a.reason = scrubReason(a.reason);
    return a as unknown as (typeof call.attempts)[number];
  });
  return out;
}

/** True when the record still holds something `stripPersonalData` would remove. */
export function holdsPersonalData(call: CallRecord): boolean {
  return JSON.stringify(stripPersonalData(call)) !== JSON.stringify(call);
}
