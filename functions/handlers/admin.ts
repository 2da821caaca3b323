// Admin API. On AWS it sits behind IAM authorisation; locally on a loopback-only port.
// Neither access tokens, client secrets nor voice secrets are ever returned.
import { parseAgentInput, type AgentInput } from '../core/agent-input';
import { generateApiKey, hashApiKey } from '../core/api-key';
import { ID_PATTERN, newId } from '../core/call-id';
import { cancelCall, pendingAttempt } from '../core/call-state';
import { updateCall } from '../core/call-updates';
import { callView } from '../core/call-view';
import { notifyTargetView } from '../core/notify-target';
import { HubSpotError, InvalidCursorError } from '../core/errors';
import { isObject } from '../core/json';
import { connectHubSpot } from '../core/hubspot-connection';
import { CALL_STATUSES, DEFAULT_WORKSPACE, type Agent, type CallRecord, type CallStatus, type VoiceConfig } from '../core/model';
import { routePattern, webhookUrlFor } from '../core/admin-contract';
import { parseCallSearch } from '../core/call-search';
import { outcomesPerDay } from '../core/outcome-stats';
import { awsDeps, type AppDeps } from '../commons/deps';
import { voiceView } from '../commons/voice';
import { queueFollowUps } from './tasks/dispatch-follow-ups';
import { addToDoNotCall, listDoNotCall, removeFromDoNotCall } from './admin-do-not-call';
import { errorReply, json, jsonObjectBody, queryOf, type HttpEvent, type HttpResult } from '../commons/http';
import { lambdaHandler } from '../commons/lambda-handler';
import { callLogKeys, logger, withLogScope } from '../commons/logger';
import { createCallByHand, getBackfill, startBackfill, testCall } from './admin-calls';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'hubspotFor' | 'voiceSettings' | 'now'> & Partial<Pick<AppDeps, 'publicBaseUrl'>>;
type Route = (deps: Deps, event: HttpEvent, id: string) => Promise<HttpResult>;

// Paths in the route syntax of functions/core/admin-contract.ts (ADMIN_ROUTES); a test
// keeps this table and that list equal.
export const ADMIN_HANDLER_ROUTES: [method: string, path: string, route: Route][] = [
  ['POST', '/admin/api-keys', createApiKey],
  ['GET', '/admin/api-keys', listApiKeys],
  ['DELETE', '/admin/api-keys/{id}', revokeApiKey],
  ['POST', '/admin/agents', createAgent],
  ['GET', '/admin/agents', listAgents],
  ['GET', '/admin/agents/{id}', getAgent],
  ['PUT', '/admin/agents/{id}', replaceAgent],
  ['DELETE', '/admin/agents/{id}', deleteAgent],
  ['PUT', '/admin/integrations/hubspot', connect],
  ['GET', '/admin/integrations/hubspot', getConnection],
  ['GET', '/admin/calls', listCalls],
  ['GET', '/admin/calls/{id}', getCall],
  ['POST', '/admin/calls/{id}/cancel', cancel],
  ['GET', '/admin/stats/outcomes', outcomeStats],
  ['POST', '/admin/agents/{id}/test-call', testCall],
  ['POST', '/admin/calls', createCallByHand],
  ['POST', '/admin/backfill', startBackfill],
  ['GET', '/admin/backfill/{id}', getBackfill],
  ['POST', '/admin/do-not-call', addToDoNotCall],
  ['GET', '/admin/do-not-call', listDoNotCall],
  // The number (with its "+") is read from the raw path by the route itself.
  ['DELETE', '/admin/do-not-call/{number}', removeFromDoNotCall],
];
const routes: [method: string, path: RegExp, route: Route][] = ADMIN_HANDLER_ROUTES.map(([m, p, r]) => [m, routePattern(p), r]);

