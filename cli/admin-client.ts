// Typed client for the admin API (contract: docs/architecture.md, "Contracts outside tests rely on"). One method per
// route; every non-2xx reply becomes an AdminApiError carrying the server's code,
// message and, when the server names one, the offending parameter.
import type { RequestSigner } from './sigv4';

// The replies' shapes are the service's own (functions/core/admin-views.ts) and every URL
// comes from the one route table (functions/core/admin-contract.ts): a route or a field
// is declared once, for the server, this client and the console.
import { ADMIN_API, type AdminRouteName, type AdminRouteParams, adminPath } from '../functions/core/admin-contract';
import type {
  AdminReplies,
  AgentView,
  ApiKeyCreatedView,
  ApiKeyView,
  AttemptView,
  BackfillStartedView,
  BackfillView,
  CallCreatedView,
  CallView,
  DoNotCallAddedView,
  DoNotCallView,
  HistoryView,
  HubSpotConnectionView,
  OutcomesView,
  Page,
  TestCallView,
} from '../functions/core/admin-views';
import type { CallDefaults, CallStatus, VariableMapping } from '../functions/core/model';
import { parseJson } from '../functions/core/json';
export type { CallDefaults, CallStatus, VariableMapping };

/** What POST /admin/agents and PUT /admin/agents/{id} take. */
export interface AgentBody {
  name: string;
  timezone: string;
  defaultCountry?: string;
  variables: VariableMapping[];
  callDefaults?: CallDefaults;
  voice: { provider: string; [setting: string]: unknown };
  writeBackToHubSpot?: boolean;
  useContactTimezone?: boolean;
  doNotCallProperty?: string;
  pacing?: { maxLiveCalls?: number | null; callsPerSecond?: number | null };
}

// The names the CLI's commands read, each the admin API's own view.
export type Agent = AgentView;
export type ApiKeyCreated = ApiKeyCreatedView;
export type ApiKeySummary = ApiKeyView;
export type HubSpotConnection = HubSpotConnectionView;
export type Attempt = AttemptView;
export type HistoryEntry = HistoryView;
export type Call = CallView;
export type CallCreated = CallCreatedView;
export type BackfillProgress = BackfillView;
export type CallPage = Page<CallView>;
export type OutcomeStats = OutcomesView;

export interface CallQuery {
  agentId?: string;
  status?: string;
  limit?: number;
  cursor?: string;
  /** ISO 8601: created at or after. */
  from?: string;
  /** ISO 8601: created before. */
  to?: string;
  /** A contact id or a phone number. */
  q?: string;
}

/** The admin API answered with an error. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** The admin API could not be reached at all (refused, DNS, TLS). */
export class AdminUnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    cause: unknown,
  ) {
    super(`cannot reach the admin API at ${endpoint}: ${describeCause(cause)}`, { cause });
    this.name = 'AdminUnreachableError';
  }
}

export interface AdminClientOptions {
  endpoint: string;
  sign?: RequestSigner;
  fetch?: typeof fetch;
}

