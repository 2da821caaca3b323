// Admin routes for calls that do not wait for a webhook: a test call, one contact by
// hand, and a backfill after an outage. Routed by the table in admin.ts.
import { backfillView, newBackfillJob, parseBackfillInput } from '../core/backfill';
import { resolveCallSettings } from '../core/call-settings';
import { deriveCallId, newId } from '../core/call-id';
import { HubSpotError } from '../core/errors';
import { ingestDelivery } from '../core/intake';
import { DEFAULT_WORKSPACE, type Agent, type CallRecord } from '../core/model';
import { newTestCall, newTestCallId, parseTestCallInput } from '../core/test-call';
import type { AppDeps } from '../commons/deps';
import { errorReply, json, jsonObjectBody, type HttpEvent, type HttpResult } from '../commons/http';
import { callLogKeys, logger } from '../commons/logger';
import { BACKFILL_PAGE_TASK } from './backfill-page';

export type AdminCallDeps = Pick<AppDeps, 'store' | 'dispatcher' | 'hubspotFor' | 'now'>;

/** HubSpot contact ids are numbers (sent as text). */
const CONTACT_ID = /^[0-9]{1,20}$/;

/** POST /admin/agents/{id}/test-call {to, variables?} -> 201 {callId} */
export async function testCall(deps: AdminCallDeps, event: HttpEvent, agentId: string): Promise<HttpResult> {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return errorReply(400, 'invalid_body', body);
  const agent = await workspaceAgent(deps, agentId);
  if (!agent) return errorReply(404, 'agent_not_found', `agent ${agentId} was not found`);
  const input = parseTestCallInput(body, agent);
  if (!input.ok) return errorReply(400, 'invalid_parameter', input.error.message, input.error.parameter);
  if ((await deps.store.getDoNotCall(agent.workspaceId, [input.value.to])).has(input.value.to)) {
    return errorReply(409, 'do_not_call', `${input.value.to} is on the do-not-call list: it is never dialled, not even for a test`, 'to');
  }
  const now = deps.now();
  // A test needs no HubSpot; when one is connected the record still names its portal.
  const connection = await deps.store.getHubSpotConnection(agent.workspaceId);
  const call = newTestCall({ id: newTestCallId(), agent, portalId: connection?.portalId ?? '', ...input.value, now });
  if ((await deps.store.createCall(call)) === 'exists') throw new Error('random test call id collided with a stored call');
  await deps.dispatcher.dispatch({ callId: call.id, attempt: 1 }, now, now);
  logger.info('test call stored', { ...callLogKeys(call), status: call.status, reason: call.reason });
  return json(201, { callId: call.id, status: call.status, reason: call.reason, test: true });
}

