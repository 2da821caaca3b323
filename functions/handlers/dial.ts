// SQS dial queue -> the voice provider. The conditional SCHEDULED -> DIALING write is
// what makes a duplicate message, a duplicate schedule or a sweeper re-dispatch harmless.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { performance } from 'node:perf_hooks';
import { buildStatusCallbackUrl } from '../core/callback-url';
import { recordDialError, recordPlaced, startAttempt } from '../core/call-state';
import { updateCall } from '../core/call-updates';
import { checkBeforeDial } from '../core/do-not-call';
import { VoiceProviderError } from '../core/errors';
import type { Agent, CallRecord, DialJob, QueueTask } from '../core/model';
import { parseQueueMessage } from '../core/dial-job';
import { awsDeps, type AppDeps } from '../commons/deps';
import { lambdaHandler } from '../commons/lambda-handler';
import { callLogKeys, logger, withLogScope } from '../commons/logger';
import { taskHandlerFor } from './tasks';

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
  const now = deps.now();
  // Do-not-call list and HubSpot deletions, checked again just before the attempt.
  const gate = await checkBeforeDial(deps.store, job, now);
  if (gate.stopped) {
    logger.info('dial job stopped before dialling', { ...callLogKeys(gate.call, job.attempt), reason: gate.reason });
    return;
  }
  const started = await updateCall(
    deps.store,
    job.callId,
    (call) => {
      const t = startAttempt(call, job.attempt, now);
      return 'reschedule' in t ? { call: t.reschedule, extra: t.at } : t;
    },
    { known: gate.call },
  );
  if (started.status === 'not-found') {
    logger.warn('dial job for a call that is not stored');
    return;
  }
  logger.appendKeys(callLogKeys(started.call, job.attempt));
  if (started.status === 'unchanged') {
    logger.info('dial job ignored', { reason: started.reason });
    return;
  }
  if (started.extra) {
    await deps.dispatcher.dispatch(job, started.extra, now);
    logger.info('attempt moved into the call window', { reason: started.call.reason });
    return;
  }
  await placeCall(deps, agents, started.call, job, now);
}

async function placeCall(deps: Deps, agents: AgentLookup, call: CallRecord, job: DialJob, now: Date): Promise<void> {
  const agent = await agents(call.agentId);
  const provider = agent ? deps.voiceProvider(agent.voice.provider) : undefined;
  if (!agent || !provider) {
    const why = agent ? `voice provider "${agent.voice.provider}" is not available` : `agent ${call.agentId} was deleted`;
    await settleDialError(deps, job, why, false, now, call);
    return;
  }
  const secret = typeof agent.voice.secret === 'string' ? agent.voice.secret : '';
  try {
    const placed = await provider.placeCall(
      {
        callId: call.id,
        attempt: job.attempt,
        agentId: agent.id,
        to: call.to as string,
        variables: call.variables,
        statusCallbackUrl: buildStatusCallbackUrl(deps.publicBaseUrl, provider.name, job, secret),
      },
      agent.voice,
    );
    // `call` is the DIALING record this handler just stored: decided on without a read.
    await updateCall(deps.store, call.id, (c) => recordPlaced(c, job.attempt, placed.providerCallId, deps.now()), { known: call });
    logger.info('call placed', {
      provider: provider.name,
      providerCallId: placed.providerCallId,
      status: call.status,
      reason: call.reason,
    });
  } catch (err) {
    if (!(err instanceof VoiceProviderError)) throw err;
    logger.warn('voice provider error', {
      provider: provider.name,
      retryable: err.retryable,
      status: err.status,
      error: err.message,
    });
    const redeliver = await settleDialError(deps, job, err.message, err.retryable, deps.now(), call);
    if (redeliver) throw err;
  }
}

/** Records the failure; true when the queue should redeliver the job. */
async function settleDialError(
  deps: Deps,
  job: DialJob,
  message: string,
  retryable: boolean,
  now: Date,
  known: CallRecord,
): Promise<boolean> {
  const result = await updateCall(
    deps.store,
    job.callId,
    (c) => {
      const t = recordDialError(c, job.attempt, message, retryable, now);
      return 'call' in t ? { call: t.call, extra: t } : t;
    },
    { known },
  );
  if (result.status !== 'updated') return false;
  logger.info('call updated after dial error', { status: result.call.status, reason: result.call.reason });
  if (result.extra?.retryAt) await deps.dispatcher.dispatch({ callId: job.callId, attempt: job.attempt + 1 }, result.extra.retryAt, now);
  return Boolean(result.extra?.redeliver);
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