export function createAdminHandler(deps: Deps) {
  return withLogScope(async (event: HttpEvent): Promise<HttpResult> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '');
    const matching = routes.filter(([, pattern]) => pattern.test(path));
    const found = matching.find(([m]) => m === method);
    if (!found) {
      return matching.length > 0
        ? errorReply(405, 'method_not_allowed', `${method} is not allowed on ${path}; use ${matching.map(([m]) => m).join(', ')}`)
        : errorReply(404, 'not_found', `no admin route ${method} ${path}`);
    }
    const [, pattern, route] = found;
    // A do-not-call number is an E.164 number, not an id: its route reads and checks it.
    const id = route === removeFromDoNotCall ? '' : pathId(pattern.exec(path)?.[1]);
    if (id === undefined) return errorReply(404, 'not_found', `no such resource: ${path.slice(0, 200)}`);
    try {
      return await route(deps, event, id);
    } catch (err) {
      logger.error('admin request failed', {
        route: `${method} ${pattern.source}`,
        error: err instanceof Error ? err.message : String(err),
      });
      return errorReply(500, 'internal_error', 'the request failed; see the service logs');
    }
  });
}

async function createApiKey(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return errorReply(400, 'invalid_body', body);
  if (typeof body.name !== 'string' || !body.name.trim() || body.name.length > 100) {
    return errorReply(400, 'invalid_parameter', 'name is required: a string of 1 to 100 characters', 'name');
  }
  const key = generateApiKey();
  const record = {
    id: newId('key_'),
    workspaceId: DEFAULT_WORKSPACE,
    name: body.name.trim(),
    keyHash: hashApiKey(key),
    createdAt: deps.now().toISOString(),
  };
  await deps.store.putApiKey(record);
  logger.info('api key created', { apiKeyId: record.id });
  return json(201, { id: record.id, name: record.name, key, createdAt: record.createdAt });
}

async function listApiKeys(deps: Deps): Promise<HttpResult> {
  const keys = await deps.store.listApiKeys(DEFAULT_WORKSPACE);
  return json(200, { items: keys.map((k) => ({ id: k.id, name: k.name, createdAt: k.createdAt })) });
}

async function revokeApiKey(deps: Deps, _event: HttpEvent, id: string): Promise<HttpResult> {
  if (!(await deps.store.deleteApiKey(DEFAULT_WORKSPACE, id))) return errorReply(404, 'api_key_not_found', `API key ${id} was not found`);
  logger.info('api key revoked', { apiKeyId: id });
  return { statusCode: 204, body: '' };
}

/** Calls created in the window (and a week before it, whose retries may end inside) are read page by page. */
async function outcomeStats(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const raw = queryOf(event).days;
  const days = raw === undefined || raw === '' ? 30 : Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 90)
    return errorReply(400, 'invalid_parameter', 'days must be a whole number from 1 to 90', 'days');
  const now = deps.now();
  const from = new Date(now.getTime() - (days + 7) * 86_400_000).toISOString();
  const calls: CallRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listCalls({ limit: 100, cursor, from });
    calls.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return json(200, outcomesPerDay(calls, now, days));
}

async function createAgent(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const input = agentInput(deps, event);
  if (!input.ok) return input.reply;
  const now = deps.now().toISOString();
  const agent: Agent = { id: newId('agt_'), workspaceId: DEFAULT_WORKSPACE, ...input.value, createdAt: now, updatedAt: now };
  await deps.store.putAgent(agent);
  logger.info('agent created', { agentId: agent.id });
  return json(201, await agentView(deps, agent));
}

async function replaceAgent(deps: Deps, event: HttpEvent, id: string): Promise<HttpResult> {
  const existing = await deps.store.getAgent(id);
  if (!existing || existing.workspaceId !== DEFAULT_WORKSPACE) return agentNotFound(id);
  const input = agentInput(deps, event, existing);
  if (!input.ok) return input.reply;
  const agent: Agent = { ...existing, ...input.value, updatedAt: deps.now().toISOString() };
  if (!(await deps.store.putAgent(agent, { mustExist: true }))) return agentNotFound(id);
  return json(200, await agentView(deps, agent));
}

