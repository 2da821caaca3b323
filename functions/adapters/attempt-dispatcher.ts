import { chooseDispatch } from '../core/dispatch-rule';
import type { AttemptDispatcher, AttemptScheduler, DialQueue } from '../core/ports';

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
    // A message already in SQS cannot be recalled; the dial handler ignores jobs for
    // calls that are no longer scheduled, so removing the schedule is all there is to do.
    cancel: (job) => scheduler.cancel(job),
  };
}
