// The body of an operator notification (DESIGN "Operator notifications"): the call as
// GET /admin/calls/{id} shows it at delivery time, under a deterministic eventId.
import { callView, type CallView } from './admin-views';
import type { CallRecord } from './model';
import { TERMINAL_STATUSES } from './model';
import type { NotifyEventType } from './follow-ups';

export interface NotificationEvent {
  eventId: string;
  type: NotifyEventType;
  /** When it happened (the attempt's end, or the call's final status change), not when it was sent. */
  occurredAt: string;
  call: CallView;
}

/** undefined when the call holds nothing that event is about (say, an attempt that is not settled). */
export function notificationEvent(
  task: { eventId: string; type: NotifyEventType; attempt?: number },
  call: CallRecord,
): NotificationEvent | undefined {
  const occurredAt = task.type === 'attempt.settled' ? settledAt(call, task.attempt) : finishedAt(call);
  if (!occurredAt) return undefined;
  return { eventId: task.eventId, type: task.type, occurredAt, call: callView(call) };
}

function settledAt(call: CallRecord, attemptNumber: number | undefined): string | undefined {
  const attempt = call.attempts.find((a) => a.number === attemptNumber);
  return attempt?.outcome ? (attempt.endedAt ?? call.updatedAt) : undefined;
}

/** The history line where the call first took its final status. */
function finishedAt(call: CallRecord): string | undefined {
  if (!TERMINAL_STATUSES.includes(call.status)) return undefined;
  return call.history.find((h) => h.status === call.status)?.at ?? call.updatedAt;
}
