// The admin API's one route table (docs/architecture.md, "Contracts outside tests rely on"):
// the admin handler answers exactly these, the CDK API routes exactly these to it behind
// IAM, the CLI and the console build their URLs from them, and the CLI's fake admin serves
// them. A route is added here first (with its reply view in admin-views.ts);
// test/unit/admin-contract.test.ts fails when the handler, the CDK API, the CLI client or
// the fake lacks one.
interface AdminRouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway route syntax. */
  path: string;
}

export interface AdminRoute extends AdminRouteSpec {
  /** The route's key in ADMIN_API. */
  name: AdminRouteName;
}

/** Every admin route by the name the handler, the clients and the fake know it by. */
export const ADMIN_API = {
  createApiKey: { method: 'POST', path: '/admin/api-keys' },
  listApiKeys: { method: 'GET', path: '/admin/api-keys' },
  revokeApiKey: { method: 'DELETE', path: '/admin/api-keys/{id}' },
  createAgent: { method: 'POST', path: '/admin/agents' },
  listAgents: { method: 'GET', path: '/admin/agents' },
  getAgent: { method: 'GET', path: '/admin/agents/{id}' },
  replaceAgent: { method: 'PUT', path: '/admin/agents/{id}' },
  deleteAgent: { method: 'DELETE', path: '/admin/agents/{id}' },
  connectHubSpot: { method: 'PUT', path: '/admin/integrations/hubspot' },
  getHubSpotConnection: { method: 'GET', path: '/admin/integrations/hubspot' },
  listCalls: { method: 'GET', path: '/admin/calls' },
  getCall: { method: 'GET', path: '/admin/calls/{id}' },
  cancelCall: { method: 'POST', path: '/admin/calls/{id}/cancel' },
  outcomeStats: { method: 'GET', path: '/admin/stats/outcomes' },
  testCall: { method: 'POST', path: '/admin/agents/{id}/test-call' },
  createCall: { method: 'POST', path: '/admin/calls' },
  startBackfill: { method: 'POST', path: '/admin/backfill' },
  getBackfill: { method: 'GET', path: '/admin/backfill/{id}' },
  addDoNotCall: { method: 'POST', path: '/admin/do-not-call' },
  listDoNotCall: { method: 'GET', path: '/admin/do-not-call' },
  removeDoNotCall: { method: 'DELETE', path: '/admin/do-not-call/{number}' },
} as const satisfies Record<string, AdminRouteSpec>;

export type AdminRouteName = keyof typeof ADMIN_API;

export const ADMIN_ROUTE_NAMES = Object.keys(ADMIN_API) as AdminRouteName[];

export const ADMIN_ROUTES: readonly AdminRoute[] = ADMIN_ROUTE_NAMES.map((name) => ({ ...ADMIN_API[name], name }));

/** The `{…}` names of a route path: `/admin/agents/{id}` -> 'id'. */
type PathParams<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | PathParams<Rest> : never;
export type AdminRouteParams<K extends AdminRouteName> = { [N in PathParams<(typeof ADMIN_API)[K]['path']>]: string };

/** `/admin/agents/{id}` as the regular expression a handler matches raw paths with. */
export function routePattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
}

/** A route's path with its parameters filled in (URL-encoded: a number's `+` travels as %2B). */
export function adminPath<K extends AdminRouteName>(name: K, params: AdminRouteParams<K>): string {
  const values = params as Record<string, string>;
  return ADMIN_API[name].path.replace(/\{([^}]+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}: path parameter ${key} is missing`);
    return encodeURIComponent(value);
  });
}

export type AdminRouteMatch =
  | { found: true; name: AdminRouteName; params: Record<string, string> }
  | { found: false; allowed: AdminRoute['method'][] };

const PATTERNS = ADMIN_ROUTE_NAMES.map((name) => {
  const route = ADMIN_API[name];
  return {
    name,
    method: route.method,
    pattern: routePattern(route.path),
    keys: [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
  };
});

/**
 * The route a request is for, its path parameters raw (still URL-encoded), or the methods
 * the path does allow (none: no such path). A trailing slash is ignored.
 */
export function matchAdminRoute(method: string, rawPath: string): AdminRouteMatch {
  const path = rawPath.replace(/\/+$/, '');
  const matching = PATTERNS.filter((p) => p.pattern.test(path));
  const found = matching.find((p) => p.method === method.toUpperCase());
  if (!found) return { found: false, allowed: matching.map((p) => p.method) };
  const values = found.pattern.exec(path)?.slice(1) ?? [];
  return { found: true, name: found.name, params: Object.fromEntries(found.keys.map((k, i) => [k, values[i] ?? ''])) };
}

/** The webhook URL an operator pastes into HubSpot, the key left as a placeholder (it is shown only once). */
export function webhookUrlFor(publicBaseUrl: string, agentId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/call/crm-webhook?agent_id=${encodeURIComponent(agentId)}&type=hubspot&x_api_key=YOUR_API_KEY`;
}