/** POST /admin/calls {agentId, contactId} -> 201 (or 200 for the contact's existing call) {callId, status, reason} */
export async function createCallByHand(deps: AdminCallDeps, event: HttpEvent): Promise<HttpResult> {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return errorReply(400, 'invalid_body', body);
  if (typeof body.agentId !== 'string' || !body.agentId.trim()) {
    return errorReply(400, 'invalid_parameter', 'agentId is required: the id of the agent that calls the contact', 'agentId');
  }
  const contactId = typeof body.contactId === 'number' ? String(body.contactId) : body.contactId;
  if (typeof contactId !== 'string' || !CONTACT_ID.test(contactId.trim())) {
    return errorReply(
      400,
      'invalid_parameter',
      "contactId is required: the HubSpot contact's record id (a number, as in its URL)",
      'contactId',
    );
  }
  const agent = await workspaceAgent(deps, body.agentId.trim());
  if (!agent) return errorReply(404, 'agent_not_found', `agent ${body.agentId.trim()} was not found`, 'agentId');
  const connection = await deps.store.getHubSpotConnection(agent.workspaceId);
  if (!connection) {
    return errorReply(
      409,
      'hubspot_not_connected',
      'HubSpot is not connected: save the private app access token first (PUT /admin/integrations/hubspot or `hubdial hubspot connect`)',
    );
  }
  const settings = resolveCallSettings({}, agent.callDefaults);
  if (!settings.ok)
    return errorReply(409, 'invalid_agent_settings', `agent ${agent.id}: ${settings.error.message}`, settings.error.parameter);

  const id = contactId.trim();
  const callId = deriveCallId(agent.id, connection.portalId, id);
  const existing = await deps.store.getCall(callId);
  if (existing) return json(200, callSummary(existing));
  try {
    const summary = await ingestDelivery(
      { store: deps.store, hubspot: deps.hubspotFor(connection.accessToken), dispatcher: deps.dispatcher },
      {
        agent,
        portalId: connection.portalId,
        settings: settings.value,
        delivery: { events: [{ objectId: id, subscriptionType: 'contact.creation' }], rejected: [], source: 'workflow' },
        now: deps.now(),
      },
    );
    const created = summary.calls[0];
    if (created) {
      logger.info('call stored', {
        callId: created.callId,
        agentId: agent.id,
        portalId: connection.portalId,
        contactId: id,
        status: created.status,
      });
      return json(201, { callId: created.callId, status: created.status, reason: created.reason });
    }
    const raced = await deps.store.getCall(callId);
    if (raced) return json(200, callSummary(raced));
    const rejected = summary.rejected[0];
    return errorReply(404, 'contact_not_found', rejected?.reason ?? `contact ${id} was not found in HubSpot`, 'contactId');
  } catch (err) {
    if (!(err instanceof HubSpotError)) throw err;
    logger.warn('HubSpot contact read failed', { agentId: agent.id, portalId: connection.portalId, contactId: id, hubspotError: err.kind });
    return json(err.retryable ? 503 : 502, { error: err.code, message: err.message });
  }
}

/** POST /admin/backfill {agentId, since, until?} -> 202 {id}; the pages run on the queue. */
export async function startBackfill(deps: AdminCallDeps, event: HttpEvent): Promise<HttpResult> {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return errorReply(400, 'invalid_body', body);
  const now = deps.now();
  const input = parseBackfillInput(body, now);
  if (!input.ok) return errorReply(400, 'invalid_parameter', input.error.message, input.error.parameter);
  const agent = await workspaceAgent(deps, input.value.agentId);
  if (!agent) return errorReply(404, 'agent_not_found', `agent ${input.value.agentId} was not found`, 'agentId');
  if (!(await deps.store.getHubSpotConnection(agent.workspaceId))) {
    return errorReply(
      409,
      'hubspot_not_connected',
      'HubSpot is not connected: save the private app access token first (PUT /admin/integrations/hubspot or `hubdial hubspot connect`)',
    );
  }
  const job = newBackfillJob({ ...input.value, id: newId('bf_'), workspaceId: agent.workspaceId, now });
  if (!(await deps.store.createBackfillJob(job))) throw new Error('random backfill id collided with a stored job');
  try {
    await deps.dispatcher.dispatchTask({ kind: BACKFILL_PAGE_TASK, jobId: job.id, page: 0 }, 0);
  } catch (err) {
    // Never leave a "running" job that nothing will run.
    await deps.store.updateBackfillJob({ ...job, status: 'failed', error: 'the first page could not be queued', version: job.version + 1 });
    throw err;
  }
  logger.info('backfill started', { backfillId: job.id, agentId: agent.id, since: job.since, until: job.until });
  return json(202, { id: job.id, status: job.status, since: job.since, until: job.until });
}

/** GET /admin/backfill/{id} */
export async function getBackfill(deps: AdminCallDeps, _event: HttpEvent, id: string): Promise<HttpResult> {
  const job = await deps.store.getBackfillJob(id);
  if (!job || job.workspaceId !== DEFAULT_WORKSPACE) return errorReply(404, 'backfill_not_found', `backfill ${id} was not found`);
  return json(200, backfillView(job));
}

async function workspaceAgent(deps: AdminCallDeps, id: string): Promise<Agent | undefined> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return undefined;
  const agent = await deps.store.getAgent(id);
  return agent && agent.workspaceId === DEFAULT_WORKSPACE ? agent : undefined;
}

function callSummary(call: CallRecord) {
  return { callId: call.id, status: call.status, reason: call.reason };
}
