// An in-process HubSpot for tests: the real paths, bodies, status codes and error shapes of
// the endpoints hubdial calls, so the real adapter (and the SDK under it) is what gets tested.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeContact = Record<string, string | null>;

export interface FakeReply {
  status: number;
  /** Objects are sent as JSON, strings as text/html; absent means an empty body with no content type. */
  body?: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface FakeHubSpot {
  /** http://127.0.0.1:PORT, used as basePath / HUBSPOT_BASE_URL. */
  url: string;
  portalId: string;
  timeZone: string;
  /** Valid tokens; any other gets 401. */
  tokens: Set<string>;
  /** Tokens answered with HubSpot's 401 EXPIRED_AUTHENTICATION (others get INVALID_AUTHENTICATION). */
  expiredTokens: Set<string>;
  /** Granted scopes; contact reads need crm.objects.contacts.read, writing calls crm.objects.contacts.write. */
  scopes: Set<string>;
  /** id -> properties. */
  contacts: Map<string, FakeContact>;
  /** Bodies POSTed to /crm/v3/objects/calls. */
  engagements: unknown[];
  /** Call engagements as stored now: id -> properties, PATCHes applied. */
  calls: Map<string, Record<string, string>>;
  /** Bodies PATCHed to /crm/v3/objects/calls/{id}, with the id. */
  callUpdates: { id: string; body: unknown }[];
  /** The next n requests to /crm/v3/objects/calls (POST or PATCH) get this reply instead; other paths are untouched. */
  failCallWrites(n: number, reply: FakeReply): void;
  /** The next n engagement POSTs are stored, then their connection is dropped: the reply is lost on its way back. */
  loseCallWriteReplies(n: number): void;
  /** Every request seen; `path` includes the query string, `at` (not enumerable) is Date.now() on arrival. */
  requests: { method: string; path: string; body?: unknown; at: number }[];
  /** Contacts read one by one or by batch read (not by search): a backfill must leave it at 0. */
  contactReads: number;
  /** Search requests answered with 429 for going over `searchesPerSecond` for one token. */
  searchRateLimited: number;
  /** HubSpot's search limit per token (5 per second). */
  searchesPerSecond: number;
  /** HubSpot pages a search through at most this many results (10,000); paging past it is a 400. */
  searchResultCap: number;
  /** The next n requests (any path) are answered with this reply instead. */
  failNext(n: number, reply: FakeReply): void;
  /** Moves a valid token to the expired set. */
  expireToken(token: string): void;
  /** Added latency for every reply. */
  delayMs: number;
  stop(): Promise<void>;
}

export const DEFAULT_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
];
const DEFAULT_PROPERTIES = ['firstname', 'lastname', 'email'];
/** What a contact search returns when it names no properties (HubSpot's documented default). */
const DEFAULT_SEARCH_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
const DATE_PROPERTIES = new Set(['createdate', 'lastmodifieddate']);
const MISSING_SCOPES_MESSAGE =
  "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.";
const NOT_FOUND_IN_BATCH = 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.';

