// Properties of what the webhook reads from the outside world: the query string and the
// body. Whatever arrives, the parsers answer a result (never a throw), an error names a
// parameter that exists and is really wrong, and every valid input reads back as written.
import fc from 'fast-check';
import { MAX_EVENTS_PER_DELIVERY, parseHubSpotDelivery } from '../../../functions/core/hubspot-events';
import { parseWebhookQuery } from '../../../functions/core/webhook-query';

// The documented parameters, in the order the schema checks them.
const PARAMS: readonly string[] = [
  'agent_id',
  'type',
  'x_api_key',
  'min_trigger_time',
  'max_trigger_time',
  'carry_over',
  'num_of_retries',
  'gap_between_retries',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const VALID_BASE = { agent_id: 'agt_1', type: 'hubspot' };
/** Long enough for any message hubdial writes, short enough that no input is echoed whole. */
const MAX_MESSAGE = 400;

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 200, maxLength: 2000 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\u00A0',
    '%zz',
    '24:00',
    '9:60',
    '-1',
    '1e3',
    'NaN',
    'Infinity',
    '0x10',
    '2,,4',
    ',',
    'true ',
    'TRUE',
    'yes',
  ),
);

const own = (q: unknown, key: string): unknown =>
  typeof q === 'object' && q !== null && Object.hasOwn(q, key) ? (q as Record<string, unknown>)[key] : undefined;

const anyQuery = fc.oneof(
  fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withSparseArray: true }),
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), text),
  fc.dictionary(fc.constantFrom(...PARAMS, ...PROTOTYPE_KEYS), text),
  fc.dictionary(fc.constantFrom(...PARAMS), fc.oneof(text, fc.anything())),
  fc
    .record({ agent_id: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), type: fc.constant('hubspot') })
    .chain((base) => fc.dictionary(fc.constantFrom(...PARAMS.slice(2)), text).map((rest) => ({ ...base, ...rest }))),
);

