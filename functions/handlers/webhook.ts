// POST /call/crm-webhook — HubSpot's delivery in, one stored call per new contact out.
import { resolveCallSettings } from '../core/call-settings';
import { HubSpotError } from '../core/errors';
import { verifyHubSpotSignature } from '../core/hubspot-signature';
import { parseHubSpotDelivery } from '../core/hubspot-events';
import { applyLifecycleEvents, emptyLifecycleSummary } from '../core/contact-lifecycle';
import { ingestDelivery } from '../core/intake';
import { scrubReason } from '../core/personal-data';
import { parseWebhookQuery } from '../core/webhook-query';
import { authenticateApiKey } from '../commons/auth';
import { awsBaseDeps, type BaseDeps } from '../commons/base-deps';
import {
  bodyBytes,
  calledUrl,
  errorReply,
  headerOf,
  json,
  lowerCaseHeaders,
  queryOf,
  rawBodyOf,
  type HttpEvent,
  type HttpResult,
} from '../commons/http';
import { lambdaHandler } from '../commons/lambda-handler';
import { logger, withLogScope } from '../commons/logger';
import { queueLifecycleFollowUps } from '../services/follow-ups';

/** HubSpot sends at most 100 events (~50 KB); anything near this is not HubSpot. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function createWebhookHandler(deps: Pick<BaseDeps, 'store' | 'dispatcher' | 'hubspotFor' | 'now'>) {
  return withLogScope(async (event: HttpEvent): Promise<HttpResult> => {
    const now = deps.now();
    const size = bodyBytes(event);
    if (size > MAX_BODY_BYTES) {
      return errorReply(
        400,
        'body_too_large',
        `request body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes (HubSpot sends at most 100 events)`,
      );
    }
    const query = parseWebhookQuery(queryOf(event));
    if (!query.ok) return errorReply(400, 'invalid_parameter', query.error.message, query.error.parameter);

    const auth = await authenticateApiKey(deps.store, query.value.apiKey ?? headerOf(event, 'x-api-key'));
    if (!auth.ok) return errorReply(401, 'unauthorized', auth.message);

    const agent = await deps.store.getAgent(query.value.agentId);
    if (!agent || agent.workspaceId !== auth.key.workspaceId) {
      return errorReply(
        404,
        'agent_not_found',
        `agent ${query.value.agentId} was not found for this API key: check agent_id in the webhook URL`,
        'agent_id',
      );
    }
    const settings = resolveCallSettings(query.value.overrides, agent.callDefaults);
    if (!settings.ok) return errorReply(400, 'invalid_parameter', settings.error.message, settings.error.parameter);

    const connection = await deps.store.getHubSpotConnection(agent.workspaceId);
    if (!connection) {
      return errorReply(
        409,
        'hubspot_not_connected',
        'HubSpot is not connected: save the private app access token first (PUT /admin/integrations/hubspot or `hubdial hubspot connect`); HubSpot will redeliver this event',
      );
    }
    const rawBody = rawBodyOf(event);
    if (connection.clientSecret) {
      const check = verifyHubSpotSignature(
        {
          method: event.requestContext.http.method,
          url: calledUrl(event, process.env.PUBLIC_BASE_URL),
          rawBody,
          headers: lowerCaseHeaders(event),
        },
        connection.clientSecret,
        now,
      );
      if (!check.ok) return errorReply(401, 'invalid_signature', `HubSpot request signature rejected: ${check.reason}`);
    }
    const delivery = parseHubSpotDelivery(rawBody);
    if (!delivery.ok) return errorReply(400, 'invalid_body', delivery.message);

    logger.appendKeys({ agentId: agent.id, portalId: connection.portalId, events: delivery.value.events.length });
    try {
      // Deletions first: a creation of the same contact later in this batch then finds its tombstone.
      const lifecycleEvents = delivery.value.lifecycle ?? [];
      const agents = lifecycleEvents.length > 0 ? await deps.store.listAgents(agent.workspaceId) : [];
      const lifecycle =
        lifecycleEvents.length > 0
          ? await applyLifecycleEvents(
              { store: deps.store, dispatcher: deps.dispatcher },
              {
                workspaceId: agent.workspaceId,
                portalId: connection.portalId,
                agentIds: agents.map((a) => a.id),
                events: lifecycleEvents,
                now,
              },
            )
          : emptyLifecycleSummary();
      for (const change of lifecycle.changes) {
        logger.info('call changed by a HubSpot contact event', {
          callId: change.callId,
          agentId: agent.id,
          portalId: connection.portalId,
          contactId: change.contactId,
          status: change.status,
          reason: scrubReason(change.reason),
        });
      }
      // Queued before the answer: a failure here is a non-2xx, and HubSpot's redelivery queues them again.
      await queueLifecycleFollowUps(deps, agents, lifecycle);
      const intake = await ingestDelivery(
        { store: deps.store, hubspot: deps.hubspotFor(connection.accessToken), dispatcher: deps.dispatcher },
        { agent, portalId: connection.portalId, settings: settings.value, delivery: delivery.value, now },
      );
      const summary = {
        ...intake,
        rejected: [...intake.rejected, ...lifecycle.rejected],
        cancelled: (intake.cancelled ?? 0) + lifecycle.cancelled,
        erased: (intake.erased ?? 0) + lifecycle.erased,
      };
      for (const call of summary.calls) {
        logger.info('call stored', {
          callId: call.callId,
          contactId: call.objectId,
          status: call.status,
          reason: scrubReason(call.reason),
        });
      }
      // One line per rejected contact, so "why was contact X not called" finds it too.
      for (const rejected of summary.rejected) {
        logger.info('contact rejected', {
          contactId: rejected.objectId,
          reason: rejected.reason,
        });
      }
      logger.info('delivery accepted', {
        accepted: summary.accepted,
        duplicates: summary.duplicates,
        rejected: summary.rejected.length,
        cancelled: summary.cancelled,
        erased: summary.erased,
      });
      return json(200, summary);
    } catch (err) {
      return hubspotFailure(err);
    }
  });
}

/** Any failure here is answered non-2xx so HubSpot redelivers the whole batch. */
function hubspotFailure(err: unknown): HttpResult {
  if (err instanceof HubSpotError) {
    logger.warn('HubSpot contact read failed', {
      hubspotError: err.kind,
      status: err.details.status,
      policyName: err.details.policyName,
      correlationId: err.details.correlationId,
    });
    if (err.retryable) {
      const retryAfter = String(err.details.retryAfterSeconds ?? 10);
      return json(
        503,
        { error: err.code, message: `HubSpot is unavailable or rate limited (${err.message}); redeliver later` },
        { 'retry-after': retryAfter },
      );
    }
    return json(502, {
      error: err.code,
      message: err.message,
      ...(err.details.requiredScopes ? { requiredScopes: err.details.requiredScopes } : {}),
    });
  }
  logger.error('delivery failed', { error: err instanceof Error ? err.message : String(err) });
  return errorReply(500, 'internal_error', 'the delivery could not be stored; HubSpot will redeliver it');
}

export const handler = lambdaHandler(() => createWebhookHandler(awsBaseDeps()));
