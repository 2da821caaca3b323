// Task `notify` {eventId, type, callId, attempt?}: one signed event to the agent's
// notify.url. At least once: a failed delivery is tried again later (Retry-After
// honoured, else backing off to 15 min) and, after MAX_NOTIFY_TRIES, the call's history
// says it was given up. A down endpoint costs its own task's tries and nothing else.
import { updateCall } from '../../core/call-updates';
import { MAX_NOTIFY_TRIES, parseNotifyTask, retryDelaySeconds, withHistoryNote, type NotifyTask } from '../../core/follow-ups';
import type { QueueTask } from '../../core/model';
import { notificationEvent } from '../../core/notification-event';
import { NotifyError } from '../../core/errors';
import { notifyTargetView } from '../../core/notify-target';
import type { AppDeps } from '../../commons/deps';
import { notifierOf } from '../../commons/notifier';
import { callLogKeys, logger } from '../../commons/logger';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'now' | 'notifier'>;

export function notifyTaskHandler(deps: Deps) {
  const notifier = notifierOf(deps);
  return async (raw: QueueTask): Promise<void> => {
    const task = parseNotifyTask(raw);
    if (!task) {
      logger.error('dropping a malformed notify task', { kind: raw.kind });
      return;
    }
    const call = await deps.store.getCall(task.callId);
    if (!call) return;
    const agent = await deps.store.getAgent(call.agentId);
    if (!agent?.notify) return; // notifications were switched off (or the agent deleted) meanwhile
    const event = notificationEvent(task, call);
    if (!event) return;
    const ids = { ...callLogKeys(call, task.attempt), eventId: task.eventId, type: task.type };
    try {
      await notifier.deliver(agent.notify, JSON.stringify(event));
      logger.info('notification delivered', ids);
    } catch (err) {
      if (!(err instanceof NotifyError)) throw err;
      await failed(deps, task, err, notifyTargetView(agent.notify)?.url ?? '', ids);
    }
  };
}

async function failed(deps: Deps, task: NotifyTask, err: NotifyError, where: string, ids: Record<string, unknown>): Promise<void> {
  const tries = (task.tries ?? 0) + 1;
  if (tries < MAX_NOTIFY_TRIES) {
    const delay = retryDelaySeconds(tries, err.retryAfterSeconds);
    await deps.dispatcher.dispatchTask({ ...task, tries }, delay);
    logger.warn('notification not delivered; trying again later', {
      ...ids,
      status: err.status,
      error: err.message,
      tries,
      delaySeconds: delay,
    });
    return;
  }
  logger.warn('notification given up', { ...ids, status: err.status, error: err.message, tries });
  const now = deps.now();
  const what = task.type === 'attempt.settled' ? `${task.type} of attempt ${task.attempt}` : task.type;
  await updateCall(deps.store, task.callId, (c) => ({
    call: withHistoryNote(c, `notification ${what} (${task.eventId}) given up after ${tries} tries: ${where} ${err.message}`, now),
  }));
}
