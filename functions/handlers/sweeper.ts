// Runs every few minutes (EventBridge rule on AWS, a timer locally): finds calls stuck
// past their time — a lost dial job, a callback that never came — and moves each on.
// It never dials: it only re-dispatches jobs, and the dial handler's conditional
// SCHEDULED -> DIALING write keeps a re-dispatched call from ringing twice.
import { expireAttempt } from '../core/call-state';
import { TERMINAL_STATUSES } from '../core/model';
import { eraseAfterRetention, parseRetentionDays, retentionCutoff } from '../core/retention';
import { DEFAULT_WORKSPACE, type CallRecord, type DialJob } from '../core/model';
import { isPaced, jobOfLeaseKey } from '../core/pacing';
import { releaseAndWake } from '../commons/pacing-slots';
import { effectivePacing } from '../commons/voice';
import { updateCall } from '../core/call-updates';
import { CALLBACK_TIMEOUT_MINUTES, isSilent, lostAttempt, lostJobCutoff, silentCallCutoff } from '../core/sweep-rules';
import { awsDeps, type AppDeps } from '../commons/deps';
import { lambdaHandler } from '../commons/lambda-handler';
import { callLogKeys, logger, withLogScope } from '../commons/logger';
import { queueFollowUps } from '../services/follow-ups';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'now'> & {
  /** Finished calls lose their personal data after this many days; default $RETENTION_DAYS, absent = keep. */
  retentionDays?: number;
};

const BATCH = 100;

export interface SweepSummary {
  redispatched: number;
  expired: number;
  /** Present when a retention period is set. */
  erased?: number;
  /** Pacing slots held by attempts that are no longer live (a lost callback, a cancelled call). */
  slotsFreed: number;
}

export function createSweeper(deps: Deps) {
  return withLogScope(async (): Promise<SweepSummary> => {
    const now = deps.now();
    const summary: SweepSummary = { redispatched: 0, expired: 0, slotsFreed: 0 };
    for (const call of await deps.store.listStaleCalls('scheduled', lostJobCutoff(now), BATCH)) {
      const attempt = lostAttempt(call, now);
      if (!attempt) continue;
      await deps.dispatcher.dispatch({ callId: call.id, attempt: attempt.number }, now, now);
      summary.redispatched += 1;
      logger.warn('re-dispatched a late attempt', { ...callLogKeys(call, attempt.number), scheduledAt: attempt.scheduledAt });
    }
    for (const stale of await deps.store.listStaleCalls('dialing', silentCallCutoff(now), BATCH)) {
      const result = await updateCall(deps.store, stale.id, (c) => {
        if (!isSilent(c, now)) return { unchanged: 'attempt is recent' };
        const t = expireAttempt(c, now, CALLBACK_TIMEOUT_MINUTES);
        return 'call' in t ? { call: t.call, extra: t.retryAt } : t;
      });
      if (result.status !== 'updated') continue;
      summary.expired += 1;
      const last = result.call.attempts[result.call.attempts.length - 1];
      if (result.extra && last) await deps.dispatcher.dispatch({ callId: stale.id, attempt: last.number }, result.extra, now);
      await queueFollowUps(deps, result.before, result.call);
      logger.warn('attempt expired without a callback', { ...callLogKeys(stale), status: result.call.status, reason: result.call.reason });
    }
    const retentionDays = deps.retentionDays ?? parseRetentionDays(process.env.RETENTION_DAYS);
    if (retentionDays !== undefined) {
      const cutoff = retentionCutoff(now, retentionDays);
      let erased = 0;
      // Erased finished calls sort after every time in these ranges, so each pass finds new ones only.
      for (const status of TERMINAL_STATUSES) {
        for (const done of await deps.store.listStaleCalls(status, cutoff, BATCH)) {
          if (done.erasedAt) continue;
          const result = await updateCall(deps.store, done.id, (c) => eraseAfterRetention(c, now, retentionDays), { known: done });
          if (result.status !== 'updated') continue;
          erased += 1;
          logger.info('personal data erased after the retention period', { ...callLogKeys(done), status: result.call.status });
        }
      }
      summary.erased = erased;
    }
    summary.slotsFreed = await reconcileSlots(deps);
    return summary;
  });
}

export const handler = lambdaHandler(() => createSweeper(awsDeps()));
/** A slot is held by a live attempt only: any other lease (its callback lost, its call cancelled) is freed. */
async function reconcileSlots(deps: Deps): Promise<number> {
  let freed = 0;
  for (const agent of await deps.store.listAgents(DEFAULT_WORKSPACE)) {
    const limits = effectivePacing(agent);
    if (!isPaced(limits)) continue;
    const state = await deps.store.getPacing(agent.id);
    const held = Object.keys(state?.leases ?? {})
      .map(jobOfLeaseKey)
      .filter((j): j is DialJob => j !== undefined);
    if (held.length === 0) continue;
    const calls = await deps.store.getCalls(held.map((j) => j.callId));
    const stale = held.filter((j) => !isLive(calls.get(j.callId), j));
    if (stale.length === 0) continue;
    await releaseAndWake(deps, agent.id, stale, limits);
    freed += stale.length;
    logger.warn('freed pacing slots of attempts no longer live', { agentId: agent.id, slots: stale.length });
  }
  return freed;
}

function isLive(call: CallRecord | undefined, job: DialJob): boolean {
  const attempt = call?.attempts.find((a) => a.number === job.attempt);
  // A slot is taken just before the attempt starts dialling: a pending one may be about to.
  return call !== undefined && attempt !== undefined && !attempt.endedAt && (call.status === 'dialing' || call.status === 'scheduled');
}
