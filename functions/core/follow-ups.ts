// What a stored call change sets in motion beside the next dial: the HubSpot write-back of
// each settled attempt and the operator's notifications. Each is a queue task, so it is
// retried on its own schedule and never holds up the callback that caused it.
import { engagementContentChanged } from './call-engagement';
import type { Agent, Attempt, CallRecord, QueueTask } from './model';
import { TERMINAL_STATUSES } from './model';

export const WRITEBACK_TASK = 'hubspot-writeback';
export const NOTIFY_TASK = 'notify';

export type NotifyEventType = 'attempt.settled' | 'call.finished';

export interface WriteBackTask extends QueueTask {
  kind: typeof WRITEBACK_TASK;
  callId: string;
  attempt: number;
  /** Tries already made (0 for the first). */
  tries?: number;
}

export interface NotifyTask extends QueueTask {
  kind: typeof NOTIFY_TASK;
  eventId: string;
  type: NotifyEventType;
  callId: string;
  attempt?: number;
  tries?: number;
}

/** Deterministic per (call, attempt, type): a redelivered event keeps its id, so receivers dedupe on it. */
export function notifyEventId(callId: string, type: NotifyEventType, attempt?: number): string {
  return type === 'attempt.settled' ? `${callId}:${attempt}:${type}` : `${callId}:${type}`;
}

export function writeBackTask(callId: string, attempt: number): WriteBackTask {
  return { kind: WRITEBACK_TASK, callId, attempt };
}

export function notifyTask(callId: string, type: NotifyEventType, attempt?: number): NotifyTask {
  return {
    kind: NOTIFY_TASK,
    eventId: notifyEventId(callId, type, attempt),
    type,
    callId,
    ...(type === 'attempt.settled' ? { attempt } : {}),
  };
}

/**
 * The tasks a change from `before` to `after` calls for: a write-back for every attempt
 * that settled or learned something new (a later summary patches the engagement), an
 * attempt.settled event for every attempt that settled, call.finished when the call
 * reached a final status.
 */
export function followUpTasks(
  agent: Pick<Agent, 'writeBackToHubSpot' | 'notify'>,
  before: CallRecord | undefined,
  after: CallRecord,
): QueueTask[] {
  const tasks: QueueTask[] = [];
  for (const attempt of after.attempts) {
    if (!attempt.outcome) continue;
    const previous = before?.attempts.find((a) => a.number === attempt.number);
    const newlySettled = !previous?.outcome;
    // An erased call's details are gone: nothing to write (the write-back would skip it).
    if (agent.writeBackToHubSpot && !after.erasedAt && (newlySettled || engagementContentChanged(previous, attempt)))
      tasks.push(writeBackTask(after.id, attempt.number));
    if (agent.notify && newlySettled) tasks.push(notifyTask(after.id, 'attempt.settled', attempt.number));
  }
  if (agent.notify && isFinal(after) && !(before && isFinal(before))) tasks.push(notifyTask(after.id, 'call.finished'));
  return tasks;
}

/**
 * The tasks for an attempt already settled, for a callback that repeats: its first
 * hand-off may have been lost. Write-back only when no engagement was recorded yet;
 * events again (receivers dedupe by eventId).
 */
export function repeatedFollowUpTasks(
  agent: Pick<Agent, 'writeBackToHubSpot' | 'notify'>,
  call: CallRecord,
  attemptNumber: number,
): QueueTask[] {
  const attempt = call.attempts.find((a) => a.number === attemptNumber);
  if (!attempt?.outcome) return [];
  const tasks: QueueTask[] = [];
  if (agent.writeBackToHubSpot && !attempt.hubspotCallId) tasks.push(writeBackTask(call.id, attemptNumber));
  if (agent.notify) {
    tasks.push(notifyTask(call.id, 'attempt.settled', attemptNumber));
    if (isFinal(call) && call.attempts[call.attempts.length - 1]?.number === attemptNumber)
      tasks.push(notifyTask(call.id, 'call.finished'));
  }
  return tasks;
}

/**
 * The tasks again for a dial job that comes back to an attempt it can no longer change:
 * the try that settled the attempt (a refused placement) or ended the call before the
 * attempt started (the do-not-call or deletion check) may have died before handing them off.
 */
export function repeatedDialJobTasks(
  agent: Pick<Agent, 'writeBackToHubSpot' | 'notify'>,
  call: CallRecord,
  attemptNumber: number,
): QueueTask[] {
  const attempt = call.attempts.find((a) => a.number === attemptNumber);
  if (attempt?.outcome) return repeatedFollowUpTasks(agent, call, attemptNumber);
  return agent.notify && isFinal(call) && !attempt?.startedAt ? [notifyTask(call.id, 'call.finished')] : [];
}

function isFinal(call: CallRecord): boolean {
  return TERMINAL_STATUSES.includes(call.status);
}

// ---- retries ---------------------------------------------------------------------------------

/** SQS's longest delay: a wait beyond it is cut to it. */
export const MAX_TASK_DELAY_SECONDS = 15 * 60;
/** Tries before a write-back is given up (and said so in the call's history): ~30 min of backoff. */
export const MAX_WRITEBACK_TRIES = 10;
/** Tries before a notification is given up: ~3 hours of backoff. */
export const MAX_NOTIFY_TRIES = 20;

/** Seconds before try `tries + 1`: the server's Retry-After when it gave one, else 2, 4, 8 ... up to 15 min. */
export function retryDelaySeconds(tries: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(MAX_TASK_DELAY_SECONDS, Math.ceil(retryAfterSeconds));
  }
  return Math.min(MAX_TASK_DELAY_SECONDS, 2 ** Math.max(1, tries));
}

// ---- what the task handlers store ------------------------------------------------------------

/** The call with one attempt replaced; bookkeeping only (no status change, updatedAt kept for the sweeper). */
export function withAttempt(call: CallRecord, attempt: Attempt): CallRecord {
  return { ...call, attempts: call.attempts.map((a) => (a.number === attempt.number ? attempt : a)), version: call.version + 1 };
}

/** A line in the call's history that says what became of a follow-up, the status unchanged. */
export function withHistoryNote(call: CallRecord, reason: string, now: Date): CallRecord {
  return { ...call, version: call.version + 1, history: [...call.history, { at: now.toISOString(), status: call.status, reason }] };
}

// ---- tasks as they come off the queue --------------------------------------------------------

export function parseWriteBackTask(task: QueueTask): WriteBackTask | undefined {
  const { callId, attempt, tries } = task;
  if (typeof callId !== 'string' || !callId || !isPositiveInt(attempt)) return undefined;
  return { kind: WRITEBACK_TASK, callId, attempt, tries: isCount(tries) ? tries : 0 };
}

export function parseNotifyTask(task: QueueTask): NotifyTask | undefined {
  const { callId, attempt, type, tries } = task;
  if (typeof callId !== 'string' || !callId) return undefined;
  if (type !== 'attempt.settled' && type !== 'call.finished') return undefined;
  if (type === 'attempt.settled' && !isPositiveInt(attempt)) return undefined;
  const parsed = notifyTask(callId, type, type === 'attempt.settled' ? (attempt as number) : undefined);
  return { ...parsed, tries: isCount(tries) ? tries : 0 };
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
