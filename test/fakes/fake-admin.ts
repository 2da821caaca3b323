// A stand-in for the admin API (docs/architecture.md, "Contracts outside tests rely on") for CLI tests: real HTTP,
// contract-shaped replies and errors, and a record of every request it received. It
// serves the routes of the one route table (functions/core/admin-contract.ts): its router
// is keyed by route name, so a route added there does not compile here until it is served.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdminRouteName, matchAdminRoute } from '../../functions/core/admin-contract';
import type { CallRecord } from '../../functions/core/model';
import { outcomesPerDay } from '../../functions/core/outcome-stats';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
}

/** `raw` is sent as is (for replies that are not JSON). */
type Reply = { status: number; body?: unknown; raw?: string };

export interface FakeAdmin {
  url: string;
  requests: RecordedRequest[];
  agents: Map<string, Record<string, any>>;
  /** Listed in insertion order; add them newest first. */
  calls: Map<string, Record<string, any>>;
  apiKeys: Map<string, { id: string; name: string; createdAt: string }>;
  /** E.164 number -> its entry. */
  doNotCall: Map<string, { number: string; reason?: string; addedAt: string }>;
  backfills: Map<string, Record<string, any>>;
  /** The one access token "HubSpot" accepts; `missing-scope-token` is refused for a scope. */
  validHubSpotToken: string;
  /** Answers the next request to METHOD PATH with this reply instead of the built-in behaviour. */
  replyOnce(method: string, path: string, reply: Reply): void;
  last(): RecordedRequest;
  close(): Promise<void>;
}

const NOW = '2026-06-10T15:00:00.000Z';

