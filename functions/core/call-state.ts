// The call state machine. Every function takes the stored record and `now`, and returns
// the next record (version + 1, a history line saying why) or a reason to change nothing.
// Handlers store the result with a version-conditional write, so of two racing
// deliveries only one transition lands.
import type { AttemptTime } from './call-window';
import { planAttemptTime } from './call-window';
import { formatCallDays } from './call-days';
import type { Attempt, AttemptOutcome, CallRecord, CallStatus } from './model';
import { TERMINAL_STATUSES } from './model';
import { OUTCOME_WORDS, planRetry } from './retry-plan';

export type Transition = { call: CallRecord } | { unchanged: string };

/** Resends of one attempt after a certain refusal (429, connection refused); DESIGN: "at most 3 times". */
export const MAX_RESENDS_AFTER_REFUSAL = 3;
/** So at most this many create-call requests carry one attempt number. */
export const MAX_DIAL_ERRORS_PER_ATTEMPT = MAX_RESENDS_AFTER_REFUSAL + 1;
/** A transcript kept on an attempt is cut to this many UTF-8 bytes. */
export const MAX_TRANSCRIPT_BYTES = 32 * 1024;
export const TRANSCRIPT_CUT_MARKER = '\n[transcript cut by hubdial at 32 KB]';
const MAX_SUMMARY_BYTES = 8 * 1024;

/** What a platform said about an attempt (the port's CallDetails). */
export interface AttemptDetails {
  providerCallId?: string;
  providerReason?: string;
  durationSeconds?: number;
  summary?: string;
  transcript?: string;
  recordingUrl?: string;
}

/** What intake knows of a new call: the record's own identity and inputs, plus the phone check and the time. */
export type NewCallInput = Pick<
  CallRecord,
  'id' | 'workspaceId' | 'agentId' | 'portalId' | 'contactId' | 'timezone' | 'settings' | 'variables'
> & {
  phone: { ok: true; e164: string } | { ok: false; reason: string };
  now: Date;
};

/** A new call: `failed` without a usable phone, `skipped` outside the window, else `scheduled`. */
export function newCall(input: NewCallInput): CallRecord {
  const at = input.now.toISOString();
  const base: CallRecord = {
    id: input.id,
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    portalId: input.portalId,
    contactId: input.contactId,
    variables: input.variables,
    settings: input.settings,
    timezone: input.timezone,
    status: 'scheduled',
    reason: '',
    attempts: [],
    history: [],
    createdAt: at,
    updatedAt: at,
    version: 0, // withStatus below makes the stored record version 1
  };
  if (!input.phone.ok) return withStatus(base, 'failed', input.phone.reason, at);
  base.to = input.phone.e164;
  const plan: AttemptTime = planAttemptTime(input.now, input.settings, input.timezone);
  if ('skip' in plan) return withStatus(base, 'skipped', plan.skip, at);
  base.attempts = [{ number: 1, scheduledAt: plan.at.toISOString() }];
  return withStatus(base, 'scheduled', firstAttemptReason(plan.at, input.now), at);
}

function firstAttemptReason(at: Date, now: Date): string {
  return at.getTime() <= now.getTime()
    ? 'contact created inside the call window: calling now'
    : `contact created outside the call window: first attempt carried over to ${at.toISOString()}`;
}

/** The attempt a dial job should start, if the call is still waiting for exactly that attempt. */
export function pendingAttempt(call: CallRecord): Attempt | undefined {
  if (call.status !== 'scheduled') return undefined;
  const last = call.attempts[call.attempts.length - 1];
  return last && !last.startedAt ? last : undefined;
}

/**
 * SCHEDULED -> DIALING for attempt `attemptNumber`, after re-checking the window: a job
 * that fires late (or early) outside the window moves to the next opening instead.
 */
