// A stand-in for the admin API (docs/architecture.md, "Contracts outside tests rely on") for CLI tests: real HTTP,
// contract-shaped replies and errors, and a record of every request it received.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const overrides = new Map<string, Reply>();
  let connection: Record<string, any> | undefined;
  let seq = 0;

  const fake: Omit<FakeAdmin, 'url' | 'close'> = {
    requests,
    agents,
    calls,
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
    const [, , resource, id, action] = r.path.split('/');
    if (resource === 'api-keys' && r.method === 'POST' && !id) {
      if (typeof r.body?.name !== 'string' || !r.body.name.trim())
        return invalid('name', 'name is required: a string of 1 to 100 characters');
      return { status: 201, body: { id: `key_${++seq}`, name: r.body.name, key: `hd_${randomBytes(16).toString('hex')}`, createdAt: NOW } };
    }
    if (resource === 'agents') return agentRoute(r, id);
    if (resource === 'integrations' && id === 'hubspot') {
      if (r.method === 'GET')
        return connection ? { status: 200, body: connection } : error(404, 'hubspot_not_connected', 'HubSpot is not connected');
      if (r.method !== 'PUT') return error(405, 'method_not_allowed', 'use GET or PUT');
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
    }
    if (resource === 'calls') return callRoute(r, id, action);
    return error(404, 'not_found', `no admin route ${r.method} ${r.path}`);
  }

  function agentRoute(r: RecordedRequest, id?: string): Reply {
    if (!id && r.method === 'GET') return { status: 200, body: { items: [...agents.values()].map(agentView) } };
    if (!id && r.method === 'POST') {
      const problem = agentProblem(r.body);
      if (problem) return problem;
      const agent = { ...r.body, id: `agt_${++seq}`, createdAt: NOW, updatedAt: NOW };
      agents.set(agent.id, agent);
      return { status: 201, body: agentView(agent) };
    }
    const agent = id ? agents.get(id) : undefined;
    if (!id || !agent) return error(404, 'agent_not_found', `agent ${id} was not found`);
    if (r.method === 'GET') return { status: 200, body: agentView(agent) };
    if (r.method === 'DELETE') {
      agents.delete(id);
      return { status: 204 };
    }
    if (r.method === 'PUT') {
      const problem = agentProblem(r.body);
      if (problem) return problem;
      const voice =
        r.body.voice.secret === undefined && r.body.voice.provider === agent.voice.provider
          ? { ...r.body.voice, secret: agent.voice.secret }
          : r.body.voice;
      const updated = { ...agent, ...r.body, voice, id, updatedAt: '2026-06-11T08:30:00.000Z' };
      agents.set(id, updated);
      return { status: 200, body: agentView(updated) };
    }
    return error(405, 'method_not_allowed', 'use GET, PUT or DELETE');
  }

  function callRoute(r: RecordedRequest, id?: string, action?: string): Reply {
    if (!id && r.method === 'GET') {
      const limit = r.query.limit === undefined ? 25 : Number(r.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'limit must be a whole number from 1 to 100');
      const matching = [...calls.values()].filter(
        (c) => (!r.query.agent_id || c.agentId === r.query.agent_id) && (!r.query.status || c.status === r.query.status),
      );
      const start = r.query.cursor ? Number(Buffer.from(r.query.cursor, 'base64url').toString()) : 0;
      const items = matching.slice(start, start + limit);
      const next = start + limit < matching.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
      return { status: 200, body: { items, nextCursor: next } };
    }
    const call = id ? calls.get(id) : undefined;
    if (!call) return error(404, 'call_not_found', `call ${id} was not found`);
    if (r.method === 'GET' && !action) return { status: 200, body: call };
    if (r.method === 'POST' && action === 'cancel') {
      if (call.status !== 'scheduled') return error(409, 'not_cancellable', `call ${id} cannot be cancelled: it is already ${call.status}`);
      const reason = 'cancelled by an operator';
      const cancelled = {
        ...call,
        status: 'cancelled',
        reason,
        history: [...(call.history ?? []), { at: NOW, status: 'cancelled', reason }],
      };
      calls.set(call.id, cancelled);
      return { status: 200, body: cancelled };
    }
    return error(404, 'not_found', `no admin route ${r.method} ${r.path}`);
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

function invalid(parameter: string, message: string): Reply {
  return { status: 400, body: { error: 'invalid_parameter', message, parameter } };
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: { error: code, message } };
}