function agentInput(deps: Deps, event: HttpEvent, existing?: Agent): { ok: true; value: AgentInput } | { ok: false; reply: HttpResult } {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return { ok: false, reply: errorReply(400, 'invalid_body', body) };
  if (existing && isObject(body.voice) && body.voice.provider === existing.voice.provider) {
    body.voice = keepStoredVoiceSettings(deps, body.voice, existing.voice);
  }
  const parsed = parseAgentInput(body, deps.voiceSettings.validate, existing?.notify);
  if (!parsed.ok) return { ok: false, reply: errorReply(400, 'invalid_parameter', parsed.error.message, parsed.error.parameter) };
  return parsed;
}

async function listAgents(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const agents = await deps.store.listAgents(DEFAULT_WORKSPACE);
  // Without PUBLIC_BASE_URL on AWS, the API's own host is the public base (one HTTP API serves both).
  const base = deps.publicBaseUrl || `https://${event.requestContext.domainName}`;
  const items = await Promise.all(agents.map(async (a) => ({ ...(await agentView(deps, a)), webhookUrl: webhookUrlFor(base, a.id) })));
  return json(200, { items });
}

async function getAgent(deps: Deps, _event: HttpEvent, id: string): Promise<HttpResult> {
  const agent = await deps.store.getAgent(id);
  return agent && agent.workspaceId === DEFAULT_WORKSPACE ? json(200, await agentView(deps, agent)) : agentNotFound(id);
}

async function deleteAgent(deps: Deps, _event: HttpEvent, id: string): Promise<HttpResult> {
  const agent = await deps.store.getAgent(id);
  if (!agent || agent.workspaceId !== DEFAULT_WORKSPACE || !(await deps.store.deleteAgent(id))) return agentNotFound(id);
  logger.info('agent deleted', { agentId: id });
  return { statusCode: 204, body: '' };
}

async function connect(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return errorReply(400, 'invalid_body', body);
  if (typeof body.accessToken !== 'string' || body.accessToken.trim().length < 10) {
    return errorReply(
      400,
      'invalid_parameter',
      'accessToken is required: the private app access token from HubSpot (Auth tab)',
      'accessToken',
    );
  }
  if (body.clientSecret !== undefined && (typeof body.clientSecret !== 'string' || !body.clientSecret.trim())) {
    return errorReply(400, 'invalid_parameter', 'clientSecret, when given, must be the app client secret string', 'clientSecret');
  }
  try {
    const connection = await connectHubSpot(deps, {
      workspaceId: DEFAULT_WORKSPACE,
      accessToken: body.accessToken.trim(),
      clientSecret: typeof body.clientSecret === 'string' ? body.clientSecret.trim() : undefined,
      now: deps.now(),
    });
    logger.info('hubspot connected', { portalId: connection.portalId });
    return json(200, connectionView(connection));
  } catch (err) {
    if (!(err instanceof HubSpotError)) throw err;
    logger.warn('hubspot connection refused', {
      hubspotError: err.kind,
      status: err.details.status,
      correlationId: err.details.correlationId,
    });
    const status = err.retryable ? 503 : 400;
    return json(status, {
      error: err.code,
      message: err.message,
      parameter: 'accessToken',
      ...(err.details.requiredScopes ? { requiredScopes: err.details.requiredScopes } : {}),
    });
  }
}

async function getConnection(deps: Deps): Promise<HttpResult> {
  const connection = await deps.store.getHubSpotConnection(DEFAULT_WORKSPACE);
  return connection
    ? json(200, connectionView(connection))
    : errorReply(404, 'hubspot_not_connected', 'HubSpot is not connected: PUT /admin/integrations/hubspot {accessToken}');
}