export function startAttempt(call: CallRecord, attemptNumber: number, now: Date): Transition | { reschedule: CallRecord; at: Date } {
  const attempt = pendingAttempt(call);
  if (!attempt) return { unchanged: `call is ${call.status}, not waiting for attempt ${attemptNumber}` };
  if (attempt.number !== attemptNumber) return { unchanged: `call is waiting for attempt ${attempt.number}, not ${attemptNumber}` };
  if (!call.to) return { unchanged: 'call has no phone number' };
  const iso = now.toISOString();
  const window = call.settings.window;
  if (window || call.settings.callDays) {
    const plan = planAttemptTime(now, { ...call.settings, carryOver: true }, call.timezone);
    if ('at' in plan && plan.at.getTime() > now.getTime()) {
      const moved = replaceLastAttempt(call, { ...attempt, scheduledAt: plan.at.toISOString() });
      const days = call.settings.callDays ? ` on ${formatCallDays(call.settings.callDays)}` : '';
      const rule = window ? `the call window ${window.min}-${window.max}${days}` : `the call days${days}`;
      const reason = `attempt ${attempt.number} fired at ${iso}, outside ${rule} (${call.timezone}): moved to ${plan.at.toISOString()}`;
      return { reschedule: withStatus(moved, 'scheduled', reason, iso), at: plan.at };
    }
  }
  const { waiting: _waited, ...ready } = attempt;
  const started = replaceLastAttempt(call, { ...ready, startedAt: iso });
  return { call: withStatus(started, 'dialing', `attempt ${attempt.number} handed to the voice provider`, iso) };
}

/** The provider accepted the call: remember its id (status stays `dialing`). */
export function recordPlaced(call: CallRecord, attemptNumber: number, providerCallId: string, now: Date): Transition {
  const attempt = currentAttempt(call, attemptNumber);
  if (!attempt || call.status !== 'dialing') return { unchanged: `attempt ${attemptNumber} is not dialing` };
  const next = replaceLastAttempt(call, { ...attempt, providerCallId });
  return { call: bump(next, now.toISOString()) };
}

/** The attempt waits for a pacing slot or start: still `scheduled`, not a try; said once on the record. */
export function markWaiting(call: CallRecord, attemptNumber: number, reason: string, now: Date): Transition {
  const attempt = pendingAttempt(call);
  if (!attempt || attempt.number !== attemptNumber) return { unchanged: `call is not waiting for attempt ${attemptNumber}` };
  if (attempt.waiting) return { unchanged: `attempt ${attemptNumber} is already waiting` };
  const iso = now.toISOString();
  const next = replaceLastAttempt(call, { ...attempt, waiting: { since: iso, reason } });
  return { call: withStatus(next, 'scheduled', `attempt ${attemptNumber} ${reason}`, iso) };
}

export type PlacementFailure = 'retry' | 'busy' | 'uncertain' | 'refused';

/**
 * The create-call request failed. "retry" (certainly refused for now) sends the same
 * attempt again, at most MAX_RESENDS_AFTER_REFUSAL times; "busy" (the platform's
 * concurrency limit) waits for a slot without counting; "uncertain" (it may have been
 * placed) is never sent again and waits for the callback or the sweeper; "refused"
 * fails the attempt.
 */