export async function startFakeAdmin(): Promise<FakeAdmin> {
  const requests: RecordedRequest[] = [];
  const agents = new Map<string, Record<string, any>>();
  const calls = new Map<string, Record<string, any>>();
  const apiKeys = new Map<string, { id: string; name: string; createdAt: string }>();
  const doNotCall = new Map<string, { number: string; reason?: string; addedAt: string }>();
  const backfills = new Map<string, Record<string, any>>();
  const overrides = new Map<string, Reply>();
  let connection: Record<string, any> | undefined;
  let seq = 0;

  const fake: Omit<FakeAdmin, 'url' | 'close'> = {
    requests,
    agents,
    calls,
    apiKeys,
    doNotCall,
    backfills,
    validHubSpotToken: 'pat-na1-00000000-1111-2222-3333-444444444444',
    replyOnce: (method, path, reply) => void overrides.set(`${method} ${path}`, reply),
    last: () => {
      const r = requests.at(-1);
      if (!r) throw new Error('no request recorded');
      return r;
    },
  };

  function route(r: RecordedRequest): Reply {
    const override = overrides.get(`${r.method} ${r.path}`);
    if (override) {
      overrides.delete(`${r.method} ${r.path}`);
      return override;
    }
    const match = matchAdminRoute(r.method, r.path);
    if (!match.found) {
      return match.allowed.length > 0
        ? error(405, 'method_not_allowed', `use ${match.allowed.join(' or ')}`)
        : error(404, 'not_found', `no admin route ${r.method} ${r.path}`);
    }
    const params = Object.fromEntries(Object.entries(match.params).map(([k, v]) => [k, decodeURIComponent(v)]));
    return routes[match.name](r, params.id ?? params.number ?? '');
  }

  const routes: Record<AdminRouteName, (r: RecordedRequest, id: string) => Reply> = {
    createApiKey: (r) => {
      if (typeof r.body?.name !== 'string' || !r.body.name.trim())
        return invalid('name', 'name is required: a string of 1 to 100 characters');
      const summary = { id: `key_${++seq}`, name: r.body.name, createdAt: NOW };
      apiKeys.set(summary.id, summary);
      return { status: 201, body: { ...summary, key: `hd_${randomBytes(16).toString('hex')}` } };
    },
    listApiKeys: () => ({ status: 200, body: { items: [...apiKeys.values()] } }),
    revokeApiKey: (_r, id) => (apiKeys.delete(id) ? { status: 204 } : error(404, 'api_key_not_found', `API key ${id} was not found`)),
    createAgent: (r) => {
      const problem = agentProblem(r.body);
      if (problem) return problem;
      const agent = { ...r.body, id: `agt_${++seq}`, createdAt: NOW, updatedAt: NOW };
      agents.set(agent.id, agent);
      return { status: 201, body: agentView(agent) };
    },
    listAgents: () => ({ status: 200, body: { items: [...agents.values()].map(agentView) } }),
    getAgent: (_r, id) => withAgent(id, (agent) => ({ status: 200, body: agentView(agent) })),
    deleteAgent: (_r, id) =>
      withAgent(id, () => {
        agents.delete(id);
        return { status: 204 };
      }),
    replaceAgent: (r, id) =>
      withAgent(id, (agent) => {
        const problem = agentProblem(r.body);
        if (problem) return problem;
        const voice =
          r.body.voice.secret === undefined && r.body.voice.provider === agent.voice.provider
            ? { ...r.body.voice, secret: agent.voice.secret }
            : r.body.voice;
        const updated = { ...agent, ...r.body, voice, id, updatedAt: '2026-06-11T08:30:00.000Z' };
        agents.set(id, updated);
        return { status: 200, body: agentView(updated) };
      }),
    getHubSpotConnection: () =>
      connection ? { status: 200, body: connection } : error(404, 'hubspot_not_connected', 'HubSpot is not connected'),
    connectHubSpot: (r) => {
      const token = r.body?.accessToken;
      if (token === 'missing-scope-token') {
        return {
          status: 400,
          body: {
            error: 'hubspot_missing_scopes',
            message: 'HubSpot refused: the private app lacks a required scope',
            parameter: 'accessToken',
            requiredScopes: ['crm.objects.contacts.read'],
          },
        };
      }
      if (token !== fake.validHubSpotToken)
        return {
          status: 400,
          body: {
            error: 'hubspot_unauthorized',
            message: 'HubSpot rejected the access token: it is expired or revoked',
            parameter: 'accessToken',
          },
        };
      connection = {
        portalId: '4455667',
        status: 'connected',
        connectedAt: NOW,
        timeZone: 'US/Eastern',
        signatureVerification: Boolean(r.body.clientSecret),
      };
      return { status: 200, body: connection };
    },
    listCalls: (r) => {
      const limit = r.query.limit === undefined ? 25 : Number(r.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'limit must be a whole number from 1 to 100');
      const matching = [...calls.values()].filter(
        (c) =>
          (!r.query.agent_id || c.agentId === r.query.agent_id) &&
          (!r.query.status || c.status === r.query.status) &&
          (!r.query.q || c.contactId === r.query.q || c.to === r.query.q),
      );
      return { status: 200, body: paged(matching, r.query.cursor, limit) };
    },
    getCall: (_r, id) => withCall(id, (call) => ({ status: 200, body: call })),
    cancelCall: (_r, id) =>
      withCall(id, (call) => {
        if (call.status !== 'scheduled')
          return error(409, 'not_cancellable', `call ${id} cannot be cancelled: it is already ${call.status}`);
        const reason = 'cancelled by an operator';
        const cancelled = {
          ...call,
          status: 'cancelled',
          reason,
          history: [...(call.history ?? []), { at: NOW, status: 'cancelled', reason }],
        };
        calls.set(call.id, cancelled);
        return { status: 200, body: cancelled };
      }),
    outcomeStats: (r) => {
      const days = r.query.days === undefined ? 30 : Number(r.query.days);
      if (!Number.isInteger(days) || days < 1 || days > 90) return invalid('days', 'days must be a whole number from 1 to 90');
      const settled = [...calls.values()].filter((c) => Array.isArray(c.attempts)) as CallRecord[];
      return { status: 200, body: outcomesPerDay(settled, new Date(NOW), days) };
    },
    testCall: (r, id) =>
      withAgent(id, (agent) => {
        if (typeof r.body?.to !== 'string' || !E164.test(r.body.to))
          return invalid('to', 'to is required: the number to ring, in E.164 such as +14155552671');
        if (doNotCall.has(r.body.to))
          return { status: 409, body: { error: 'do_not_call', message: `${r.body.to} is on the do-not-call list`, parameter: 'to' } };
        const call = storedCall(agent.id, '', { to: r.body.to, variables: r.body.variables ?? {}, test: true });
        return { status: 201, body: { callId: call.id, status: call.status, reason: call.reason, test: true } };
      }),
    createCall: (r) => {
      if (typeof r.body?.agentId !== 'string' || !r.body.agentId)
        return invalid('agentId', 'agentId is required: the id of the agent that calls the contact');
      if (!/^[0-9]{1,20}$/.test(String(r.body.contactId ?? '')))
        return invalid('contactId', "contactId is required: the HubSpot contact's record id (a number, as in its URL)");
      const agent = agents.get(r.body.agentId);
      if (!agent)
        return { status: 404, body: { error: 'agent_not_found', message: `agent ${r.body.agentId} was not found`, parameter: 'agentId' } };
      if (!connection) return error(409, 'hubspot_not_connected', 'HubSpot is not connected');
      const existing = [...calls.values()].find((c) => c.agentId === agent.id && c.contactId === String(r.body.contactId));
      if (existing) return { status: 200, body: { callId: existing.id, status: existing.status, reason: existing.reason } };
      const call = storedCall(agent.id, String(r.body.contactId), {});
      return { status: 201, body: { callId: call.id, status: call.status, reason: call.reason } };
    },
    startBackfill: (r) => {
      if (typeof r.body?.agentId !== 'string' || !r.body.agentId) return invalid('agentId', 'agentId is required');
      if (typeof r.body.since !== 'string' || Number.isNaN(Date.parse(r.body.since)))
        return invalid('since', 'since is required: an ISO 8601 date or time');
      if (!agents.has(r.body.agentId))
        return { status: 404, body: { error: 'agent_not_found', message: `agent ${r.body.agentId} was not found`, parameter: 'agentId' } };
      const job = {
        id: `bf_${++seq}`,
        status: 'done',
        found: 0,
        accepted: 0,
        duplicates: 0,
        rejected: 0,
        agentId: r.body.agentId,
        since: new Date(r.body.since).toISOString(),
        until: r.body.until ? new Date(r.body.until).toISOString() : NOW,
        total: 0,
        pages: 1,
        createdAt: NOW,
        updatedAt: NOW,
      };
      backfills.set(job.id, job);
      return { status: 202, body: { id: job.id, status: 'running', since: job.since, until: job.until } };
    },
    getBackfill: (_r, id) => {
      const job = backfills.get(id);
      return job ? { status: 200, body: job } : error(404, 'backfill_not_found', `backfill ${id} was not found`);
    },
    addDoNotCall: (r) => {
      if (!Array.isArray(r.body?.numbers) || r.body.numbers.length === 0)
        return invalid('numbers', 'numbers is required: a list of phone numbers');
      const invalidNumbers: { number: string; reason: string }[] = [];
      let added = 0;
      for (const raw of r.body.numbers) {
        const number = String(raw).replace(/[\s()-]/g, '');
        if (!E164.test(number)) {
          invalidNumbers.push({ number: String(raw), reason: 'not a phone number in E.164 (+ and country code)' });
          continue;
        }
        if (!doNotCall.has(number)) added += 1;
        doNotCall.set(number, { number, ...(r.body.reason ? { reason: r.body.reason } : {}), addedAt: NOW });
      }
      return { status: 200, body: { added, invalid: invalidNumbers } };
    },
    listDoNotCall: (r) => {
      const limit = r.query.limit === undefined ? 100 : Number(r.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return invalid('limit', 'limit must be a whole number from 1 to 1000');
      return { status: 200, body: paged([...doNotCall.values()], r.query.cursor, limit) };
    },
    removeDoNotCall: (_r, number) => {
      if (!E164.test(number)) return invalid('number', 'number must be an E.164 phone number such as +14155552671 (or %2B14155552671)');
      return doNotCall.delete(number) ? { status: 204 } : error(404, 'not_found', 'that number is not on the do-not-call list');
    },
  };

  function withAgent(id: string, then: (agent: Record<string, any>) => Reply): Reply {
    const agent = agents.get(id);
    return agent ? then(agent) : error(404, 'agent_not_found', `agent ${id} was not found`);
  }

  function withCall(id: string, then: (call: Record<string, any>) => Reply): Reply {
    const call = calls.get(id);
    return call ? then(call) : error(404, 'call_not_found', `call ${id} was not found`);
  }

  function storedCall(agentId: string, contactId: string, extra: Record<string, unknown>): Record<string, any> {
    const reason = 'inside the calling window: ringing now';
    const call = {
      id: `call_${++seq}`,
      agentId,
      portalId: connection?.portalId ?? '',
      contactId,
      to: null,
      variables: {},
      missingVariables: [],
      status: 'scheduled',
      reason,
      attempts: [{ number: 1, scheduledAt: NOW }],
      history: [{ at: NOW, status: 'scheduled', reason }],
      settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
      timezone: 'UTC',
      createdAt: NOW,
      updatedAt: NOW,
      test: false,
      ...extra,
    };
    calls.set(call.id, call);
    return call;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake-admin');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = rawBody;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        rawBody,
        body,
      };
      requests.push(recorded);
      const reply = route(recorded);
      if (reply.raw !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/html' });
        res.end(reply.raw);
        return;
      }
      res.writeHead(reply.status, reply.body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function agentProblem(body: any): Reply | undefined {
  if (typeof body?.name !== 'string' || !body.name) return invalid('name', 'name is required: a string of 1 to 100 characters');
  if (typeof body.timezone !== 'string' || !isTimeZone(body.timezone)) {
    return invalid(
      'timezone',
      `timezone must be an IANA time zone such as "Europe/Berlin" or "America/New_York", got ${JSON.stringify(body.timezone ?? null)}`,
    );
  }
  if (typeof body.voice?.provider !== 'string') return invalid('voice', 'voice is required');
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Secrets are never returned, as the real admin API does. */
function agentView(agent: Record<string, any>) {
  const { secret: _secret, ...voice } = agent.voice ?? {};
  return { ...agent, voice };
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Offset cursors, opaque to the client as the real ones are. */
function paged<T>(items: T[], cursor: string | undefined, limit: number) {
  const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
  return { items: items.slice(start, start + limit), nextCursor: next };
}

function invalid(parameter: string, message: string): Reply {
  return { status: 400, body: { error: 'invalid_parameter', message, parameter } };
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: { error: code, message } };
}