async function listCalls(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const q = queryOf(event);
  const status = q.status as CallStatus | undefined;
  if (status !== undefined && !CALL_STATUSES.includes(status)) {
    return errorReply(400, 'invalid_parameter', `status must be one of ${CALL_STATUSES.join(', ')}`, 'status');
  }
  const limit = q.limit === undefined ? 25 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return errorReply(400, 'invalid_parameter', 'limit must be a whole number from 1 to 100', 'limit');
  const search = parseCallSearch(q);
  if (!search.ok) return errorReply(400, 'invalid_parameter', search.message, search.parameter);
  try {
    const page = await deps.store.listCalls({
      agentId: q.agent_id || undefined,
      status,
      limit,
      cursor: q.cursor || undefined,
      ...search.value,
    });
    return json(200, { items: page.items.map(callView), nextCursor: page.nextCursor ?? null });
  } catch (err) {
    if (err instanceof InvalidCursorError)
      return errorReply(400, 'invalid_parameter', 'cursor is not valid: pass nextCursor from the previous page unchanged', 'cursor');
    throw err;
  }
}

async function getCall(deps: Deps, _event: HttpEvent, id: string): Promise<HttpResult> {
  const call = await deps.store.getCall(id);
  return call && call.workspaceId === DEFAULT_WORKSPACE ? json(200, callView(call)) : callNotFound(id);
}

async function cancel(deps: Deps, _event: HttpEvent, id: string): Promise<HttpResult> {
  const now = deps.now();
  let pending: number | undefined;
  let before: CallRecord | undefined;
  const result = await updateCall(deps.store, id, (call) => {
    before = call;
    if (call.workspaceId !== DEFAULT_WORKSPACE) return { unchanged: 'not found' };
    pending = pendingAttempt(call)?.number;
    return cancelCall(call, now);
  });
  if (result.status === 'not-found' || result.call.workspaceId !== DEFAULT_WORKSPACE) return callNotFound(id);
  if (result.status === 'unchanged') return errorReply(409, 'not_cancellable', `call ${id} cannot be cancelled: ${result.reason}`);
  if (pending !== undefined) await deps.dispatcher.cancel({ callId: id, attempt: pending });
  await queueFollowUps(deps, before, result.call);
  logger.info('call cancelled', { ...callLogKeys(result.call), status: result.call.status, reason: result.call.reason });
  return json(200, callView(result.call));
}

/**
 * Secrets and URL query strings are never shown back, so a PUT built from a GET would
 * wipe them. A voice setting left out, or sent back exactly as the admin API showed it,
 * keeps its stored value.
 */
function keepStoredVoiceSettings(deps: Deps, sent: Record<string, unknown>, stored: VoiceConfig): Record<string, unknown> {
  const shown = deps.voiceSettings.redact(stored);
  const merged = { ...sent };
  for (const [key, value] of Object.entries(stored)) {
    if (merged[key] === undefined || (merged[key] === shown[key] && shown[key] !== value)) merged[key] = value;
  }
  return merged;
}

/** Ids are short url-safe strings; anything else names nothing stored (and DynamoDB keys cap at 2 KB). */
function pathId(raw: string | undefined): string | undefined {
  if (raw === undefined) return '';
  try {
    const id = decodeURIComponent(raw);
    return ID_PATTERN.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

async function agentView(deps: Deps, agent: Agent) {
  const view = await voiceView(deps.store, deps.publicBaseUrl ?? '', agent);
  return agent.notify ? { ...view, notify: notifyTargetView(agent.notify) } : view;
}

function connectionView(c: { portalId: string; status: string; connectedAt: string; timeZone?: string; clientSecret?: string }) {
  return {
    portalId: c.portalId,
    status: c.status,
    connectedAt: c.connectedAt,
    timeZone: c.timeZone ?? null,
    signatureVerification: Boolean(c.clientSecret),
  };
}

export { callView };

function agentNotFound(id: string): HttpResult {
  return errorReply(404, 'agent_not_found', `agent ${id} was not found`);
}

function callNotFound(id: string): HttpResult {
  return errorReply(404, 'call_not_found', `call ${id} was not found`);
}

export const handler = lambdaHandler(() => createAdminHandler(awsDeps()));