export function recordPlacementError(
  call: CallRecord,
  attemptNumber: number,
  kind: PlacementFailure,
  message: string,
  now: Date,
): Transition & { resend?: boolean; retryAt?: Date } {
  const attempt = currentAttempt(call, attemptNumber);
  if (!attempt || call.status !== 'dialing') return { unchanged: `attempt ${attemptNumber} is not dialing` };
  const iso = now.toISOString();
  const { startedAt: _dropped, ...waiting } = attempt;
  if (kind === 'busy') {
    const next = replaceLastAttempt(call, { ...waiting, waiting: { since: iso, reason: 'waiting for a free slot at the voice platform' } });
    return { call: withStatus(next, 'scheduled', `attempt ${attemptNumber} waiting for a free slot: ${message}`, iso), resend: true };
  }
  if (kind === 'uncertain') {
    const reason = `attempt ${attemptNumber}: ${message}; waiting for the platform's callback`;
    return { call: withStatus(call, 'dialing', reason, iso) };
  }
  const dialErrors = (attempt.dialErrors ?? 0) + 1;
  if (kind === 'retry' && dialErrors <= MAX_RESENDS_AFTER_REFUSAL) {
    const next = replaceLastAttempt(call, { ...waiting, dialErrors });
    const reason = `voice provider refused attempt ${attemptNumber} for now (${message}); sending it again (${dialErrors}/${MAX_RESENDS_AFTER_REFUSAL})`;
    return { call: withStatus(next, 'scheduled', reason, iso), resend: true };
  }
  const why =
    kind === 'retry' ? `voice provider refused the call ${dialErrors} times (${message})` : `voice provider refused the call (${message})`;
  return settleAttempt(call, { ...attempt, dialErrors }, 'failed', why, now);
}

/** Cuts a transcript to MAX_TRANSCRIPT_BYTES (UTF-8), ending with a marker saying so. */
export function boundTranscript(text: string): string {
  return cutBytes(text, MAX_TRANSCRIPT_BYTES, TRANSCRIPT_CUT_MARKER);
}

