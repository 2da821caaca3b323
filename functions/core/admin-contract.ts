// The admin API's one route list (docs/architecture.md, "Contracts outside tests rely on"): the admin handler answers
// exactly these, the CDK API routes exactly these to it behind IAM, and the CLI and the
// console call them. A route is added here first; test/unit/admin-contract.test.ts fails
// when the handler's table and this list differ.
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway route syntax. */
  path: string;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: 'POST', path: '/admin/api-keys' },
  { method: 'GET', path: '/admin/api-keys' },
  { method: 'DELETE', path: '/admin/api-keys/{id}' },
  { method: 'POST', path: '/admin/agents' },
  { method: 'GET', path: '/admin/agents' },
  { method: 'GET', path: '/admin/agents/{id}' },
  { method: 'PUT', path: '/admin/agents/{id}' },
  { method: 'DELETE', path: '/admin/agents/{id}' },
  { method: 'PUT', path: '/admin/integrations/hubspot' },
  { method: 'GET', path: '/admin/integrations/hubspot' },
  { method: 'GET', path: '/admin/calls' },
  { method: 'GET', path: '/admin/calls/{id}' },
  { method: 'POST', path: '/admin/calls/{id}/cancel' },
  { method: 'GET', path: '/admin/stats/outcomes' },
  { method: 'POST', path: '/admin/agents/{id}/test-call' },
  { method: 'POST', path: '/admin/calls' },
  { method: 'POST', path: '/admin/backfill' },
  { method: 'GET', path: '/admin/backfill/{id}' },
  { method: 'POST', path: '/admin/do-not-call' },
  { method: 'GET', path: '/admin/do-not-call' },
  { method: 'DELETE', path: '/admin/do-not-call/{number}' },
];

/** `/admin/agents/{id}` as the regular expression a handler matches raw paths with. */
export function routePattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
}

/** The webhook URL an operator pastes into HubSpot, the key left as a placeholder (it is shown only once). */
export function webhookUrlFor(publicBaseUrl: string, agentId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/call/crm-webhook?agent_id=${encodeURIComponent(agentId)}&type=hubspot&x_api_key=YOUR_API_KEY`;
}
