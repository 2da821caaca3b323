// Admin API. On AWS it sits behind IAM authorisation; locally on a loopback-only port.
// Thin on purpose: parse the event, find the route in the one route table
// (core/admin-contract.ts), run its use case (services/admin/), shape the reply view as
// JSON. Neither access tokens, client secrets nor voice secrets are ever returned.
import { ADMIN_API, type AdminRouteName, matchAdminRoute } from '../core/admin-contract';
import type { AdminReplies } from '../core/admin-views';
import { ID_PATTERN } from '../core/call-id';
import { awsDeps } from '../commons/deps';
import { errorReply, json, jsonObjectBody, queryOf, type HttpEvent, type HttpResult } from '../commons/http';
import { lambdaHandler } from '../commons/lambda-handler';
import { logger, withLogScope } from '../commons/logger';
import { createAgent, deleteAgent, getAgent, listAgents, replaceAgent } from '../services/admin/agents';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/admin/api-keys';
import { cancel, getCall, listCalls, outcomeStats } from '../services/admin/calls';
import { createCallByHand, getBackfill, startBackfill, testCall } from '../services/admin/direct-calls';
import { addToDoNotCall, listDoNotCall, removeFromDoNotCall } from '../services/admin/do-not-call';
import { connect, getConnection } from '../services/admin/hubspot';
import type { AdminDeps, AdminRequest, AdminResult, UseCase } from '../services/admin/result';

export { callView } from '../core/admin-views';

/** Each route's use case, typed to produce that route's reply view. */
const USE_CASES: { [K in AdminRouteName]: UseCase<AdminReplies[K]> } = {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  createAgent,
  listAgents,
  getAgent,
  replaceAgent,
  deleteAgent,
  connectHubSpot: connect,
  getHubSpotConnection: getConnection,
  listCalls,
  getCall,
  cancelCall: cancel,
  outcomeStats,
  testCall,
  createCall: createCallByHand,
  startBackfill,
  getBackfill,
  addDoNotCall: addToDoNotCall,
  listDoNotCall,
  removeDoNotCall: removeFromDoNotCall,
};

/** Routes whose use case reads a JSON object body; the rest ignore the body. */
const TAKES_BODY: ReadonlySet<AdminRouteName> = new Set([
  'createApiKey',
  'createAgent',
  'replaceAgent',
  'connectHubSpot',
  'testCall',
  'createCall',
  'startBackfill',
  'addDoNotCall',
]);

/** Path parameters that are E.164 numbers, not ids: their use case reads and checks them. */
const RAW_PARAMS: ReadonlySet<string> = new Set(['number']);

// The route table as the handler answers it, in ADMIN_ROUTES' syntax; a test keeps it and that list equal.
export const ADMIN_HANDLER_ROUTES: [method: string, path: string, route: UseCase<unknown>][] = (
  Object.keys(USE_CASES) as AdminRouteName[]
).map((name) => [ADMIN_API[name].method, ADMIN_API[name].path, USE_CASES[name] as UseCase<unknown>]);

export function createAdminHandler(deps: AdminDeps) {
  return withLogScope(async (event: HttpEvent): Promise<HttpResult> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '');
    const match = matchAdminRoute(method, path);
    if (!match.found) {
      return match.allowed.length > 0
        ? errorReply(405, 'method_not_allowed', `${method} is not allowed on ${path}; use ${match.allowed.join(', ')}`)
        : errorReply(404, 'not_found', `no admin route ${method} ${path}`);
    }
    const params = pathParams(match.params);
    if (!params) return errorReply(404, 'not_found', `no such resource: ${path.slice(0, 200)}`);
    let body: Record<string, unknown> = {};
    if (TAKES_BODY.has(match.name)) {
      const parsed = jsonObjectBody(event);
      if (typeof parsed === 'string') return errorReply(400, 'invalid_body', parsed);
      body = parsed;
    }
    const request: AdminRequest = { body, query: queryOf(event), params, host: event.requestContext.domainName };
    try {
      return shape(await (USE_CASES[match.name] as UseCase<unknown>)(deps, request));
    } catch (err) {
      logger.error('admin request failed', {
        route: `${method} ${ADMIN_API[match.name].path}`,
        error: err instanceof Error ? err.message : String(err),
      });
      return errorReply(500, 'internal_error', 'the request failed; see the service logs');
    }
  });
}

function shape(result: AdminResult<unknown>): HttpResult {
  if (!result.ok) return json(result.status, result.error);
  if (result.status === 204) return { statusCode: 204, body: '' };
  return json(result.status, result.view);
}

/** Ids are short url-safe strings; anything else names nothing stored (and DynamoDB keys cap at 2 KB). */
function pathParams(raw: Record<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (RAW_PARAMS.has(key)) {
      out[key] = value;
      continue;
    }
    try {
      const id = decodeURIComponent(value);
      if (!ID_PATTERN.test(id)) return undefined;
      out[key] = id;
    } catch {
      return undefined;
    }
  }
  return out;
}

export const handler = lambdaHandler(() => createAdminHandler(awsDeps()));
