// Runs every few minutes (EventBridge rule on AWS, a timer locally): finds calls stuck
// past their time — a lost dial job, a callback that never came — and moves each on.
// It never dials: it only re-dispatches jobs, and the dial handler's conditional
// SCHEDULED -> DIALING write keeps a re-dispatched call from ringing twice.
import { expireAttempt, pendingAttempt } from '../core/call-state';
import { updateCall } from '../core/call-updates';
import { awsDeps, type AppDeps } from '../commons/deps';
import { logger } from '../commons/logger';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'now'>;

/** A scheduled attempt this late has lost its job (SQS and the scheduler fire within seconds). */
export const LOST_JOB_AFTER_MINUTES = 10;
/** No callback this long after dialling: the provider lost it; count the attempt as failed. */
export const CALLBACK_TIMEOUT_MINUTES = 60;
const BATCH = 100;

export interface SweepSummary {
  redispatched: number;
  expired: number;
}

export function createSweeper(deps: Deps) {
  return async (): Promise<SweepSummary> => {
    const now = deps.now();
    const summary: SweepSummary = { redispatched: 0, expired: 0 };
    const lostBefore = new Date(now.getTime() - LOST_JOB_AFTER_MINUTES * 60_000).toISOString();
    for (const call of await deps.store.listStaleCalls('scheduled', lostBefore, BATCH)) {
      const attempt = pendingAttempt(call);
      if (!attempt || attempt.scheduledAt >= lostBefore) continue;
      await deps.dispatcher.dispatch({ callId: call.id, attempt: attempt.number }, now, now);
      summary.redispatched += 1;
      logger.warn('re-dispatched a late attempt', { callId: call.id, attempt: attempt.number, agentId: call.agentId, portalId: call.portalId, contactId: call.contactId, scheduledAt: attempt.scheduledAt });
    }
    const silentBefore = new Date(now.getTime() - CALLBACK_TIMEOUT_MINUTES * 60_000).toISOString();
    for (const stale of await deps.store.listStaleCalls('dialing', silentBefore, BATCH)) {
      const result = await updateCall(deps.store, stale.id, (c) => {
        const started = c.attempts[c.attempts.length - 1]?.startedAt;
        if (!started || started >= silentBefore) return { unchanged: 'attempt is recent' };
        const t = expireAttempt(c, now, CALLBACK_TIMEOUT_MINUTES);
        return 'call' in t ? { call: t.call, extra: t.retryAt } : t;
      });
      if (result.status !== 'updated') continue;
      summary.expired += 1;
      const last = result.call.attempts[result.call.attempts.length - 1];
      if (result.extra && last) await deps.dispatcher.dispatch({ callId: stale.id, attempt: last.number }, result.extra, now);
      logger.warn('attempt expired without a callback', { callId: stale.id, agentId: stale.agentId, portalId: stale.portalId, contactId: stale.contactId, status: result.call.status, reason: result.call.reason });
    }
    return summary;
  };
}

let sweeperInstance: ReturnType<typeof createSweeper> | undefined;
export const handler = () => (sweeperInstance ??= createSweeper(awsDeps()))();
