// Calls that do not wait for a webhook: a test call, one contact by hand, and a backfill
// after an outage (its pages run on the queue).
import {
  type BackfillStartedView,
  type BackfillView,
  type CallCreatedView,
  callCreatedView,
  type TestCallView,
} from '../../core/admin-views';
import { BACKFILL_PAGE_TASK, backfillView, newBackfillJob, parseBackfillInput } from '../../core/backfill';
import { deriveCallId, newId } from '../../core/call-id';
import { resolveCallSettings } from '../../core/call-settings';
import { HubSpotError } from '../../core/errors';
import { ingestDelivery } from '../../core/intake';
import { type Agent, DEFAULT_WORKSPACE } from '../../core/model';
import { newTestCall, newTestCallId, parseTestCallInput } from '../../core/test-call';
import { callLogKeys, logger } from '../../commons/logger';
import { type AdminDeps, agentNotFound, failure, hubSpotNotConnected, invalidParameter, reply, type UseCase } from './result';

/** HubSpot contact ids are numbers (sent as text). */
const CONTACT_ID = /^[0-9]{1,20}$/;

/** POST /admin/agents/{id}/test-call {to, variables?} -> 201 {callId} */
export const testCall: UseCase<TestCallView> = async (deps, { body, params }) => {
  const agentId = params.id ?? '';
  const agent = await workspaceAgent(deps, agentId);
  if (!agent) return agentNotFound(agentId);
  const input = parseTestCallInput(body, agent);
  if (!input.ok) return invalidParameter(input.error.parameter, input.error.message);
  if ((await deps.store.getDoNotCall(agent.workspaceId, [input.value.to])).has(input.value.to)) {
    return failure(409, 'do_not_call', `${input.value.to} is on the do-not-call list: it is never dialled, not even for a test`, 'to');
  }
  const now = deps.now();
  // A test needs no HubSpot; when one is connected the record still names its portal.
  const connection = await deps.store.getHubSpotConnection(agent.workspaceId);
  const call = newTestCall({ id: newTestCallId(), agent, portalId: connection?.portalId ?? '', ...input.value, now });
  if ((await deps.store.createCall(call)) === 'exists') throw new Error('random test call id collided with a stored call');
  await deps.dispatcher.dispatch({ callId: call.id, attempt: 1 }, now, now);
  logger.info('test call stored', { ...callLogKeys(call), status: call.status, reason: call.reason });
  return reply({ ...callCreatedView(call), test: true }, 201);
};

/** POST /admin/calls {agentId, contactId} -> 201 (or 200 for the contact's existing call) {callId, status, reason} */
export const createCallByHand: UseCase<CallCreatedView> = async (deps, { body }) => {
  if (typeof body.agentId !== 'string' || !body.agentId.trim()) {
    return invalidParameter('agentId', 'agentId is required: the id of the agent that calls the contact');
  }
  const contactId = typeof body.contactId === 'number' ? String(body.contactId) : body.contactId;
  if (typeof contactId !== 'string' || !CONTACT_ID.test(contactId.trim())) {
    return invalidParameter('contactId', "contactId is required: the HubSpot contact's record id (a number, as in its URL)");
  }
  const agent = await workspaceAgent(deps, body.agentId.trim());
  if (!agent) return agentNotFound(body.agentId.trim(), 'agentId');
  const connection = await deps.store.getHubSpotConnection(agent.workspaceId);
  if (!connection) return hubSpotNotConnected();
  const settings = resolveCallSettings({}, agent.callDefaults);
  if (!settings.ok) return failure(409, 'invalid_agent_settings', `agent ${agent.id}: ${settings.error.message}`, settings.error.parameter);

  const id = contactId.trim();
  const callId = deriveCallId(agent.id, connection.portalId, id);
  const existing = await deps.store.getCall(callId);
  if (existing) return reply(callCreatedView(existing));
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
      return reply({ callId: created.callId, status: created.status, reason: created.reason }, 201);
    }
    const raced = await deps.store.getCall(callId);
    if (raced) return reply(callCreatedView(raced));
    const rejected = summary.rejected[0];
    return failure(404, 'contact_not_found', rejected?.reason ?? `contact ${id} was not found in HubSpot`, 'contactId');
  } catch (err) {
    if (!(err instanceof HubSpotError)) throw err;
    logger.warn('HubSpot contact read failed', { agentId: agent.id, portalId: connection.portalId, contactId: id, hubspotError: err.kind });
    return failure(err.retryable ? 503 : 502, err.code, err.message);
  }
};

/** POST /admin/backfill {agentId, since, until?} -> 202 {id}; the pages run on the queue. */
export const startBackfill: UseCase<BackfillStartedView> = async (deps, { body }) => {
  const now = deps.now();
  const input = parseBackfillInput(body, now);
  if (!input.ok) return invalidParameter(input.error.parameter, input.error.message);
  const agent = await workspaceAgent(deps, input.value.agentId);
  if (!agent) return agentNotFound(input.value.agentId, 'agentId');
  if (!(await deps.store.getHubSpotConnection(agent.workspaceId))) return hubSpotNotConnected();
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
  return reply({ id: job.id, status: job.status, since: job.since, until: job.until }, 202);
};

/** GET /admin/backfill/{id} */
export const getBackfill: UseCase<BackfillView> = async (deps, { params }) => {
  const id = params.id ?? '';
  const job = await deps.store.getBackfillJob(id);
  if (!job || job.workspaceId !== DEFAULT_WORKSPACE) return failure(404, 'backfill_not_found', `backfill ${id} was not found`);
  return reply(backfillView(job));
};

async function workspaceAgent(deps: AdminDeps, id: string): Promise<Agent | undefined> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return undefined;
  const agent = await deps.store.getAgent(id);
  return agent && agent.workspaceId === DEFAULT_WORKSPACE ? agent : undefined;
}