interface Handled {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startFakeHubSpot(opts: { portalId?: string; token?: string; timeZone?: string } = {}): Promise<FakeHubSpot> {
  const bootedAt = new Date().toISOString();
  const scripted: FakeReply[] = [];
  const scriptedCallWrites: FakeReply[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let nextEngagementId = 50_000_000_001;
  let lostReplies = 0;

  const fake: FakeHubSpot = {
    url: '',
    portalId: opts.portalId ?? '62515',
    timeZone: opts.timeZone ?? 'US/Eastern',
    tokens: new Set([opts.token ?? 'pat-na1-00000000-0000-0000-0000-000000000000']),
    expiredTokens: new Set(),
    scopes: new Set(DEFAULT_SCOPES),
    contacts: new Map(),
    engagements: [],
    calls: new Map(),
    callUpdates: [],
    requests: [],
    contactReads: 0,
    searchRateLimited: 0,
    searchesPerSecond: 5,
    searchResultCap: 10_000,
    delayMs: 0,
    failNext(n, reply) {
      for (let i = 0; i < n; i++) scripted.push(reply);
    },
    failCallWrites(n, reply) {
      for (let i = 0; i < n; i++) scriptedCallWrites.push(reply);
    },
    loseCallWriteReplies(n) {
      lostReplies += n;
    },
    expireToken(token) {
      fake.tokens.delete(token);
      fake.expiredTokens.add(token);
    },
    async stop() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const correlationId = randomUUID();
      const target = new URL(req.url ?? '/', 'http://fake');
      const body = raw ? parseJson(raw) : undefined;
      const seen = {
        method: req.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        ...(raw ? { body: body ?? raw } : {}),
      };
      // Not enumerable: tests that compare `requests` with toEqual see only method, path and body.
      Object.defineProperty(seen, 'at', { value: Date.now(), enumerable: false });
      fake.requests.push(seen as (typeof fake.requests)[number]);

      const callWrite = target.pathname.startsWith('/crm/v3/objects/calls') ? scriptedCallWrites.shift() : undefined;
      const script = callWrite ?? scripted.shift();
      const answer: Handled & { delayMs?: number } = script ?? route(req, target, raw, body, correlationId);
      if (!script && lostReplies > 0 && req.method === 'POST' && target.pathname === '/crm/v3/objects/calls' && answer.status === 201) {
        lostReplies -= 1;
        res.socket?.destroy();
        return;
      }
      const delay = fake.delayMs + (answer.delayMs ?? 0);
      if (delay <= 0) return send(res, answer, correlationId);
      const timer = setTimeout(() => {
        pending.delete(timer);
        send(res, answer, correlationId);
      }, delay);
      pending.add(timer);
    });
  });

  function route(req: IncomingMessage, target: URL, raw: string, body: unknown, correlationId: string): Handled {
    const method = req.method ?? 'GET';
    const path = target.pathname;
    const denied = authorize(req.headers.authorization, correlationId);
    if (denied) return denied;

    if (method === 'GET' && path === '/account-info/v3/details') return { status: 200, body: accountDetails() };

    if (path.startsWith('/crm/v3/objects/contacts')) {
      if (!fake.scopes.has('crm.objects.contacts.read')) return missingScopes(['crm.objects.contacts.read'], correlationId);
      if (method === 'GET' && path === '/crm/v3/objects/contacts') return listContacts(target);
      if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/read') return batchRead(raw, body, correlationId);
      if (method === 'POST' && path === '/crm/v3/objects/contacts/search')
        return searchContacts(req.headers.authorization ?? '', raw, body, correlationId);
      const one = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/.exec(path);
      if (method === 'GET' && one?.[1]) return getContact(decodeURIComponent(one[1]), target, correlationId);
    }

    if (method === 'POST' && path === '/crm/v3/objects/calls/search') {
      if (!fake.scopes.has('crm.objects.contacts.read')) return missingScopes(['crm.objects.contacts.read'], correlationId);
      return searchCalls(req.headers.authorization ?? '', raw, body, correlationId);
    }
    if (method === 'POST' && path === '/crm/v3/objects/calls') {
      if (!fake.scopes.has('crm.objects.contacts.write')) return missingScopes(['crm.objects.contacts.write'], correlationId);
      return createCall(raw, body, correlationId);
    }
    const callPath = /^\/crm\/v3\/objects\/calls\/([^/]+)$/.exec(path);
    if (method === 'PATCH' && callPath?.[1]) {
      if (!fake.scopes.has('crm.objects.contacts.write')) return missingScopes(['crm.objects.contacts.write'], correlationId);
      return updateCall(decodeURIComponent(callPath[1]), raw, body, correlationId);
    }
    // HubSpot answers an unknown route with an empty 404.
    return { status: 404 };
  }

  function authorize(header: string | undefined, correlationId: string): Handled | undefined {
    const token = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
    if (token && fake.tokens.has(token)) return undefined;
    if (token && fake.expiredTokens.has(token)) {
      const expiredAt = new Date(Date.now() - 86_400_000).toISOString();
      return error(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired 1 day(s) ago.', correlationId, {
        context: { 'expire time': [expiredAt] },
      });
    }
    return error(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      correlationId,
    );
  }

  function accountDetails() {
    return {
      portalId: Number(fake.portalId),
      accountType: 'STANDARD',
      timeZone: fake.timeZone,
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    };
  }

  function contactObject(id: string, stored: FakeContact, requested: string[]) {
    const createdAt = stored.createdate ?? bootedAt;
    const updatedAt = stored.lastmodifieddate ?? createdAt;
    const properties: Record<string, string | null> = {};
    for (const name of requested) properties[name] = stored[name] ?? null;
    Object.assign(properties, { hs_object_id: id, createdate: createdAt, lastmodifieddate: updatedAt });
    return { id, properties, createdAt, updatedAt, archived: false };
  }

  function listContacts(target: URL): Handled {
    const limit = Math.min(Math.max(Number(target.searchParams.get('limit') ?? 10) || 10, 1), 100);
    const after = target.searchParams.get('after');
    const requested = requestedProperties(target);
    const ids = [...fake.contacts.keys()].sort(byNumericId).filter((id) => after === null || byNumericId(id, after) > 0);
    const page = ids.slice(0, limit);
    const last = page[page.length - 1];
    const more = ids.length > limit && last !== undefined;
    return {
      status: 200,
      body: {
        results: page.map((id) => contactObject(id, fake.contacts.get(id) ?? {}, requested)),
        ...(more
          ? { paging: { next: { after: last, link: `https://api.hubapi.com/crm/v3/objects/contacts?limit=${limit}&after=${last}` } } }
          : {}),
      },
    };
  }

  function getContact(id: string, target: URL, correlationId: string): Handled {
    const stored = fake.contacts.get(id);
    if (!stored) return error(404, 'OBJECT_NOT_FOUND', 'resource not found', correlationId);
    fake.contactReads += 1;
    return { status: 200, body: contactObject(id, stored, requestedProperties(target)) };
  }

  function batchRead(raw: string, body: unknown, correlationId: string): Handled {
    const input = body as { inputs?: unknown; properties?: unknown } | undefined;
    if (!input || typeof input !== 'object' || !Array.isArray(input.inputs)) {
      return error(400, 'VALIDATION_ERROR', `Invalid input JSON: expected an object with "inputs", got ${raw.slice(0, 60)}`, correlationId);
    }
    if (input.inputs.length > 100) return error(400, 'VALIDATION_ERROR', 'Batch input limit of 100 exceeded', correlationId);
    const ids = [...new Set(input.inputs.map((i: { id?: unknown }) => String(i?.id)))];
    const requested = Array.isArray(input.properties) ? input.properties.map(String) : DEFAULT_PROPERTIES;
    const found = ids.filter((id) => fake.contacts.has(id));
    const missing = ids.filter((id) => !fake.contacts.has(id));
    fake.contactReads += found.length;
    const at = new Date().toISOString();
    const reply = {
      status: 'COMPLETE',
      results: found.map((id) => contactObject(id, fake.contacts.get(id) ?? {}, requested)),
      startedAt: at,
      completedAt: at,
    };
    if (missing.length === 0) return { status: 200, body: reply };
    return {
      status: 207,
      body: {
        ...reply,
        numErrors: 1,
        errors: [
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: NOT_FOUND_IN_BATCH, context: { ids: missing }, links: {}, errors: [] },
        ],
      },
    };
  }

  // POST /crm/v3/objects/contacts/search: filterGroups (OR of ANDed filters), sorts,
  // properties, limit and `after` (an offset, as HubSpot's search hands out), `total`,
  // the per-token rate limit and the cap on paging.
  const searchTimes = new Map<string, number[]>();
  /** HubSpot's search limit is per token across every object's search endpoint. */
  function overSearchLimit(authorization: string, correlationId: string): Handled | undefined {
    const now = Date.now();
    const recent = (searchTimes.get(authorization) ?? []).filter((t) => t > now - 1000);
    if (recent.length >= fake.searchesPerSecond) {
      fake.searchRateLimited += 1;
      searchTimes.set(authorization, recent);
      return {
        status: 429,
        body: {
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          correlationId,
          policyName: 'SECONDLY',
        },
      };
    }
    searchTimes.set(authorization, [...recent, now]);
    return undefined;
  }

  function searchContacts(authorization: string, raw: string, body: unknown, correlationId: string): Handled {
    const limited = overSearchLimit(authorization, correlationId);
    if (limited) return limited;
    const input = body as { filterGroups?: unknown; sorts?: unknown; properties?: unknown; limit?: unknown; after?: unknown } | undefined;
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      return error(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${raw.slice(0, 60)}`, correlationId);
    }
    const limit = input.limit === undefined ? 10 : Number(input.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return error(400, 'VALIDATION_ERROR', `limit must be between 1 and 200, got ${String(input.limit)}`, correlationId);
    const offset = input.after === undefined || input.after === '' ? 0 : Number(input.after);
    if (!Number.isInteger(offset) || offset < 0)
      return error(400, 'VALIDATION_ERROR', `Invalid after: ${String(input.after)}`, correlationId);
    if (offset >= fake.searchResultCap) {
      return error(
        400,
        'VALIDATION_ERROR',
        `There was a problem with the request. Search results are limited to ${fake.searchResultCap} records; paging past them is not supported.`,
        correlationId,
      );
    }
    const groups = input.filterGroups === undefined ? [] : input.filterGroups;
    if (!Array.isArray(groups) || groups.length > 5) return error(400, 'VALIDATION_ERROR', 'filterGroups: at most 5 groups', correlationId);
    const tests: ((c: FakeContact, id: string) => boolean)[][] = [];
    for (const group of groups as { filters?: unknown }[]) {
      if (!Array.isArray(group?.filters) || group.filters.length > 10)
        return error(400, 'VALIDATION_ERROR', 'each filter group needs filters (at most 10)', correlationId);
      const andTests: ((c: FakeContact, id: string) => boolean)[] = [];
      for (const filter of group.filters as { propertyName?: unknown; operator?: unknown; value?: unknown }[]) {
        const made = filterTest(filter);
        if (typeof made === 'string') return error(400, 'VALIDATION_ERROR', made, correlationId);
        andTests.push(made);
      }
      tests.push(andTests);
    }
    const sorts = Array.isArray(input.sorts) ? input.sorts : [];
    const sort = sorts[0] as { propertyName?: string; direction?: string } | string | undefined;
    const sortBy = typeof sort === 'string' ? sort.replace(/^-/, '') : sort?.propertyName;
    const descending = typeof sort === 'string' ? sort.startsWith('-') : sort?.direction === 'DESCENDING';
    const requested =
      Array.isArray(input.properties) && input.properties.length > 0 ? input.properties.map(String) : DEFAULT_SEARCH_PROPERTIES;
    const matches = [...fake.contacts.entries()].filter(
      ([id, c]) => tests.length === 0 || tests.some((all) => all.every((test) => test(c, id))),
    );
    const keyOf = ([id, c]: [string, FakeContact]) => (sortBy ? propertyValue(c, id, sortBy, bootedAt) : id);
    matches.sort((a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
      return (descending ? -order : order) || byNumericId(a[0], b[0]);
    });
    const page = matches.slice(offset, offset + limit);
    const next = offset + limit;
    return {
      status: 200,
      body: {
        total: matches.length,
        results: page.map(([id, c]) => contactObject(id, c, requested)),
        ...(next < matches.length ? { paging: { next: { after: String(next), link: `?after=${next}` } } } : {}),
      },
    };
  }

  function filterTest(filter: {
    propertyName?: unknown;
    operator?: unknown;
    value?: unknown;
  }): ((c: FakeContact, id: string) => boolean) | string {
    const name = filter?.propertyName;
    if (typeof name !== 'string' || !name) return 'filter.propertyName is required';
    const op = filter.operator;
    if (op === 'HAS_PROPERTY') return (c, id) => propertyValue(c, id, name, bootedAt) !== undefined;
    if (op === 'NOT_HAS_PROPERTY') return (c, id) => propertyValue(c, id, name, bootedAt) === undefined;
    if (typeof filter.value !== 'string' && typeof filter.value !== 'number')
      return `filter on ${name}: value is required for ${String(op)}`;
    const wanted = DATE_PROPERTIES.has(name) ? dateValue(String(filter.value)) : String(filter.value);
    if (wanted === undefined) return `filter on ${name}: ${String(filter.value)} is not a valid date (epoch milliseconds or ISO 8601)`;
    const compare = (c: FakeContact, id: string) => {
      const have = propertyValue(c, id, name, bootedAt);
      if (have === undefined) return undefined;
      return typeof have === 'number' && typeof wanted === 'number' ? have - wanted : String(have).localeCompare(String(wanted));
    };
    const ops: Record<string, (d: number) => boolean> = {
      EQ: (d) => d === 0,
      NEQ: (d) => d !== 0,
      LT: (d) => d < 0,
      LTE: (d) => d <= 0,
      GT: (d) => d > 0,
      GTE: (d) => d >= 0,
    };
    const check = typeof op === 'string' ? ops[op] : undefined;
    if (!check) return `filter on ${name}: operator ${String(op)} is not supported by this fake`;
    return (c, id) => {
      const d = compare(c, id);
      return d !== undefined && check(d);
    };
  }

  // POST /crm/v3/objects/calls/search, as far as hubdial asks it: the calls associated with
  // one contact (`associations.contact` EQ), with the requested properties, one page.
  const callContacts = new Map<string, string[]>();
  function searchCalls(authorization: string, raw: string, body: unknown, correlationId: string): Handled {
    const limited = overSearchLimit(authorization, correlationId);
    if (limited) return limited;
    const input = body as {
      filterGroups?: { filters?: { propertyName?: unknown; operator?: unknown; value?: unknown }[] }[];
      properties?: unknown;
      limit?: unknown;
    };
    const filters = Array.isArray(input?.filterGroups) ? (input.filterGroups[0]?.filters ?? []) : [];
    const byContact = filters.find((f) => f.propertyName === 'associations.contact');
    if (byContact?.operator !== 'EQ' || filters.length !== 1)
      return error(400, 'VALIDATION_ERROR', `this fake searches calls by associations.contact EQ only: ${raw.slice(0, 80)}`, correlationId);
    const limit = input.limit === undefined ? 10 : Number(input.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return error(400, 'VALIDATION_ERROR', `limit must be between 1 and 200, got ${String(input.limit)}`, correlationId);
    const requested = Array.isArray(input.properties) ? input.properties.map(String) : [];
    const results = [...fake.calls.entries()]
      .filter(([id]) => callContacts.get(id)?.includes(String(byContact.value)))
      .map(([id, stored]) => ({
        id,
        properties: {
          ...Object.fromEntries(requested.map((name) => [name, stored[name] ?? null])),
          hs_object_id: id,
          hs_createdate: stored.hs_createdate,
          hs_lastmodifieddate: stored.hs_lastmodifieddate,
        },
        createdAt: stored.hs_createdate,
        updatedAt: stored.hs_lastmodifieddate,
        archived: false,
      }));
    return { status: 200, body: { total: results.length, results: results.slice(0, limit) } };
  }

  function createCall(raw: string, body: unknown, correlationId: string): Handled {
    const input = body as { properties?: Record<string, unknown>; associations?: { to?: { id?: unknown } }[] } | undefined;
    if (!input?.properties || typeof input.properties !== 'object') {
      return error(400, 'VALIDATION_ERROR', `Invalid input JSON: expected "properties", got ${raw.slice(0, 60)}`, correlationId);
    }
    if (!input.properties.hs_timestamp)
      return error(400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required', correlationId);
    const unknownTargets = (input.associations ?? []).map((a) => String(a.to?.id)).filter((id) => !fake.contacts.has(id));
    if (unknownTargets.length)
      return error(400, 'VALIDATION_ERROR', `One or more associations are invalid: no CONTACT ${unknownTargets.join(', ')}`, correlationId);
    fake.engagements.push(body);
    const id = String(nextEngagementId++);
    callContacts.set(
      id,
      (input.associations ?? []).map((a) => String(a.to?.id)),
    );
    const at = new Date().toISOString();
    const properties = { ...(input.properties as Record<string, string>), hs_object_id: id, hs_createdate: at, hs_lastmodifieddate: at };
    fake.calls.set(id, properties);
    return { status: 201, body: { id, properties, createdAt: at, updatedAt: at, archived: false } };
  }

  // PATCH /crm/v3/objects/calls/{callId}: a partial update; 404 OBJECT_NOT_FOUND for an unknown id.
  function updateCall(id: string, raw: string, body: unknown, correlationId: string): Handled {
    const stored = fake.calls.get(id);
    if (!stored) return error(404, 'OBJECT_NOT_FOUND', 'resource not found', correlationId);
    const input = body as { properties?: Record<string, unknown> } | undefined;
    if (!input?.properties || typeof input.properties !== 'object') {
      return error(400, 'VALIDATION_ERROR', `Invalid input JSON: expected "properties", got ${raw.slice(0, 60)}`, correlationId);
    }
    fake.callUpdates.push({ id, body });
    const at = new Date().toISOString();
    Object.assign(stored, input.properties as Record<string, string>, { hs_lastmodifieddate: at });
    return { status: 200, body: { id, properties: { ...stored }, createdAt: stored.hs_createdate, updatedAt: at, archived: false } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** n contacts with ids start, start+1, ...: names, email, a valid +1 415 555 xxxx phone, company, city. */
export function makeContacts(n: number, start = 1): [string, FakeContact][] {
  const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
  const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
  const cities = ['San Francisco', 'Oakland', 'Berkeley', 'Palo Alto'];
  return Array.from({ length: n }, (_, i) => {
    const id = String(start + i);
    const firstname = first[i % first.length] ?? 'Ada';
    const lastname = last[(i + 3) % last.length] ?? 'Lovelace';
    return [
      id,
      {
        firstname,
        lastname,
        email: `${firstname}.${lastname}.${id}@example.com`.toLowerCase(),
        phone: `+1 415 555 ${String((start + i) % 10_000).padStart(4, '0')}`,
        company: `Company ${id}`,
        city: cities[i % cities.length] ?? 'San Francisco',
      },
    ];
  });
}

/** A contact's property as search compares it: dates as epoch milliseconds, ids as numbers. */
function propertyValue(c: FakeContact, id: string, name: string, bootedAt: string): string | number | undefined {
  if (name === 'hs_object_id') return Number(id);
  if (name === 'createdate') return dateValue(c.createdate ?? bootedAt);
  if (name === 'lastmodifieddate') return dateValue(c.lastmodifieddate ?? c.createdate ?? bootedAt);
  const value = c[name];
  return value === null || value === undefined || value === '' ? undefined : value;
}

function dateValue(text: string): number | undefined {
  const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(at) ? at : undefined;
}

function error(status: number, category: string, message: string, correlationId: string, extra: Record<string, unknown> = {}): Handled {
  return { status, body: { status: 'error', message, correlationId, category, ...extra } };
}

function missingScopes(required: string[], correlationId: string): Handled {
  return error(403, 'MISSING_SCOPES', MISSING_SCOPES_MESSAGE, correlationId, {
    errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: required } }],
    links: { scopes: 'https://developers.hubspot.com/scopes' },
  });
}

function requestedProperties(target: URL): string[] {
  const names = target.searchParams
    .getAll('properties')
    .flatMap((p) => p.split(','))
    .filter(Boolean);
  return names.length ? names : DEFAULT_PROPERTIES;
}

function byNumericId(a: string, b: string): number {
  const diff = Number(a) - Number(b);
  return Number.isNaN(diff) ? a.localeCompare(b) : diff;
}

function send(res: ServerResponse, answer: Handled, correlationId: string): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { 'x-hubspot-correlation-id': correlationId, ...answer.headers };
  let payload = '';
  if (typeof answer.body === 'string') {
    headers['content-type'] ??= 'text/html';
    payload = answer.body;
  } else if (answer.body !== undefined) {
    headers['content-type'] ??= 'application/json;charset=utf-8';
    payload = JSON.stringify(answer.body);
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Legacy `contact.*` subscription names, or the generic `object.*` ones with objectTypeId 0-1. */
export type EventForm = 'legacy' | 'generic';

let nextEventId = 900_000;

/** One event as HubSpot's webhooks deliver it (app subscription payload). */
export function contactEvent(
  fake: Pick<FakeHubSpot, 'portalId'>,
  action: 'creation' | 'deletion' | 'privacyDeletion' | 'merge' | 'restore',
  objectId: string,
  form: EventForm,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  // Privacy deletions are a hub event: HubSpot names them contact.privacyDeletion in both forms.
  const generic = form === 'generic' && action !== 'privacyDeletion';
  return {
    eventId: nextEventId++,
    subscriptionId: 3001,
    portalId: Number(fake.portalId),
    appId: 1160452,
    occurredAt: 1781000000000 + nextEventId,
    subscriptionType: generic ? `object.${action}` : `contact.${action}`,
    attemptNumber: 0,
    objectId: Number(objectId),
    ...(generic ? { objectTypeId: '0-1' } : {}),
    changeSource: 'CRM',
    ...(action === 'creation' ? { changeFlag: generic ? 'CREATED' : 'NEW' } : {}),
    ...(action === 'deletion' || action === 'privacyDeletion' ? { changeFlag: 'DELETED' } : {}),
    ...(action === 'merge' ? { changeFlag: 'MERGED' } : {}),
    ...(action === 'restore' ? { changeFlag: 'RESTORED' } : {}),
    ...extra,
  };
}

/**
 * Deletes a contact from the fake and returns what HubSpot then sends: a deletion, and
 * for a privacy (GDPR) deletion the privacyDeletion event as well as the ordinary one.
 */
export function deleteContact(fake: FakeHubSpot, id: string, form: EventForm, opts: { privacy?: boolean } = {}) {
  fake.contacts.delete(id);
  const events = [contactEvent(fake, 'deletion', id, form)];
  if (opts.privacy) events.unshift(contactEvent(fake, 'privacyDeletion', id, form));
  return events;
}

/** Merges contacts into `primary` (they leave the fake) and returns HubSpot's merge event. */
export function mergeContacts(fake: FakeHubSpot, primary: string, merged: string[], form: EventForm) {
  for (const id of merged) fake.contacts.delete(id);
  return [
    contactEvent(fake, 'merge', primary, form, {
      primaryObjectId: Number(primary),
      mergedObjectIds: merged.map(Number),
      newObjectId: Number(primary),
      numberOfPropertiesMoved: 3,
    }),
  ];
}
