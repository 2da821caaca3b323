// The workspace's do-not-call list and the agent's do-not-call contact property: a
// listed number is never dialled. Checked when a call is stored and again just before
// every attempt, so a number listed after its call was scheduled is not dialled either.
import { pendingAttempt } from './call-state';
import { updateCall } from './call-updates';
import { DELETED_REASON, ERASED_REASON, cancelForGoneContact, eraseForPrivacyDeletion } from './contact-lifecycle';
import type { CallRecord, DialJob, DoNotCallEntry } from './model';
import { normalizePhone } from './phone';
import type { Store } from './ports';

export const MAX_NUMBERS_PER_REQUEST = 1000;
const MAX_REASON_LENGTH = 200;

export const DO_NOT_CALL_LIST_REASON = 'number is on the workspace do-not-call list';

export function doNotCallListReason(entry: DoNotCallEntry): string {
  return entry.reason ? `${DO_NOT_CALL_LIST_REASON} (${entry.reason})` : DO_NOT_CALL_LIST_REASON;
}

export function doNotCallPropertyReason(property: string): string {
  return `contact is marked do-not-call in HubSpot (property ${property})`;
}

/** HubSpot checkbox and text values that mean "yes". */
export function isDoNotCallValue(value: string | null | undefined): boolean {
  return typeof value === 'string' && ['true', 'yes', '1'].includes(value.trim().toLowerCase());
}

export interface DoNotCallInput {
  entries: DoNotCallEntry[];
  invalid: { number: string; reason: string }[];
}

/** The admin body `{numbers, reason?}`; numbers are normalised to E.164. */
export function parseDoNotCallInput(
  body: Record<string, unknown>,
  now: Date,
  defaultCountry?: string,
): { ok: true; value: DoNotCallInput } | { ok: false; parameter: string; message: string } {
  const { numbers, reason } = body;
  if (!Array.isArray(numbers) || numbers.length === 0) {
    return {
      ok: false,
      parameter: 'numbers',
      message: 'numbers must be a non-empty list of phone numbers in E.164, e.g. ["+14155552671"]',
    };
  }
  if (numbers.length > MAX_NUMBERS_PER_REQUEST) {
    return {
      ok: false,
      parameter: 'numbers',
      message: `numbers may hold at most ${MAX_NUMBERS_PER_REQUEST} numbers per request, got ${numbers.length}`,
    };
  }
  if (reason !== undefined && (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_LENGTH)) {
    return { ok: false, parameter: 'reason', message: `reason, when given, must be a string of 1 to ${MAX_REASON_LENGTH} characters` };
  }
  const addedAt = now.toISOString();
  const value: DoNotCallInput = { entries: [], invalid: [] };
  for (const raw of numbers) {
    const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
    const phone = normalizePhone(text, defaultCountry);
    if (!phone.ok)
      value.invalid.push({ number: typeof raw === 'string' ? raw.slice(0, 40) : String(raw).slice(0, 40), reason: phone.reason });
    else value.entries.push({ number: phone.e164, addedAt, ...(typeof reason === 'string' ? { reason: reason.trim() } : {}) });
  }
  return { ok: true, value };
}

/** A path segment as the number it names: `+` as is or `%2B`. */
export function parseDoNotCallPathNumber(segment: string): string | undefined {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  const phone = normalizePhone(text.startsWith(' ') ? `+${text.trim()}` : text);
  return phone.ok ? phone.e164 : undefined;
}

/** The call skipped before it rang: its waiting attempt is dropped. */
export function skipCall(call: CallRecord, reason: string, now: Date): { call: CallRecord } | { unchanged: string } {
  if (call.status !== 'scheduled') return { unchanged: `call is ${call.status}` };
  const at = now.toISOString();
  const attempts = pendingAttempt(call) ? call.attempts.slice(0, -1) : call.attempts;
  return {
    call: {
      ...call,
      attempts,
      status: 'skipped',
      reason,
      updatedAt: at,
      version: call.version + 1,
      history: [...call.history, { at, status: 'skipped', reason }],
    },
  };
}

/** `before` is set when this check made the change (its follow-ups are the caller's to queue). */
export type DialGate = { stopped: true; call: CallRecord; reason: string; before?: CallRecord } | { stopped: false; call?: CallRecord };

/**
 * Just before an attempt is placed: a number listed since the call was stored, or a
 * contact deleted in HubSpot since (a deletion that raced with the creation), stops it.
 * Returns the record it read, for the dial to decide on without reading it again.
 */
export async function checkBeforeDial(store: Store, job: DialJob, now: Date): Promise<DialGate> {
  const call = await store.getCall(job.callId);
  const waiting = call && pendingAttempt(call);
  if (!call || !waiting || waiting.number !== job.attempt) return { stopped: false, call };
  const [listed, tombstones] = await Promise.all([
    call.to ? store.getDoNotCall(call.workspaceId, [call.to]) : Promise.resolve(new Map<string, DoNotCallEntry>()),
    store.getContactTombstones(call.workspaceId, call.portalId, [call.contactId]),
  ]);
  const entry = call.to ? listed.get(call.to) : undefined;
  const tombstone = tombstones.get(call.contactId);
  if (!entry && !tombstone) return { stopped: false, call };
  const result = await updateCall(
    store,
    call.id,
    (c) => {
      if (tombstone?.kind === 'erased') return eraseForPrivacyDeletion(c, now);
      if (tombstone) return cancelForGoneContact(c, now, DELETED_REASON);
      return skipCall(c, doNotCallListReason(entry as DoNotCallEntry), now);
    },
    { known: call },
  );
  if (result.status === 'not-found') return { stopped: false };
  const reason =
    result.status === 'updated'
      ? result.call.reason
      : tombstone
        ? tombstone.kind === 'erased'
          ? ERASED_REASON
          : DELETED_REASON
        : DO_NOT_CALL_LIST_REASON;
  return { stopped: true, call: result.call, reason, ...(result.status === 'updated' ? { before: result.before } : {}) };
}
