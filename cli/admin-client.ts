// Typed client for the admin API (contract: docs/architecture.md, "Contracts outside tests rely on"). One method per
// route; every non-2xx reply becomes an AdminApiError carrying the server's code,
// message and, when the server names one, the offending parameter.
import type { RequestSigner } from './sigv4';

// The records' shapes are the service's own: one definition for server and client.
import type { CallDefaults, CallStatus, VariableMapping } from '../functions/core/model';
import { parseJson } from '../functions/core/json';
export type { CallDefaults, CallStatus, VariableMapping };

export interface AgentBody {
  name: string;
  timezone: string;
  defaultCountry?: string;
  variables: VariableMapping[];
  callDefaults?: CallDefaults;
  voice: { provider: string; [setting: string]: unknown };
  writeBackToHubSpot?: boolean;
  useContactTimezone?: boolean;
  pacing?: { maxLiveCalls?: number | null; callsPerSecond?: number | null };
}

export interface Agent extends AgentBody {
  id: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface ApiKeyCreated {
  id: string;
  name: string;
  key: string;
  createdAt?: string;
}

export interface HubSpotConnection {
  portalId: string;
  status: string;
  connectedAt?: string;
  timeZone?: string | null;
  signatureVerification?: boolean;
}

export interface Attempt {
  number: number;
  scheduledAt: string;
  startedAt?: string;
  endedAt?: string;
  outcome?: string;
  reason?: string;
  durationSeconds?: number;
  providerReason?: string;
  providerCallId?: string;
  summary?: string;
  transcript?: string;
  recordingUrl?: string;
  /** The HubSpot Call engagement written for this attempt. */
  hubspotCallId?: string;
  /** Set while the attempt waits for a pacing slot or start. */
  waiting?: { since: string; reason: string };
}

export interface HistoryEntry {
  at: string;
  status: CallStatus;
  reason: string;
}

export interface Call {
  id: string;
  agentId: string;
  portalId: string;
  contactId: string;
  to?: string | null;
  variables: Record<string, string>;
  missingVariables?: string[];
  status: CallStatus;
  reason: string;
  attempts: Attempt[];
  history?: HistoryEntry[];
  settings?: { window?: { min: string; max: string }; carryOver?: boolean; numOfRetries?: number; gapHours?: number[] };
  timezone?: string;
  createdAt?: string;
  updatedAt?: string;
  /** A test call placed by an operator (no HubSpot contact). */
  test?: boolean;
}

export interface CallCreated {
  callId: string;
  status: CallStatus;
  reason: string;
}

export interface BackfillProgress {
  id: string;
  status: 'running' | 'done' | 'failed';
  found: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  error?: string;
  total?: number | null;
}

export interface CallPage {
  items: Call[];
  nextCursor: string | null;
}

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

export interface ApiKeySummary {
  id: string;
  name: string;
  createdAt: string;
}

export type { OutcomeStats } from '../functions/core/outcome-stats';

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
    return this.request('POST', '/admin/api-keys', { body: { name } });
  }

  async listApiKeys(): Promise<ApiKeySummary[]> {
    return (await this.request<{ items: ApiKeySummary[] }>('GET', '/admin/api-keys')).items;
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.request('DELETE', `/admin/api-keys/${encodeURIComponent(id)}`);
  }

  outcomeStats(days = 30): Promise<import('../functions/core/outcome-stats').OutcomeStats> {
    return this.request('GET', '/admin/stats/outcomes', { query: { days: String(days) } });
  }

  createAgent(body: AgentBody | Record<string, unknown>): Promise<Agent> {
    return this.request('POST', '/admin/agents', { body });
  }

  async listAgents(): Promise<Agent[]> {
    const page = await this.request<{ items: Agent[] }>('GET', '/admin/agents');
    return page.items;
  }

  getAgent(id: string): Promise<Agent> {
    return this.request('GET', `/admin/agents/${encodeURIComponent(id)}`);
  }

  updateAgent(id: string, body: AgentBody | Record<string, unknown>): Promise<Agent> {
    return this.request('PUT', `/admin/agents/${encodeURIComponent(id)}`, { body });
  }

  async deleteAgent(id: string): Promise<void> {
    await this.request('DELETE', `/admin/agents/${encodeURIComponent(id)}`);
  }

  connectHubSpot(input: { accessToken: string; clientSecret?: string }): Promise<HubSpotConnection> {
    return this.request('PUT', '/admin/integrations/hubspot', { body: input });
  }

  getHubSpotConnection(): Promise<HubSpotConnection> {
    return this.request('GET', '/admin/integrations/hubspot');
  }

  listCalls(query: CallQuery = {}): Promise<CallPage> {
    return this.request('GET', '/admin/calls', {
      query: {
        agent_id: query.agentId,
        status: query.status,
        limit: query.limit?.toString(),
        cursor: query.cursor,
        from: query.from,
        to: query.to,
        q: query.q,
      },
    });
  }

  getCall(id: string): Promise<Call> {
    return this.request('GET', `/admin/calls/${encodeURIComponent(id)}`);
  }

  cancelCall(id: string): Promise<Call> {
    return this.request('POST', `/admin/calls/${encodeURIComponent(id)}/cancel`);
  }

  testCall(agentId: string, body: { to: string; variables?: Record<string, string> }): Promise<CallCreated> {
    return this.request('POST', `/admin/agents/${encodeURIComponent(agentId)}/test-call`, { body });
  }

  createCall(body: { agentId: string; contactId: string }): Promise<CallCreated> {
    return this.request('POST', '/admin/calls', { body });
  }

  startBackfill(body: { agentId: string; since: string; until?: string }): Promise<{ id: string }> {
    return this.request('POST', '/admin/backfill', { body });
  }

  getBackfill(id: string): Promise<BackfillProgress> {
    return this.request('GET', `/admin/backfill/${encodeURIComponent(id)}`);
  }

  addDoNotCall(numbers: string[], reason?: string): Promise<{ added: number; invalid: { number: string; reason: string }[] }> {
    return this.request('POST', '/admin/do-not-call', { body: { numbers, ...(reason ? { reason } : {}) } });
  }

  listDoNotCall(query: { limit?: number; cursor?: string } = {}): Promise<{
    items: { number: string; reason?: string; addedAt: string }[];
    nextCursor: string | null;
  }> {
    return this.request('GET', '/admin/do-not-call', { query: { limit: query.limit?.toString(), cursor: query.cursor } });
  }

  async removeDoNotCall(number: string): Promise<void> {
    await this.request('DELETE', `/admin/do-not-call/${encodeURIComponent(number)}`);
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
