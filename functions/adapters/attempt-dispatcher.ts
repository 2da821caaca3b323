import { forEachLimited } from '../core/concurrency';
import { chooseDispatch } from '../core/dispatch-rule';
import type { DialJob } from '../core/model';
import type { AttemptDispatcher, AttemptScheduler, DialQueue } from '../core/ports';

/** Schedules created at once by dispatchMany: EventBridge Scheduler throttles bursts. */
const SCHEDULES_AT_ONCE = 5;

// The one place that decides between "SQS delay" and "a schedule" (rule in
// core/dispatch-rule). Schedules are written in UTC: the attempt's instant was already
// planned in the agent's zone, and a UTC expression cannot be ambiguous across DST.
export function createAttemptDispatcher(queue: DialQueue, scheduler: AttemptScheduler): AttemptDispatcher {
  return {
    async dispatch(job, at, now) {
      const choice = chooseDispatch(at, now);
      if (choice.via === 'queue') await queue.send(job, choice.delaySeconds);
      else await scheduler.schedule(job, at, 'UTC', now);
    },
    // Near jobs share SendMessageBatch requests; later ones are schedules, which have no
    // batch API, so they go one by one (a few at once).
    async dispatchMany(items, now) {
      const near: { job: DialJob; delaySeconds: number }[] = [];
      const later: { job: DialJob; at: Date }[] = [];
      for (const { job, at } of items) {
        const choice = chooseDispatch(at, now);
        if (choice.via === 'queue') near.push({ job, delaySeconds: choice.delaySeconds });
        else later.push({ job, at });
      }
      await Promise.all([
        near.length > 0 ? queue.sendMany(near) : undefined,
        forEachLimited(later, SCHEDULES_AT_ONCE, ({ job, at }) => scheduler.schedule(job, at, 'UTC', now)),
      ]);
    },
    // A message already in SQS cannot be recalled; the dial handler ignores jobs for
    // calls that are no longer scheduled, so removing the schedule is all there is to do.
    cancel: (job) => scheduler.cancel(job),
    dispatchTask: (task, delaySeconds) => queue.sendTask(task, delaySeconds),
  };
}