function cutBytes(text: string, maxBytes: number, marker: string): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(marker, 'utf8');
  // Decoding a cut buffer may end in half a character: drop the replacement it becomes.
  const cut = Buffer.from(text, 'utf8')
    .subarray(0, Math.max(room, 0))
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}${marker}`;
}

function keptDetails(d: AttemptDetails): Partial<Attempt> {
  const out: Partial<Attempt> = {};
  if (d.providerReason !== undefined) out.providerReason = d.providerReason.slice(0, 200);
  if (d.durationSeconds !== undefined) out.durationSeconds = d.durationSeconds;
  if (d.summary !== undefined) out.summary = cutBytes(d.summary, MAX_SUMMARY_BYTES, '…');
  if (d.transcript !== undefined) out.transcript = boundTranscript(d.transcript);
  if (d.recordingUrl !== undefined) out.recordingUrl = d.recordingUrl.slice(0, 2048);
  return out;
}

/** A status callback: settle the attempt, then retry, complete or fail the call. */
export function recordOutcome(
  call: CallRecord,
  report: { attempt: number; outcome: AttemptOutcome } & AttemptDetails,
  now: Date,
): Transition & { retryAt?: Date } {
  const attempt = currentAttempt(call, report.attempt);
  // A placement that timed out may still have gone through; the provider's callback is
  // the proof, so it settles the attempt and the redelivered job finds nothing to dial.
  const placedDespiteError = call.status === 'scheduled' && attempt !== undefined && !attempt.startedAt && (attempt.dialErrors ?? 0) > 0;
  if (!attempt || (call.status !== 'dialing' && !placedDespiteError)) {
    return { unchanged: `attempt ${report.attempt} is already settled or not current (call is ${call.status})` };
  }
  if (report.providerCallId && attempt.providerCallId && report.providerCallId !== attempt.providerCallId) {
    return { unchanged: `providerCallId ${report.providerCallId} does not match attempt ${report.attempt}` };
  }
  const settled: Attempt = {
    ...attempt,
    ...keptDetails(report),
    providerCallId: attempt.providerCallId ?? report.providerCallId,
    durationSeconds: report.durationSeconds,
  };
  if (settled.providerReason === undefined) delete settled.providerReason;
  return settleAttempt(call, settled, report.outcome, OUTCOME_WORDS[report.outcome], now);
}

/** More about an attempt (Retell's call_analyzed summary): added to it, settled or not; the status stays. */
export function recordDetails(call: CallRecord, attemptNumber: number, details: AttemptDetails, now: Date): Transition {
  const index = call.attempts.findIndex((a) => a.number === attemptNumber);
  const attempt = call.attempts[index];
  if (!attempt?.startedAt) return { unchanged: `attempt ${attemptNumber} was not dialled` };
  if (details.providerCallId && attempt.providerCallId && details.providerCallId !== attempt.providerCallId) {
    return { unchanged: `providerCallId ${details.providerCallId} does not match attempt ${attemptNumber}` };
  }
  const added = keptDetails({ ...details, providerReason: undefined, durationSeconds: attempt.durationSeconds ?? details.durationSeconds });
  const merged: Attempt = { ...attempt };
  let changed = false;
  for (const [key, value] of Object.entries(added) as [keyof Attempt, never][]) {
    if (value !== undefined && merged[key] !== value) {
      merged[key] = value;
      changed = true;
    }
  }
  if (!changed) return { unchanged: `attempt ${attemptNumber} already has these details` };
  const attempts = [...call.attempts];
  attempts[index] = merged;
  return { call: bump({ ...call, attempts }, now.toISOString()) };
}

/** The provider never called back: count the attempt as failed so the call moves on. */
export function expireAttempt(call: CallRecord, now: Date, afterMinutes: number): Transition & { retryAt?: Date } {
  const attempt = call.attempts[call.attempts.length - 1];
  if (call.status !== 'dialing' || !attempt) return { unchanged: `call is ${call.status}` };
  return settleAttempt(call, attempt, 'failed', `no status callback from the voice provider within ${afterMinutes} minutes`, now);
}

function settleAttempt(
  call: CallRecord,
  attempt: Attempt,
  outcome: AttemptOutcome,
  reason: string,
  now: Date,
): Transition & { retryAt?: Date } {
  const iso = now.toISOString();
  const settled = replaceLastAttempt(call, { ...attempt, endedAt: iso, outcome, reason });
  if (outcome === 'completed') return { call: withStatus(settled, 'completed', `attempt ${attempt.number}: ${reason}`, iso) };
  // The contact went away while this attempt rang (deleted or erased in HubSpot): no retry.
  if (call.noRetryReason)
    return { call: withStatus(settled, 'cancelled', `attempt ${attempt.number}: ${reason}; ${call.noRetryReason}`, iso) };
  const plan = planRetry(call.settings, call.attempts.length, now, call.timezone, outcome);
  if ('exhausted' in plan) return { call: withStatus(settled, 'failed', `attempt ${attempt.number}: ${reason}; ${plan.exhausted}`, iso) };
  settled.attempts = [...settled.attempts, { number: plan.attempt, scheduledAt: plan.at.toISOString() }];
  const why = `attempt ${attempt.number}: ${reason}; retry ${plan.attempt - 1} of ${call.settings.numOfRetries} at ${plan.at.toISOString()}`;
  return { call: withStatus(settled, 'scheduled', why, iso), retryAt: plan.at };
}

export function cancelCall(call: CallRecord, now: Date, by = 'an operator'): Transition {
  if (TERMINAL_STATUSES.includes(call.status)) return { unchanged: `call is already ${call.status}` };
  return { call: withStatus(call, 'cancelled', `cancelled by ${by}`, now.toISOString()) };
}

function currentAttempt(call: CallRecord, attemptNumber: number): Attempt | undefined {
  const last = call.attempts[call.attempts.length - 1];
  return last && last.number === attemptNumber && !last.endedAt ? last : undefined;
}

function replaceLastAttempt(call: CallRecord, attempt: Attempt): CallRecord {
  return { ...call, attempts: [...call.attempts.slice(0, -1), attempt] };
}

function bump(call: CallRecord, at: string): CallRecord {
  return { ...call, updatedAt: at, version: call.version + 1 };
}

function withStatus(call: CallRecord, status: CallStatus, reason: string, at: string): CallRecord {
  return {
    ...call,
    status,
    reason,
    updatedAt: at,
    version: call.version + 1,
    history: [...call.history, { at, status, reason }],
  };
}
