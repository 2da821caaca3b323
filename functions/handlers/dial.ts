// SQS dial queue -> the voice provider. The conditional SCHEDULED -> DIALING write is
// what makes a duplicate message, a duplicate schedule or a sweeper re-dispatch harmless.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { performance } from 'node:perf_hooks';
import { buildStatusCallbackUrl } from '../core/callback-url';
import { markWaiting, pendingAttempt, recordPlaced, recordPlacementError, startAttempt } from '../core/call-state';
import { updateCall } from '../core/call-updates';
import { parseQueueMessage } from '../core/dial-job';
import { checkBeforeDial } from '../core/do-not-call';
import { VoiceProviderError, type VoiceErrorKind } from '../core/errors';
import type { Agent, CallRecord, DialJob, Pacing, QueueTask } from '../core/model';
import { isPaced, SLOT_WAIT_FALLBACK_MS } from '../core/pacing';
import type { VoiceProvider } from '../core/ports';
import { awsDeps, type AppDeps } from '../commons/deps';
import { lambdaHandler } from '../commons/lambda-handler';
import { callLogKeys, logger, withLogScope } from '../commons/logger';
import { freeSlots, releaseAndWake, takeSlot } from '../commons/pacing-slots';
import { callbackKey, effectivePacing } from '../commons/voice';
import { taskHandlerFor } from './tasks';
import { queueDialJobFollowUpsAgain, queueFollowUps } from '../services/follow-ups';

type Deps = AppDeps;
/** The agent by id, possibly from this container's short-lived cache. */
type AgentLookup = (id: string) => Promise<Agent | undefined>;

/**
 * How long a container reuses an agent it read. Agents change rarely (an operator
 * editing one), and a batch of dial jobs is nearly always for the same few agents, so
 * one read per agent per 30 s replaces one read per call. The price: an edit or a delete
 * reaches dials up to 30 s late. Timed on the process clock, not deps.now, which tests
 * and the sweeper may hold still.
 */
const AGENT_CACHE_MS = 30_000;