export class AdminClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: AdminClientOptions) {
    // A base path (an API Gateway stage such as /prod) is kept; routes are appended to it.
    this.base = opts.endpoint.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
  }

  createApiKey(name: string): Promise<ApiKeyCreated> {
    return this.call('createApiKey', {}, { body: { name } });
  }

  async listApiKeys(): Promise<ApiKeySummary[]> {
    return (await this.call('listApiKeys', {})).items;
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.call('revokeApiKey', { id });
  }

  outcomeStats(days = 30): Promise<OutcomeStats> {
    return this.call('outcomeStats', {}, { query: { days: String(days) } });
  }

  createAgent(body: AgentBody | Record<string, unknown>): Promise<Agent> {
    return this.call('createAgent', {}, { body });
  }

  async listAgents(): Promise<Agent[]> {
    return (await this.call('listAgents', {})).items;
  }

  getAgent(id: string): Promise<Agent> {
    return this.call('getAgent', { id });
  }

  updateAgent(id: string, body: AgentBody | Record<string, unknown>): Promise<Agent> {
    return this.call('replaceAgent', { id }, { body });
  }

  async deleteAgent(id: string): Promise<void> {
    await this.call('deleteAgent', { id });
  }

  connectHubSpot(input: { accessToken: string; clientSecret?: string }): Promise<HubSpotConnection> {
    return this.call('connectHubSpot', {}, { body: input });
  }

  getHubSpotConnection(): Promise<HubSpotConnection> {
    return this.call('getHubSpotConnection', {});
  }

  listCalls(query: CallQuery = {}): Promise<CallPage> {
    return this.call(
      'listCalls',
      {},
      {
        query: {
          agent_id: query.agentId,
          status: query.status,
          limit: query.limit?.toString(),
          cursor: query.cursor,
          from: query.from,
          to: query.to,
          q: query.q,
        },
      },
    );
  }

  getCall(id: string): Promise<Call> {
    return this.call('getCall', { id });
  }

  cancelCall(id: string): Promise<Call> {
    return this.call('cancelCall', { id });
  }

  testCall(agentId: string, body: { to: string; variables?: Record<string, string> }): Promise<TestCallView> {
    return this.call('testCall', { id: agentId }, { body });
  }

  createCall(body: { agentId: string; contactId: string }): Promise<CallCreated> {
    return this.call('createCall', {}, { body });
  }

  startBackfill(body: { agentId: string; since: string; until?: string }): Promise<BackfillStartedView> {
    return this.call('startBackfill', {}, { body });
  }

  getBackfill(id: string): Promise<BackfillProgress> {
    return this.call('getBackfill', { id });
  }

  addDoNotCall(numbers: string[], reason?: string): Promise<DoNotCallAddedView> {
    return this.call('addDoNotCall', {}, { body: { numbers, ...(reason ? { reason } : {}) } });
  }

  listDoNotCall(query: { limit?: number; cursor?: string } = {}): Promise<Page<DoNotCallView>> {
    return this.call('listDoNotCall', {}, { query: { limit: query.limit?.toString(), cursor: query.cursor } });
  }

  async removeDoNotCall(number: string): Promise<void> {
    await this.call('removeDoNotCall', { number });
  }

  /** One route of the table, its reply typed as that route's view. */
  private call<K extends AdminRouteName>(
    name: K,
    params: AdminRouteParams<K>,
    opts: { body?: unknown; query?: Record<string, string | undefined> } = {},
  ): Promise<AdminReplies[K]> {
    return this.request(ADMIN_API[name].method, adminPath(name, params), opts);
  }

  private async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; query?: Record<string, string | undefined> } = {},
  ): Promise<T> {
    const url = new URL(this.base + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, value);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    let headers: Record<string, string> = {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    if (this.opts.sign) {
      const { host: _host, ...signed } = await this.opts.sign({ method, url, headers, body });
      headers = signed;
    }
    let res: Response;
    try {
      res = await this.fetchFn(url, { method, headers, body });
    } catch (err) {
      throw new AdminUnreachableError(this.base, err);
    }
    const text = await res.text();
    const parsed = parseJson(text);
    if (!res.ok) throw errorFrom(res.status, parsed, text);
    if (res.status !== 204 && parsed === undefined) {
      throw new AdminApiError(
        res.status,
        'invalid_reply',
        `the admin API at ${this.base} answered ${method} ${path} with something that is not JSON; is --endpoint the admin listener?`,
      );
    }
    return parsed as T;
  }
}

function errorFrom(status: number, parsed: unknown, text: string): AdminApiError {
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const body = parsed as Record<string, unknown>;
    // API Gateway's own rejections (IAM, throttling) carry only {message}.
    const message = typeof body.message === 'string' ? body.message : `HTTP ${status}`;
    const code = typeof body.error === 'string' ? body.error : `http_${status}`;
    return new AdminApiError(status, code, message, typeof body.parameter === 'string' ? body.parameter : undefined, body);
  }
  const snippet = text.trim().slice(0, 200);
  return new AdminApiError(status, `http_${status}`, snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status} with an empty body`);
}

/** fetch reports "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause. */
function describeCause(err: unknown): string {
  const outer = err as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | undefined;
  const inner = outer?.cause && typeof outer.cause.message === 'string' ? outer.cause : outer;
  const message = typeof inner?.message === 'string' ? inner.message : String(err);
  const code = (inner as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
