// A bounded fuzz run against the real webhook on the embedded stack: malformed bodies,
// queries and headers, sent as raw bytes over HTTP. The fake HubSpot holds no contact
// while the fuzz runs, so no input, however close to valid, can store a call; a valid
// delivery for an unknown contact answers 200 with the contact in `rejected`.
// Every reply must be a non-5xx JSON answer, 4xx with a `message`, and afterwards the
// process must still take a real delivery.
import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { creationEvents, startTestStack, type TestStack } from '../support/local-stack';

const SEED = 20_260_610;
const KNOWN_CONTACT = '424242';
/** Node's HTTP parser refuses a request line + headers past 16 KB before any handler runs: up to 3 long values fit. */
const MAX_QUERY_VALUE = 4_000;

interface FuzzCase {
  label: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Reply {
  status: number;
  contentType: string | undefined;
  text: string;
}

interface Outcome {
  label: string;
  status: number;
  problem?: string;
}

// ---------------------------------------------------------------------------------------
// Raw HTTP: fetch would normalise the URL and refuse some bodies; the fuzz wants bytes.

const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

function post(base: string, c: FuzzCase): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/call/crm-webhook?${c.query}`,
        agent: keepAlive,
        headers: { ...c.headers, 'content-length': String(c.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

/** What every reply must be; undefined when it is. */
function problemWith(reply: Reply): string | undefined {
  if (reply.status >= 500) return `answered ${reply.status}: ${reply.text.slice(0, 200)}`;
  if (![200, 400, 401, 404].includes(reply.status)) return `unexpected status ${reply.status}`;
  if (!reply.contentType?.startsWith('application/json')) return `content-type ${reply.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return `not JSON: ${reply.text.slice(0, 200)}`;
  }
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (reply.status >= 400)
    return typeof record.message === 'string' && record.message.length > 0
      ? undefined
      : `4xx without a message: ${reply.text.slice(0, 200)}`;
  // 200: a delivery summary in which nothing could be accepted (no contact exists).
  if (record.accepted !== 0 || !Array.isArray(record.rejected) || !Array.isArray(record.calls) || record.calls.length !== 0)
    return `200 that is not an empty summary: ${reply.text.slice(0, 200)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Generators. Ids are drawn away from KNOWN_CONTACT; nothing is added to the fake HubSpot.

const unknownId = fc.integer({ min: 1_000_000, max: 2 ** 40 }).filter((n) => String(n) !== KNOWN_CONTACT);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\u202E', '💥', 'null', 'undefined', '[]', '{}'),
);
/** Values a HubSpot id field must refuse, and a few it must take (digit strings). */
const oddId = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1.5,
    1e21,
    Number.MAX_SAFE_INTEGER + 2,
    true,
    false,
    null,
    [],
    {},
    [123],
    { value: 123 },
    '',
    '00',
    '1e5',
    '0x10',
    '１２３',
    '1'.repeat(25),
    '12\u000034',
    ' 42 ',
  ),
  unknownId.map(String),
  unknownId.map((n) => `000${n}`),
  text,
  fc.double(),
);

function creationBatch(ids: number[], portalId: string): Record<string, unknown>[] {
  return creationEvents(ids.map(String), portalId);
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

function nested(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function bodies(portalId: string): fc.Arbitrary<{ label: string; body: Buffer }> {
  const validUnknown = fc.array(unknownId, { minLength: 1, maxLength: 100 }).map((ids) => JSON.stringify(creationBatch(ids, portalId)));
  return fc.oneof(
    { weight: 3, arbitrary: validUnknown.map((s) => ({ label: 'valid delivery, unknown contacts', body: utf8(s) })) },
    {
      weight: 3,
      arbitrary: validUnknown.chain((s) =>
        fc.nat({ max: s.length - 1 }).map((cut) => ({ label: `truncated JSON at ${cut}`, body: utf8(s.slice(0, cut)) })),
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1, max: 100_000 }),
          fc.constantFrom('array' as const, 'object' as const),
          fc.constantFrom('root', 'objectId', 'portalId', 'objectTypeId', 'eventId', 'workflow objectId', 'workflow portalId'),
        )
        .map(([depth, shape, where]) => {
          const deep = nested(depth, shape);
          const json =
            where === 'root'
              ? deep
              : where === 'workflow objectId'
                ? `{"objectId":${deep}}`
                : where === 'workflow portalId'
                  ? `{"objectId":"${KNOWN_CONTACT}1","portalId":${deep}}`
                  : where === 'objectTypeId'
                    ? `[{"subscriptionType":"object.creation","objectTypeId":${deep},"objectId":1}]`
                    : `[{"subscriptionType":"contact.creation","objectId":${where === 'objectId' ? deep : 1},"${where === 'objectId' ? 'x' : where}":${deep}}]`;
          return { label: `nesting ${depth} deep (${shape}) in ${where}`, body: utf8(json) };
        }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.integer({ min: 101, max: 3000 }), unknownId, fc.boolean()).map(([n, id, junk]) => ({
        label: `${n} ${junk ? 'junk items' : 'events'} (over 100)`,
        body: utf8(
          JSON.stringify(
            junk
              ? Array.from({ length: n }, (_, i) => i)
              : creationBatch(
                  Array.from({ length: n }, (_, i) => id + i),
                  portalId,
                ),
          ),
        ),
      })),
    },
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.record(
            {
              objectId: oddId,
              portalId: fc.oneof(oddId, fc.constant(Number(portalId)), fc.constant(portalId)),
              subscriptionType: fc.oneof(fc.constant('contact.creation'), text),
              objectTypeId: fc.oneof(oddId, fc.constant('0-1')),
            },
            { requiredKeys: [] },
          ),
          { minLength: 1, maxLength: 20 },
        )
        .map((events) => ({ label: 'events with wrong field types', body: utf8(JSON.stringify(events)) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record(
          {
            objectId: oddId,
            hs_object_id: oddId,
            vid: oddId,
            portalId: oddId,
            properties: fc.oneof(fc.record({ hs_object_id: oddId }), text),
          },
          { requiredKeys: [] },
        )
        .map((record) => ({ label: 'workflow record with wrong field types', body: utf8(JSON.stringify(record)) })),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => ({ label: 'unicode text', body: utf8(s) })) },
    {
      weight: 2,
      arbitrary: fc.tuple(unknownId, fc.nat({ max: 40 })).map(([id, at]) => {
        const json = JSON.stringify(creationBatch([id], portalId));
        const cut = Math.min(at, json.length);
        return {
          label: 'raw NUL byte inside JSON',
          body: Buffer.concat([utf8(json.slice(0, cut)), Buffer.from([0]), utf8(json.slice(cut))]),
        };
      }),
    },
    {
      weight: 1,
      arbitrary: unknownId.map((id) => ({
        label: 'escaped NUL in objectId',
        body: utf8(`[{"subscriptionType":"contact.creation","objectId":"\\u0000${id}"}]`),
      })),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ label: 'random bytes', body: Buffer.from(bytes) })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.json({ maxDepth: 5 }),
          fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
        )
        .map((s) => ({ label: 'arbitrary JSON', body: utf8(s) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(unknownId, fc.integer({ min: 1_100_000, max: 1_300_000 }), fc.constantFrom('x', 'é', '\u0000', '💥'))
        .map(([id, size, fill]) => {
          const pad = fill.repeat(Math.ceil(size / Buffer.byteLength(fill)));
          return {
            label: `${(size / 1e6).toFixed(1)} MB body`,
            body: utf8(JSON.stringify([{ ...creationBatch([id], portalId)[0], pad }])),
          };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', '\n\t', 'null', '0', '""', '[]', '{}', '[null]', '[[]]', 'true')
        .map((s) => ({ label: `tiny body ${JSON.stringify(s)}`, body: utf8(s) })),
    },
    {
      weight: 3,
      arbitrary: validUnknown.chain((s) =>
        fc
          .array(fc.tuple(fc.nat({ max: s.length }), fc.nat({ max: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), {
            minLength: 1,
            maxLength: 5,
          })
          .map((edits) => {
            let out = s;
            for (const [at, remove, insert] of edits) out = out.slice(0, at) + insert + out.slice(at + remove);
            return { label: 'byte-level mutation of a valid delivery', body: utf8(out) };
          }),
      ),
    },
  );
}

/** UTF-8 bytes of `s`, every one percent-encoded: any text, safely in a URL. */
const percent = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
/** Printable ASCII the HTTP client sends as-is, '&' '=' '#' '%' included. */
const rawQueryText = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const junkQuery = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%FF%FE',
  '%C0%AF',
  '+',
  '&&&',
  '==',
  ';',
  '&=',
  '=&',
  '%%%',
  '%25',
  '%2',
  '#frag',
  '?',
  '%u0041',
);
const queryValue = fc.oneof(
  text.map(percent),
  rawQueryText,
  junkQuery,
  fc
    .integer({ min: 1000, max: MAX_QUERY_VALUE })
    .chain((n) => fc.constantFrom('a', '9', '%41', ',').map((unit) => unit.repeat(Math.floor(n / unit.length)))),
  fc.constantFrom('', '25:00', '9', '-1', '11', '2,,4', '0', 'true', 'maybe', 'SALESFORCE', 'HubSpot', '1e3', '169'),
);
const PARAMS = [
  'agent_id',
  'type',
  'x_api_key',
  'min_trigger_time',
  'max_trigger_time',
  'carry_over',
  'num_of_retries',
  'gap_between_retries',
];

function queries(base: [string, string][]): fc.Arbitrary<{ label: string; query: string }> {
  const mutation = fc.oneof(
    fc.nat().map((i) => ({ label: 'drop a parameter', apply: (q: [string, string][]) => q.filter((_, j) => j !== i % q.length) })),
    fc.tuple(fc.constantFrom(...PARAMS), queryValue, fc.boolean()).map(([name, value, first]) => ({
      label: `duplicate ${name} (${first ? 'garbage first' : 'garbage second'})`,
      apply: (q: [string, string][]) => (first ? [[name, value] as [string, string], ...q] : [...q, [name, value] as [string, string]]),
    })),
    fc.tuple(fc.nat(), queryValue).map(([i, value]) => ({
      label: 'garbage value',
      apply: (q: [string, string][]) => q.map(([k, v], j) => [k, j === i % q.length ? value : v] as [string, string]),
    })),
    fc
      .tuple(
        fc.oneof(
          rawQueryText,
          text.map(percent),
          fc.constantFrom('AGENT_ID', 'agent_id[]', 'agent%5Fid', 'x_api_key%00', '__proto__', 'constructor'),
        ),
        queryValue,
      )
      .map(([k, v]) => ({
        label: 'extra parameter',
        apply: (q: [string, string][]) => [...q, [k, v] as [string, string]],
      })),
    fc
      .tuple(fc.constantFrom(...PARAMS.slice(3)), queryValue)
      .map(([k, v]) => ({ label: `override ${k}`, apply: (q: [string, string][]) => [...q, [k, v] as [string, string]] })),
  );
  return fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.option(junkQuery, { nil: undefined })).map(([mutations, tail]) => {
    let q = base;
    for (const m of mutations) q = m.apply(q);
    const query = q.map(([k, v]) => `${k}=${v}`).join('&') + (tail ?? '');
    return { label: `query: ${mutations.map((m) => m.label).join(', ')}${tail ? `, junk ${tail}` : ''}`, query };
  });
}

/** Header values Node's HTTP client will send: tab, printable ASCII and latin-1. */
const headerValue = fc.oneof(
  fc.string({
    unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  }),
  fc.constantFrom('', ' ', 'null', 'v9', 'v3', 'V1', 'v2 ', 'sha256=', 'AAAA', '0', '-1', '9999999999999999', '1e12', String(Date.now())),
);

function headerSets(key: string): fc.Arbitrary<{ label: string; headers: Record<string, string>; dropQueryKey: boolean }> {
  return fc
    .record(
      {
        'content-type': fc.oneof(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json; charset=latin1',
            'application/xml',
            '*/*',
          ),
          headerValue,
        ),
        'x-api-key': fc.oneof(headerValue, fc.constant(key.toUpperCase()), fc.constant(`${key} `.repeat(3))),
        'x-hubspot-signature': headerValue,
        'x-hubspot-signature-version': headerValue,
        'x-hubspot-signature-v3': headerValue,
        'x-hubspot-request-timestamp': headerValue,
        'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-junk'),
        'x-forwarded-for': headerValue,
        host: fc.constantFrom('evil.example', 'localhost:1', '[::1]', 'a'.repeat(200)),
      },
      { requiredKeys: [] },
    )
    .chain((headers) =>
      fc.boolean().map((dropQueryKey) => ({
        label: `headers: ${Object.keys(headers).join(', ') || 'none'}${dropQueryKey ? ' (key only in header)' : ''}`,
        headers,
        dropQueryKey,
      })),
    );
}

// ---------------------------------------------------------------------------------------

describe('POST /call/crm-webhook under fuzzed input (embedded stack)', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;
  let baseQuery: [string, string][];
  let portalId: string;

  beforeAll(async () => {
    t = await startTestStack();
    ({ key, agentId } = await t.setup());
    portalId = t.hubspot.portalId;
    baseQuery = [
      ['agent_id', agentId],
      ['type', 'hubspot'],
      ['x_api_key', key],
    ];
  });
  afterAll(async () => {
    keepAlive.destroy();
    await t.stop();
  });

  const encodeQuery = (q: [string, string][]) => q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

  async function run(cases: FuzzCase[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const c of cases) {
      const reply = await post(t.stack.publicUrl, c);
      outcomes.push({ label: c.label, status: reply.status, problem: problemWith(reply) });
    }
    return outcomes;
  }

  /** Failing cases grouped by label so a report reads as a list of distinct problems. */
  function failures(outcomes: Outcome[]): string[] {
    const byLabel = new Map<string, string>();
    for (const o of outcomes) if (o.problem && !byLabel.has(o.label)) byLabel.set(o.label, `${o.label} -> ${o.problem}`);
    return [...byLabel.values()];
  }

  it('fuzzed bodies (160 requests): no 5xx, JSON replies, a message on every 4xx, nothing accepted', async () => {
    const cases = fc
      .sample(bodies(portalId), { seed: SEED, numRuns: 160 })
      .map(({ label, body }) => ({ label, body, query: encodeQuery(baseQuery), headers: { 'content-type': 'application/json' } }));
    const outcomes = await run(cases);
    expect(failures(outcomes)).toEqual([]);
    // The run exercised every verdict the webhook gives a body, not only one.
    expect([...new Set(outcomes.map((o) => o.status))]).toEqual(expect.arrayContaining([200, 400]));
    expect(outcomes.filter((o) => o.label.endsWith('MB body')).every((o) => o.status === 400)).toBe(true);
  });

  it('fuzzed queries (70 requests): missing, duplicated, garbage and over-long parameters', async () => {
    const body = utf8(JSON.stringify(creationBatch([7_000_001], portalId)));
    const cases = fc
      .sample(queries(baseQuery.map(([k, v]) => [k, encodeURIComponent(v)])), { seed: SEED + 1, numRuns: 70 })
      .map(({ label, query }) => ({ label, query, body, headers: { 'content-type': 'application/json' } }));
    const outcomes = await run(cases);
    expect(failures(outcomes)).toEqual([]);
    expect(new Set(outcomes.map((o) => o.status)).size).toBeGreaterThan(1);
  });

  it('fuzzed headers (45 requests): wrong content type, garbage x-api-key, bogus signature headers, odd host', async () => {
    const body = utf8(JSON.stringify(creationBatch([7_000_002], portalId)));
    const cases = fc.sample(headerSets(key), { seed: SEED + 2, numRuns: 45 }).map(({ label, headers, dropQueryKey }) => ({
      label,
      headers,
      body,
      query: encodeQuery(dropQueryKey ? baseQuery.filter(([k]) => k !== 'x_api_key') : baseQuery),
    }));
    const outcomes = await run(cases);
    expect(failures(outcomes)).toEqual([]);
    // Without x_api_key in the URL only a garbage header is left: never accepted as a key.
    for (const [i, c] of cases.entries()) if (!c.query.includes('x_api_key')) expect(outcomes[i]?.status).toBe(401);
  });

  it('bogus HubSpot signatures (25 requests) are refused with 401 when the portal has a client secret', async () => {
    const connect = (clientSecret?: string) =>
      t.admin('PUT', '/admin/integrations/hubspot', {
        accessToken: 'pat-na1-11111111-2222-3333-4444-555555555555',
        ...(clientSecret ? { clientSecret } : {}),
      });
    expect((await connect('fuzz-client-secret')).body.signatureVerification).toBe(true);
    try {
      const body = utf8(JSON.stringify(creationBatch([7_000_003], portalId)));
      const signatures = fc.record(
        {
          'x-hubspot-signature-v3': fc.oneof(headerValue, fc.base64String({ minLength: 44, maxLength: 44 })),
          'x-hubspot-request-timestamp': fc.oneof(
            headerValue,
            fc.integer({ min: -600_000, max: 600_000 }).map((skew) => String(Date.now() + skew)),
          ),
          'x-hubspot-signature': fc.oneof(headerValue, fc.stringMatching(/^[0-9a-f]{64}$/)),
          'x-hubspot-signature-version': fc.oneof(headerValue, fc.constantFrom('v1', 'v2', 'V2 ')),
        },
        { requiredKeys: [] },
      );
      const cases = fc.sample(signatures, { seed: SEED + 3, numRuns: 25 }).map((headers) => ({
        label: `signature headers: ${Object.keys(headers).join(', ') || 'none'}`,
        headers,
        body,
        query: encodeQuery(baseQuery),
      }));
      const outcomes = await run(cases);
      expect(failures(outcomes)).toEqual([]);
      expect(outcomes.map((o) => o.status)).toEqual(cases.map(() => 401));
    } finally {
      expect((await connect()).body.signatureVerification).toBe(false);
    }
  });

  it('stored nothing, and still takes a real delivery: 200 and exactly one stored call', async () => {
    expect((await t.admin('GET', '/admin/calls?limit=100')).body.items).toEqual([]);

    t.hubspot.contacts.set(KNOWN_CONTACT, { firstname: 'After', lastname: 'Fuzz', phone: '+1 415 555 0199', company: 'Fuzz Inc' });
    const reply = await post(t.stack.publicUrl, {
      label: 'valid',
      query: encodeQuery(baseQuery),
      headers: { 'content-type': 'application/json' },
      body: utf8(JSON.stringify(creationEvents([KNOWN_CONTACT], portalId))),
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    const calls = (await t.admin('GET', '/admin/calls?limit=100')).body.items as { contactId: string }[];
    expect(calls).toHaveLength(1);
    expect(calls[0]?.contactId).toBe(KNOWN_CONTACT);
  });
});