describe('parseWebhookQuery (property)', () => {
  it('answers a result for any input, naming a documented parameter that is wrong on its own, with every earlier parameter fine', () => {
    fc.assert(
      fc.property(anyQuery, (query) => {
        const result = parseWebhookQuery(query as Record<string, string | undefined>);
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) return;
        const { parameter, message } = result.error;
        expect(PARAMS).toContain(parameter);
        expect(message).toContain(parameter);
        expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        // The blamed value fails alone, beside a valid agent_id and type...
        const alone = parseWebhookQuery({ ...VALID_BASE, [parameter]: own(query, parameter) } as Record<string, string>);
        expect(alone).toEqual({ ok: false, error: expect.objectContaining({ parameter }) });
        // ...and every parameter checked before it passes alone.
        for (const earlier of PARAMS.slice(0, PARAMS.indexOf(parameter))) {
          if (earlier === 'agent_id' || earlier === 'type') continue;
          expect(parseWebhookQuery({ ...VALID_BASE, [earlier]: own(query, earlier) } as Record<string, string>).ok).toBe(true);
        }
        if (PARAMS.indexOf(parameter) > 0)
          expect(parseWebhookQuery({ ...VALID_BASE, agent_id: own(query, 'agent_id') } as Record<string, string>).ok).toBe(true);
        if (PARAMS.indexOf(parameter) > 1)
          expect(parseWebhookQuery({ ...VALID_BASE, type: own(query, 'type') } as Record<string, string>).ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never echoes x_api_key in any error, however malformed the query', () => {
    const key = fc.stringMatching(/^[A-Za-z0-9]{12,400}$/).map((k) => `sk_${k}`);
    fc.assert(
      fc.property(key, fc.dictionary(fc.constantFrom(...PARAMS.filter((p) => p !== 'x_api_key')), text), (apiKey, rest) => {
        const result = parseWebhookQuery({ ...rest, x_api_key: apiKey });
        if (!result.ok) expect(result.error.message).not.toContain(apiKey.slice(0, 12));
      }),
    );
  });

  // Valid values, each with the text an operator might type and the value it must read as.
  const pad = fc.constantFrom('', ' ', '  ', '\t');
  const padded = (arb: fc.Arbitrary<string>) => fc.tuple(pad, arb, pad).map(([a, s, b]) => `${a}${s}${b}`);
  const minuteOfDay = fc.integer({ min: 0, max: 1439 });
  const clock = minuteOfDay.chain((m) => {
    const hh = String(Math.floor(m / 60)).padStart(2, '0');
    const mm = String(m % 60).padStart(2, '0');
    const forms = [`${hh}:${mm}`, `${Math.floor(m / 60)}:${mm}`];
    return fc.record({ typed: padded(fc.constantFrom(...forms)), value: fc.constant(`${hh}:${mm}`) });
  });
  const carry = fc
    .constantFrom(['true', true], ['false', false], ['1', true], ['0', false])
    .chain(([word, value]) =>
      fc.record({ typed: padded(fc.mixedCase(fc.constant(word as string))), value: fc.constant(value as boolean) }),
    );
  const retries = fc.integer({ min: 0, max: 10 }).chain((n) =>
    fc.record({
      typed: padded(fc.constantFrom(String(n), String(n).padStart(2, '0'), String(n).padStart(3, '0'))),
      value: fc.constant(n),
    }),
  );
  const hours = fc.oneof(
    fc.integer({ min: 1, max: 168 }),
    fc.integer({ min: 1, max: 672 }).map((q) => q / 4),
    fc.integer({ min: 1, max: 99 }).map((c) => c / 100),
  );
  const hoursText = (h: number) => fc.constantFrom(String(h), h.toFixed(3), h < 1 ? String(h).replace(/^0/, '') : String(h));
  const gaps = fc.array(hours, { minLength: 1, maxLength: 10 }).chain((list) =>
    fc.record({
      typed: fc.tuple(...list.map(hoursText)).chain((parts) => fc.constantFrom(',', ', ', ' ,').map((sep) => parts.join(sep))),
      value: fc.constant(list),
    }),
  );

  const validQuery = fc.record(
    {
      agent_id: fc
        .stringMatching(/^[A-Za-z0-9_-]{1,128}$/)
        .chain((id) => fc.record({ typed: padded(fc.constant(id)), value: fc.constant(id) })),
      type: fc.record({ typed: padded(fc.mixedCase(fc.constant('hubspot'))), value: fc.constant('hubspot') }),
      x_api_key: fc
        .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 256 })
        .filter((k) => k.trim() === k)
        .chain((k) => fc.record({ typed: padded(fc.constant(k)), value: fc.constant(k) })),
      min_trigger_time: clock,
      max_trigger_time: clock,
      carry_over: carry,
      num_of_retries: retries,
      gap_between_retries: gaps,
    },
    { requiredKeys: ['agent_id', 'type'] },
  );

  it('reads every valid query back as typed: HH:MM to itself, H:MM padded, lists and numbers as numbers', () => {
    fc.assert(
      fc.property(
        validQuery,
        fc.dictionary(
          fc.string({ maxLength: 12 }).filter((k) => !PARAMS.includes(k)),
          text,
        ),
        (q, unknown) => {
          const typed = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.typed]));
          const result = parseWebhookQuery(typed);
          if (!result.ok) throw new Error(`${JSON.stringify(typed)} -> ${JSON.stringify(result.error)}`);
          const overrides = Object.fromEntries(
            Object.entries(q)
              .filter(([k]) => !['agent_id', 'type', 'x_api_key'].includes(k))
              .map(([k, v]) => [k, v.value]),
          );
          expect(result.value).toEqual({
            agentId: q.agent_id.value,
            type: 'hubspot',
            overrides,
            ...(q.x_api_key ? { apiKey: q.x_api_key.value } : {}),
          });
          // Parameters hubdial does not know (utm_*, HubSpot's own) never change the result.
          expect(parseWebhookQuery({ ...unknown, ...typed })).toEqual(result);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads any 2-digit HH:MM back as exactly itself, and refuses hours past 23 or minutes past 59', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (h, m) => {
        const typed = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const result = parseWebhookQuery({ ...VALID_BASE, min_trigger_time: typed });
        if (h <= 23 && m <= 59)
          expect(result).toEqual({ ok: true, value: expect.objectContaining({ overrides: { min_trigger_time: typed } }) });
        else expect(result).toEqual({ ok: false, error: expect.objectContaining({ parameter: 'min_trigger_time' }) });
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------

const MAX_REASON = 250;

/** A HubSpot id as it may arrive (number, digit string, zero-padded, space-padded) and as it must read. */
const recordIdForms = fc
  .oneof(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: 1n, max: 10n ** 20n - 1n }))
  .chain((n) => {
    const canonical = String(n);
    const forms: fc.Arbitrary<unknown>[] = [fc.constant(canonical), padded2(canonical)];
    if (canonical.length < 20) forms.push(fc.integer({ min: 1, max: 20 - canonical.length }).map((z) => `${'0'.repeat(z)}${canonical}`));
    if (typeof n === 'number') forms.push(fc.constant(n));
    return fc.record({ raw: fc.oneof(...forms), canonical: fc.constant(canonical) });
  });
function padded2(s: string) {
  return fc.tuple(fc.constantFrom('', ' ', '\t'), fc.constantFrom('', ' ', '\n')).map(([a, b]) => `${a}${s}${b}`);
}

const validEvent = fc
  .record({
    id: recordIdForms,
    type: fc.constantFrom({ subscriptionType: 'contact.creation' }, { subscriptionType: 'object.creation', objectTypeId: '0-1' }),
    portal: fc.option(recordIdForms, { nil: undefined }),
    extra: fc.dictionary(
      fc.constantFrom('eventId', 'occurredAt', 'appId', 'attemptNumber', 'changeSource', 'propertyName'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  })
  .map(({ id, type, portal, extra }) => ({
    item: { ...extra, ...type, objectId: id.raw, ...(portal ? { portalId: portal.raw } : {}) } as Record<string, unknown>,
    objectId: id.canonical,
    portalId: portal?.canonical,
  }));

/** Values that are not a HubSpot record id. */
const badId = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    '0',
    '000',
    '12a',
    '1e5',
    '-3',
    '+4',
    '0x1F',
    '１２３',
    '1'.repeat(21),
    true,
    false,
    [],
    {},
    [1],
    { value: 1 },
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/^\s*\d{1,20}\s*$/.test(s)),
  // Infinity would reach the body as null (JSON), which is "no portal id", not a bad one.
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isSafeInteger(d) || d <= 0),
);

const junkEvent = fc.oneof(
  fc.anything().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  fc.record({ objectId: fc.integer({ min: 1 }) }), // no subscriptionType
  fc.record({
    // contact.deletion is a lifecycle event now (parsed into `lifecycle`); a restore needs no action.
    subscriptionType: fc.constantFrom('contact.restore', 'contact.propertyChange', 'deal.creation', 'object.creation', ''),
    objectId: fc.integer({ min: 1 }),
    objectTypeId: fc.constantFrom('0-2', '0-3', undefined),
  }),
  fc.record({ subscriptionType: fc.constant('contact.creation'), objectId: badId }),
  fc.record({
    subscriptionType: fc.constant('contact.creation'),
    objectId: fc.integer({ min: 1 }),
    portalId: badId.filter((v) => v !== '' && v !== undefined),
  }),
);

const mixedBatch = fc.array(
  fc.oneof(
    validEvent.map((v) => ({ ...v, valid: true as const })),
    junkEvent.map((item) => ({ item, valid: false as const })),
  ),
  { minLength: 1, maxLength: MAX_EVENTS_PER_DELIVERY },
);

/** `inner` wrapped in `depth` arrays or objects, built as text so no recursion runs here. */
function nested(depth: number, inner: string, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

describe('parseHubSpotDelivery (property)', () => {
  it('splits any batch of up to 100 into events and rejections, one each per item, in order, with canonical ids', () => {
    fc.assert(
      fc.property(mixedBatch, (batch) => {
        const result = parseHubSpotDelivery(JSON.stringify(batch.map((b) => b.item)));
        if (!result.ok) throw new Error(result.message);
        const { events, rejected, source } = result.value;
        expect(source).toBe('subscription');
        expect(events.length + rejected.length).toBe(batch.length);
        const valid = batch.filter((b) => b.valid);
        expect(events.map((e) => e.objectId)).toEqual(valid.map((b) => b.objectId));
        expect(events.map((e) => e.portalId)).toEqual(valid.map((b) => b.portalId));
        for (const e of events) expect(e.objectId).toMatch(/^[1-9]\d{0,19}$/);
        for (const r of rejected) {
          expect(typeof r.objectId).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
          expect(r.reason.length).toBeLessThanOrEqual(MAX_REASON);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads one event object posted without its array exactly as a batch of one', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          validEvent.map((v) => v.item),
          junkEvent.filter(
            (j) =>
              typeof j === 'object' &&
              j !== null &&
              !Array.isArray(j) &&
              typeof (j as Record<string, unknown>).subscriptionType === 'string',
          ),
        ),
        (event) => {
          expect(parseHubSpotDelivery(JSON.stringify(event))).toEqual(parseHubSpotDelivery(JSON.stringify([event])));
        },
      ),
    );
  });

  it('refuses more than 100 events, saying how many came', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_EVENTS_PER_DELIVERY + 1, max: 2000 }), validEvent, (n, event) => {
        const result = parseHubSpotDelivery(JSON.stringify(Array.from({ length: n }, () => event.item)));
        expect(result).toEqual({ ok: false, message: expect.stringContaining(`${n} events`) });
      }),
      { numRuns: 30 },
    );
  });

  it('reads a workflow record id from any of its documented places', () => {
    fc.assert(
      fc.property(
        recordIdForms,
        fc.constantFrom('objectId', 'hs_object_id', 'properties.hs_object_id', 'vid', 'properties.hs_object_id.value'),
        fc.option(recordIdForms, { nil: undefined }),
        (id, place, portal) => {
          const body: Record<string, unknown> =
            place === 'properties.hs_object_id'
              ? { properties: { hs_object_id: id.raw } }
              : place === 'properties.hs_object_id.value'
                ? { properties: { hs_object_id: { value: id.raw, versions: [] } } }
                : { [place]: id.raw };
          if (portal) body.portalId = portal.raw;
          const result = parseHubSpotDelivery(JSON.stringify(body));
          expect(result).toEqual({
            ok: true,
            value: {
              events: [{ objectId: id.canonical, subscriptionType: 'workflow', ...(portal ? { portalId: portal.canonical } : {}) }],
              rejected: [],
              source: 'workflow',
            },
          });
        },
      ),
    );
  });

  it('answers a short message, never a throw, for any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 3000 }),
          fc.string({ unit: 'grapheme' }),
          fc.json({ maxDepth: 6 }),
          fc.anything().map((v) => JSON.stringify(v) ?? ''),
          mixedBatch
            .map((b) => JSON.stringify(b.map((x) => x.item)))
            .chain((json) => fc.nat({ max: json.length }).map((cut) => json.slice(0, cut))),
          fc
            .string({ minLength: 5000, maxLength: 20000 })
            .map((s) => JSON.stringify([{ subscriptionType: s, objectId: s, portalId: s, eventId: s }])),
        ),
        (raw) => {
          const result = parseHubSpotDelivery(raw);
          if (!result.ok) {
            expect(result.message.length).toBeGreaterThan(0);
            expect(result.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
          } else {
            for (const r of result.value.rejected) expect(r.reason.length).toBeLessThanOrEqual(MAX_REASON);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  // JSON.parse takes nesting hundreds of thousands deep; anything recursive over the parsed
  // value (JSON.stringify, String) overflows the stack at a few thousand.
  it('answers a result, never a throw, for deeply nested values in any field', () => {
    const placements: ((deep: string) => string)[] = [
      (deep) => deep,
      (deep) => `[{"subscriptionType":"contact.creation","objectId":${deep}}]`,
      (deep) => `[{"subscriptionType":"contact.creation","objectId":1,"portalId":${deep}}]`,
      (deep) => `[{"subscriptionType":"object.creation","objectTypeId":${deep},"objectId":1}]`,
      (deep) => `[{"subscriptionType":"contact.creation","objectId":1,"eventId":${deep},"occurredAt":${deep}}]`,
      (deep) => `{"objectId":${deep}}`,
      (deep) => `{"objectId":1,"portalId":${deep}}`,
      (deep) => `{"properties":{"hs_object_id":${deep}}}`,
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom('array' as const, 'object' as const),
        fc.constantFrom('1', '"x"', 'null', '[]'),
        fc.nat({ max: placements.length - 1 }),
        (depth, shape, inner, where) => {
          const body = (placements[where] as (deep: string) => string)(nested(depth, inner, shape));
          const result = parseHubSpotDelivery(body);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});
