// POST /call/status/{provider} — a voice provider reports how an attempt went.
import { isCallId } from '../core/call-id';
import { callbackTokenValid } from '../core/callback-url';
import { pendingAttempt, recordOutcome } from '../core/call-state';
import { callEngagement } from '../core/call-engagement';
import { updateCall } from '../core/call-updates';
import { HubSpotError } from '../core/errors';
import type { CallRecord } from '../core/model';
import { awsDeps, type AppDeps } from '../commons/deps';
import { bodyBytes, errorReply, json, lowerCaseHeaders, queryOf, rawBodyOf, type HttpEvent, type HttpResult } from '../commons/http';
import { lambdaHandler } from '../commons/lambda-handler';
import { callLogKeys, logger, withLogScope } from '../commons/logger';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'voiceProvider' | 'hubspotFor' | 'now'>;

const MAX_CALLBACK_BYTES = 64 * 1024;

export function createCallStatusHandler(deps: Deps) {
  return withLogScope(async (event: HttpEvent): Promise<HttpResult> => {
    const providerName = event.pathParameters?.provider ?? event.rawPath.split('/').pop() ?? '';
    const provider = deps.voiceProvider(providerName);
    if (!provider) return errorReply(404, 'unknown_provider', `voice provider "${providerName}" is not registered`);
    if (bodyBytes(event) > MAX_CALLBACK_BYTES) return errorReply(400, 'body_too_large', `callback body over ${MAX_CALLBACK_BYTES} bytes`);

    const query = queryOf(event);
    const attempt = Number(query.attempt);
    if (!query.call_id || !isCallId(query.call_id) || !Number.isInteger(attempt) || attempt < 1) {
      return errorReply(
        400,
        'invalid_parameter',
        'call_id and attempt are required in the status callback URL: use the statusCallbackUrl exactly as hubdial sent it',
        'call_id',
      );
    }
    const job = { callId: query.call_id, attempt };
    const call = await deps.store.getCall(job.callId);
    const agent = call ? await deps.store.getAgent(call.agentId) : undefined;
    if (!call || !agent) return errorReply(404, 'call_not_found', `call ${job.callId} was not found`);

    const secret = typeof agent.voice.secret === 'string' ? agent.voice.secret : '';
    const rawBody = rawBodyOf(event);
    const report = callbackTokenValid(job, query.token, secret)
      ? provider.parseCallback(rawBody, lowerCaseHeaders(event), agent.voice)
      : undefined;
    if (!report) return errorReply(401, 'invalid_signature', 'status callback signature or token is not valid');
    if (report.callId !== job.callId || report.attempt !== job.attempt) {
      return errorReply(400, 'invalid_body', 'callId and attempt in the body do not match the status callback URL');
    }

    const now = deps.now();
    logger.appendKeys(callLogKeys(call, job.attempt));
    const result = await updateCall(deps.store, job.callId, (c) => {
      const t = recordOutcome(c, report, now);
      return 'call' in t ? { call: t.call, extra: t.retryAt } : t;
    });
    if (result.status === 'not-found') return errorReply(404, 'call_not_found', `call ${job.callId} was not found`);
    if (result.status === 'unchanged') {
      // A repeated callback may be the provider retrying because our answer to the first
      // one was lost after the retry was planned: hand that retry off again (idempotent).
      const next = pendingAttempt(result.call);
      if (next && next.number === job.attempt + 1)
        await deps.dispatcher.dispatch({ callId: job.callId, attempt: next.number }, new Date(next.scheduledAt), now);
      logger.info('status callback changed nothing', { outcome: report.outcome, reason: result.reason });
      return json(200, { callId: job.callId, status: result.call.status, changed: false, reason: result.reason });
    }
    if (result.extra) await deps.dispatcher.dispatch({ callId: job.callId, attempt: job.attempt + 1 }, result.extra, now);
    logger.info('call outcome recorded', { outcome: report.outcome, status: result.call.status, reason: result.call.reason });
    // A test call has no HubSpot contact to log it on.
    if (agent.writeBackToHubSpot && !result.call.test) await writeBack(deps, result.call, job.attempt);
    return json(200, { callId: job.callId, status: result.call.status, changed: true, reason: result.call.reason });
  });
}

/** Best effort: the outcome is already stored; a HubSpot hiccup must not make the provider retry. */
async function writeBack(deps: Deps, call: CallRecord, attemptNumber: number): Promise<void> {
  const attempt = call.attempts.find((a) => a.number === attemptNumber);
  const engagement = attempt && callEngagement(call, attempt);
  const connection = await deps.store.getHubSpotConnection(call.workspaceId);
  if (!engagement || !connection || connection.portalId !== call.portalId) return;
  try {
    await deps.hubspotFor(connection.accessToken).createCallEngagement(engagement);
    logger.info('outcome written to HubSpot');
  } catch (err) {
    logger.warn('could not write the outcome to HubSpot', {
      hubspotError: err instanceof HubSpotError ? err.kind : 'unknown',
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

export const handler = lambdaHandler(() => createCallStatusHandler(awsDeps()));