export function createDialHandler(deps: Deps) {
  const agents = cachedAgents(deps);
  return withLogScope(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const results = await Promise.all(
      event.Records.map(withLogScope(async (record) => ((await dialRecord(deps, agents, record)) ? undefined : record.messageId))),
    );
    return { batchItemFailures: results.filter((id): id is string => id !== undefined).map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

/** true: done with this message (delete it); false: let SQS deliver it again. */
async function dialRecord(deps: Deps, agents: AgentLookup, record: SQSRecord): Promise<boolean> {
  const message = parseQueueMessage(record.body);
  if (!message) {
    logger.error('dropping malformed queue message', { messageId: record.messageId });
    return true;
  }
  if (message.type === 'task') return runTask(deps, message.task, record.messageId);
  const job = message.job;
  logger.appendKeys({ callId: job.callId, attempt: job.attempt });
  try {
    await dial(deps, agents, job);
    return true;
  } catch (err) {
    logger.error('dial failed; the queue will redeliver', {
      callId: job.callId,
      attempt: job.attempt,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

async function runTask(deps: Deps, task: QueueTask, messageId: string): Promise<boolean> {
  const handler = taskHandlerFor(deps, task.kind);
  if (!handler) {
    logger.error('dropping a task of an unknown kind', { messageId, kind: task.kind });
    return true;
  }
  try {
    await handler(task);
    return true;
  } catch (err) {
    logger.warn('task failed; the queue will redeliver', {
      messageId,
      kind: task.kind,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

async function dial(deps: Deps, agents: AgentLookup, job: DialJob): Promise<void> {
  // Do-not-call list and HubSpot deletions, checked again just before the attempt.
  const gate = await checkBeforeDial(deps.store, job, deps.now());
  if (gate.stopped) {
    logger.info('dial job stopped before dialling', { ...callLogKeys(gate.call, job.attempt), reason: gate.reason });
    if (gate.before) await queueFollowUps(deps, gate.before, gate.call);
    return;
  }
  const pending = gate.call;
  if (!pending) {
    logger.warn('dial job for a call that is not stored', { callId: job.callId, attempt: job.attempt });
    return;
  }
  const agent = await agents(pending.agentId);
  const provider = agent ? deps.voiceProvider(agent.voice.provider) : undefined;
  const limits = agent ? effectivePacing(agent) : {};
  const paced = agent !== undefined && isPaced(limits) && isWaitingFor(pending, job);
  if (paced) {
    const slot = await takeSlot(deps.store, agent.id, job, limits, deps.now);
    if (!slot.ok) {
      await waitForSlot(deps, pending, job, slot.reason, slot.waitMs);
      return;
    }
  }
  const now = deps.now();
  const started = await updateCall(
    deps.store,
    job.callId,
    (call) => {
      const t = startAttempt(call, job.attempt, now);
      return 'reschedule' in t ? { call: t.reschedule, extra: t.at } : t;
    },
    { known: pending },
  );
  if (started.status === 'not-found') return;
  const ids = callLogKeys(started.call, job.attempt);
  if (started.status === 'unchanged') {
    // A duplicate of a job already dialling keeps that attempt's slot; any other frees it.
    if (paced && !isDialing(started.call, job)) await freeSlots(deps.store, started.call.agentId, [job], limits, deps.now);
    logger.info('dial job ignored', { ...ids, reason: started.reason });
    await queueDialJobFollowUpsAgain(deps, agent, started.call, job.attempt);
    return;
  }
  if (started.extra) {
    if (paced) await releaseAndWake(deps, started.call.agentId, job, limits);
    await deps.dispatcher.dispatch(job, started.extra, now);
    logger.info('attempt moved into the call window', { ...ids, reason: started.call.reason });
    return;
  }
  await placeCall(deps, { agent, provider, limits, paced }, started.call, job, now);
}

function isWaitingFor(call: CallRecord, job: DialJob): boolean {
  const attempt = pendingAttempt(call);
  return attempt !== undefined && attempt.number === job.attempt;
}

function isDialing(call: CallRecord, job: DialJob): boolean {
  const last = call.attempts[call.attempts.length - 1];
  return call.status === 'dialing' && last?.number === job.attempt && !last.endedAt;
}

/** The attempt waits (never failed, never a try): said once on the record, the job comes back later. */
async function waitForSlot(deps: Deps, call: CallRecord, job: DialJob, reason: string, waitMs: number): Promise<void> {
  const now = deps.now();
  await updateCall(deps.store, call.id, (c) => markWaiting(c, job.attempt, reason, now), { known: call });
  await deps.dispatcher.dispatch(job, new Date(now.getTime() + waitMs), now);
  logger.info('attempt waiting for pacing', { ...callLogKeys(call, job.attempt), waitMs, reason });
}

interface Placing {
  agent: Agent | undefined;
  provider: VoiceProvider | undefined;
  limits: Pacing;
  paced: boolean;
}

async function placeCall(deps: Deps, placing: Placing, call: CallRecord, job: DialJob, now: Date): Promise<void> {
  const ids = callLogKeys(call, job.attempt);
  const { agent, provider, limits, paced } = placing;
  if (!agent || !provider) {
    const why = agent ? `voice provider "${agent.voice.provider}" is not available` : `agent ${call.agentId} was deleted`;
    await settlePlacementError(deps, placing, job, 'refused', why, undefined, now, call);
    return;
  }
  try {
    const key = await callbackKey(deps.store);
    const placed = await provider.placeCall(
      {
        callId: call.id,
        attempt: job.attempt,
        agentId: agent.id,
        to: call.to as string,
        variables: call.variables,
        statusCallbackUrl: buildStatusCallbackUrl(deps.publicBaseUrl, provider.name, job, key),
      },
      agent.voice,
    );
    // `call` is the DIALING record this handler just stored: decided on without a read.
    await updateCall(deps.store, call.id, (c) => recordPlaced(c, job.attempt, placed.providerCallId, deps.now()), { known: call });
    logger.info('call placed', {
      ...ids,
      provider: provider.name,
      providerCallId: placed.providerCallId,
      status: call.status,
      reason: call.reason,
    });
  } catch (err) {
    if (!(err instanceof VoiceProviderError)) {
      if (paced) await releaseAndWake(deps, agent.id, job, limits);
      throw err;
    }
    logger.warn('voice provider error', { ...ids, provider: provider.name, kind: err.kind, status: err.status, error: err.message });
    await settlePlacementError(deps, placing, job, err.kind, err.message, err.retryAfterMs, deps.now(), call);
  }
}

/** Records the failure and, for a certain refusal, sends the same attempt again after Retry-After. */
async function settlePlacementError(
  deps: Deps,
  placing: Placing,
  job: DialJob,
  kind: VoiceErrorKind,
  message: string,
  retryAfterMs: number | undefined,
  now: Date,
  known: CallRecord,
): Promise<void> {
  const result = await updateCall(
    deps.store,
    job.callId,
    (c) => {
      const t = recordPlacementError(c, job.attempt, kind, message, now);
      return 'call' in t ? { call: t.call, extra: t } : t;
    },
    { known },
  );
  // "uncertain" keeps the attempt dialing, and so its slot, until its callback or the sweeper.
  if (placing.paced && placing.agent && kind !== 'uncertain') await releaseAndWake(deps, placing.agent.id, job, placing.limits);
  if (result.status !== 'updated') return;
  const ids = callLogKeys(result.call, job.attempt);
  logger.info('call updated after dial error', { ...ids, status: result.call.status, reason: result.call.reason });
  const t = result.extra;
  if (t?.retryAt) await deps.dispatcher.dispatch({ callId: job.callId, attempt: job.attempt + 1 }, t.retryAt, now);
  // An attempt the platform refused is settled too: its write-back and events.
  await queueFollowUps(deps, result.before, result.call);
  if (t?.resend) {
    const refusals = result.call.attempts[result.call.attempts.length - 1]?.dialErrors ?? 1;
    const waitMs = kind === 'busy' ? SLOT_WAIT_FALLBACK_MS : (retryAfterMs ?? 1000 * 2 ** Math.max(refusals - 1, 0));
    await deps.dispatcher.dispatch(job, new Date(now.getTime() + waitMs), now);
  }
}

function cachedAgents(deps: Deps): AgentLookup {
  const cache = new Map<string, { agent: Agent; readAt: number }>();
  return async (id) => {
    const hit = cache.get(id);
    if (hit && performance.now() - hit.readAt < AGENT_CACHE_MS) return hit.agent;
    const agent = await deps.store.getAgent(id);
    // A missing agent is not cached: one created a moment later is seen at once.
    if (agent) cache.set(id, { agent, readAt: performance.now() });
    else cache.delete(id);
    return agent;
  };
}

export const handler = lambdaHandler(() => createDialHandler(awsDeps()));
