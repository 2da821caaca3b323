// The queue carries dial jobs and tasks. A task kind is one line here: its handler,
// built from the same deps as the dial handler. A handler that throws leaves its message
// for redelivery (and, after the queue's maxReceiveCount, the dead-letter queue), so each
// must be safe to run twice.
import type { QueueTask } from '../core/model';
import type { AppDeps } from '../commons/deps';
import { NOTIFY_TASK, WRITEBACK_TASK } from '../core/follow-ups';
import { BACKFILL_PAGE_TASK, createBackfillPageHandler } from './backfill-page';
import { hubspotWriteBackTask } from './tasks/hubspot-writeback';
import { notifyTaskHandler } from './tasks/notify';

export type TaskHandler = (task: QueueTask) => Promise<void>;
export type TaskDeps = AppDeps;

const taskHandlers: Record<string, (deps: TaskDeps) => TaskHandler> = {
  [BACKFILL_PAGE_TASK]: createBackfillPageHandler,
  [WRITEBACK_TASK]: hubspotWriteBackTask,
  [NOTIFY_TASK]: notifyTaskHandler,
};

/** The handler for `kind`, or undefined for a kind this build does not know. */
export function taskHandlerFor(deps: TaskDeps, kind: string): TaskHandler | undefined {
  const make = Object.hasOwn(taskHandlers, kind) ? taskHandlers[kind] : undefined;
  return make?.(deps);
}
