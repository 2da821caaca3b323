// POST /call/status/{provider} — a voice platform reports how an attempt went. The
// provider's adapter says which call and attempt it is about and proves it came from
// the platform; nothing is stored before that proof holds.
import { callbackTokens } from '../core/callback-url';
import { pendingAttempt, recordDetails, recordOutcome } from '../core/call-state';
import { updateCall } from '../core/call-updates';
import { followUpTasks, repeatedFollowUpTasks } from '../core/follow-ups';
import type { CallRecord, DialJob } from '../core/model';
import { isPaced } from '../core/pacing';
import type { CallbackEvent, CallbackInput, VoiceProvider } from '../core/ports';
import { awsDeps, type AppDeps } from '../commons/deps';
import { lambdaHandler } from '../commons/lambda-handler';
import { releaseAndWake } from '../commons/pacing-slots';
import { callbackKey, effectivePacing } from '../commons/voice';
import { bodyBytes, errorReply, json, lowerCaseHeaders, queryOf, rawBodyOf, type HttpEvent, type HttpResult } from '../commons/http';
import { callLogKeys, logger, withLogScope } from '../commons/logger';
import { dispatchFollowUps, followUpSettings } from '../services/follow-ups';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'voiceProvider' | 'now'>;

/** Transcripts make callbacks large; past this the body is refused (413) rather than cut. */
export const MAX_CALLBACK_BYTES = 1024 * 1024;

const unverified = () => errorReply(401, 'invalid_signature', 'status callback signature or token is not valid');

export function createCallStatusHandler(deps: Deps) {
  return withLogScope(async (event: HttpEvent): Promise<HttpResult> => {
    const providerName = event.pathParameters?.provider ?? event.rawPath.split('/').pop() ?? '';
    const provider = deps.voiceProvider(providerName);
    if (!provider) return errorReply(404, 'unknown_provider', `voice provider "${providerName}" is not registered`);
    if (bodyBytes(event) > MAX_CALLBACK_BYTES) {
      return errorReply(413, 'body_too_large', `status callback body is over ${MAX_CALLBACK_BYTES} bytes (1 MiB)`);
    }
    const input: CallbackInput = { rawBody: rawBodyOf(event), headers: lowerCaseHeaders(event), query: queryOf(event) };
    const job = provider.identify(input);
    if (!job) {
      if (provider.callbackUrl !== 'per-call') return unverified();
      return errorReply(
        400,
        'invalid_parameter',
        'call_id and attempt are required in the status callback URL: use the statusCallbackUrl exactly as hubdial sent it',
        'call_id',
      );
    }
    const call = await deps.store.getCall(job.callId);
    const agent = call ? await deps.store.getAgent(call.agentId) : undefined;
    if (!call || !agent) return errorReply(404, 'call_not_found', `call ${job.callId} was not found`);

    const now = deps.now();
    const verified =
      agent.voice.provider === provider.name &&
      provider.verify(input, { config: agent.voice, agentId: agent.id, job, tokens: callbackTokens(await callbackKey(deps.store)), now });
    if (!verified) return unverified();
    const said = provider.parse(input, job);
    if (!said)
      return errorReply(
        400,
        'invalid_body',
        `the body is not a ${provider.name} status callback for call ${job.callId} attempt ${job.attempt}`,
      );

    const ids = callLogKeys(call, job.attempt);
    if (said.kind === 'progress') {
      logger.info('status callback noted', { ...ids, event: said.event });
      return json(200, { callId: job.callId, status: call.status, changed: false, reason: `${said.event}: nothing to record` });
    }
    if (said.kind === 'details') return addDetails(deps, job, said, ids);
    return settle(deps, provider, call, job, said, ids, now);
  });
}

async function settle(
  deps: Deps,
  provider: VoiceProvider,
  call: CallRecord,
  job: DialJob,
  report: Extract<CallbackEvent, { kind: 'outcome' }>,
  ids: Record<string, unknown>,
  now: Date,
): Promise<HttpResult> {
  const result = await updateCall(
    deps.store,
    job.callId,
    (c) => {
      const t = recordOutcome(c, { ...report, attempt: job.attempt }, now);
      return 'call' in t ? { call: t.call, extra: t.retryAt } : t;
    },
    { known: call },
  );
  if (result.status === 'not-found') return errorReply(404, 'call_not_found', `call ${job.callId} was not found`);
  const agent = await deps.store.getAgent(result.call.agentId);
  const limits = agent ? effectivePacing(agent) : {};
  if (result.status === 'unchanged') {
    // A repeated callback may be the provider retrying because our answer to the first
    // one was lost after the retry was planned: hand that retry off again (idempotent),
    // and free the slot again in case that is what was lost.
    const next = pendingAttempt(result.call);
    if (next && next.number === job.attempt + 1)
      await deps.dispatcher.dispatch({ callId: job.callId, attempt: next.number }, new Date(next.scheduledAt), now);
    if (agent && isPaced(limits) && !isStillDialing(result.call, job)) await releaseAndWake(deps, agent.id, job, limits);
    // Its write-back and events may have been lost with our first answer: hand them off
    // again (the write-back finds its engagement id, receivers dedupe events by eventId).
    if (agent) await dispatchFollowUps(deps, repeatedFollowUpTasks(followUpSettings(agent, result.call), result.call, job.attempt));
    logger.info('status callback changed nothing', { ...ids, outcome: report.outcome, reason: result.reason });
    return json(200, { callId: job.callId, status: result.call.status, changed: false, reason: result.reason });
  }
  if (agent && isPaced(limits)) await releaseAndWake(deps, agent.id, job, limits);
  if (result.extra) await deps.dispatcher.dispatch({ callId: job.callId, attempt: job.attempt + 1 }, result.extra, now);
  logger.info('call outcome recorded', {
    ...ids,
    provider: provider.name,
    outcome: report.outcome,
    status: result.call.status,
    reason: result.call.reason,
  });
  // Queued, not done here: HubSpot or the operator's endpoint being slow or down must
  // not hold up (or fail) the platform's callback.
  if (agent) await dispatchFollowUps(deps, followUpTasks(followUpSettings(agent, result.call), result.before, result.call));
  return json(200, { callId: job.callId, status: result.call.status, changed: true, reason: result.call.reason });
}

function isStillDialing(call: CallRecord, job: DialJob): boolean {
  const last = call.attempts[call.attempts.length - 1];
  return call.status === 'dialing' && last?.number === job.attempt;
}

async function addDetails(
  deps: Deps,
  job: DialJob,
  details: Extract<CallbackEvent, { kind: 'details' }>,
  ids: Record<string, unknown>,
): Promise<HttpResult> {
  const now = deps.now();
  const result = await updateCall(deps.store, job.callId, (c) => recordDetails(c, job.attempt, details, now));
  if (result.status === 'not-found') return errorReply(404, 'call_not_found', `call ${job.callId} was not found`);
  const changed = result.status === 'updated';
  // Details that arrive after the attempt settled (Retell's call_analyzed) patch its engagement.
  const agent = changed ? await deps.store.getAgent(result.call.agentId) : undefined;
  if (agent && result.status === 'updated')
    await dispatchFollowUps(deps, followUpTasks(followUpSettings(agent, result.call), result.before, result.call));
  logger.info(changed ? 'call details added' : 'status callback changed nothing', ids);
  return json(200, {
    callId: job.callId,
    status: result.call.status,
    changed,
    reason: result.status === 'unchanged' ? result.reason : `details added to attempt ${job.attempt}`,
  });
}

export const handler = lambdaHandler(() => createCallStatusHandler(awsDeps()));
