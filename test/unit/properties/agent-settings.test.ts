// Properties of the agent's settings as the admin body carries them (callDefaults,
// variables), the merge with the webhook query, and phone normalisation: no input throws,
// an error names a parameter that exists and is really wrong, valid input reads back as sent.
import fc from 'fast-check';
import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import { parseAgentInput, type VoiceValidator } from '../../../functions/core/agent-input';
import {
  CALL_DEFAULT_KEYS,
  MAX_GAP_HOURS,
  MAX_RETRIES,
  SERVICE_DEFAULTS,
  parseCallDefaults,
  resolveCallSettings,
} from '../../../functions/core/call-settings';
import type { CallDefaults } from '../../../functions/core/model';
import { NO_PHONE_REASON, normalizePhone } from '../../../functions/core/phone';
import { MAX_VARIABLE_MAPPINGS, parseVariableMappings } from '../../../functions/core/variables';

const MAX_MESSAGE = 400;
const own = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const hhmm = fc
  .integer({ min: 0, max: 1439 })
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const gapList = fc.array(fc.oneof(fc.integer({ min: 1, max: MAX_GAP_HOURS }), fc.double({ min: 0.001, max: MAX_GAP_HOURS, noNaN: true })), {
  minLength: 1,
  maxLength: 10,
});

/** A valid callDefaults body: both window times or neither, never equal. */
const validDefaults: fc.Arbitrary<CallDefaults> = fc
  .record(
    {
      window: fc.tuple(hhmm, hhmm).filter(([a, b]) => a !== b),
      carry_over: fc.boolean(),
      num_of_retries: fc.integer({ min: 0, max: MAX_RETRIES }),
      gap_between_retries: gapList,
    },
    { requiredKeys: [] },
  )
  .map(({ window, ...rest }) => (window ? { min_trigger_time: window[0], max_trigger_time: window[1], ...rest } : rest));

const oddValue = fc.oneof(
  fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '24:00',
    '9:60',
    'true',
    '3',
    '2,4,6',
    '0',
    -1,
    0,
    11,
    1.5,
    169,
    Number.NaN,
    Infinity,
    [],
    [0],
    [1, -1],
    [[2]],
    Array(11).fill(1),
    null,
  ),
);

describe('parseCallDefaults (property)', () => {
  const inputs = fc.oneof(
    fc.anything({ withNullPrototype: true }),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...CALL_DEFAULT_KEYS, ...PROTOTYPE_KEYS), fc.string({ unit: 'grapheme', maxLength: 20 })),
      oddValue,
      { maxKeys: 6 },
    ),
    fc.dictionary(fc.constantFrom(...CALL_DEFAULT_KEYS), oddValue),
    fc.tuple(validDefaults, fc.constantFrom(...CALL_DEFAULT_KEYS), oddValue).map(([ok, key, bad]) => ({ ...ok, [key]: bad })),
  );

  it('answers a result for any input, naming a setting that exists and is wrong', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const result = parseCallDefaults(input);
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) return;
        const { parameter, message } = result.error;
        expect(message).toContain(parameter);
        expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        if (parameter === 'callDefaults') {
          expect(typeof input === 'object' && input !== null && !Array.isArray(input)).toBe(false);
          return;
        }
        expect(parameter.startsWith('callDefaults.')).toBe(true);
        const key = parameter.slice('callDefaults.'.length);
        const body = input as Record<string, unknown>;
        if (!(CALL_DEFAULT_KEYS as readonly string[]).includes(key)) {
          expect(Object.keys(body)).toContain(key); // an unknown setting that was actually sent
          return;
        }
        const absent = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
        const [min, max] = [own(body, 'min_trigger_time'), own(body, 'max_trigger_time')];
        if (/is required when/.test(message)) {
          // The partner time of the one that was given is named.
          expect(absent(min) !== absent(max)).toBe(true);
          expect(parameter).toBe(absent(min) ? 'callDefaults.min_trigger_time' : 'callDefaults.max_trigger_time');
          return;
        }
        if (/leaves no time/.test(message)) {
          expect(absent(min) || absent(max)).toBe(false);
          return;
        }
        // Any other error: that one value fails on its own.
        const alone = parseCallDefaults(
          key.endsWith('_trigger_time')
            ? { min_trigger_time: '01:00', max_trigger_time: '02:00', [key]: own(body, key) }
            : { [key]: own(body, key) },
        );
        expect(alone).toEqual({ ok: false, error: expect.objectContaining({ parameter }) });
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a valid body back exactly as sent', () => {
    fc.assert(
      fc.property(validDefaults, (body) => {
        expect(parseCallDefaults(body)).toEqual({ ok: true, value: body });
        expect(parseCallDefaults(JSON.parse(JSON.stringify(body)))).toEqual({ ok: true, value: body });
      }),
    );
  });

  it('wants JSON types in the admin body: a number or boolean sent as text is refused, naming it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: MAX_RETRIES }).map((n) => ['num_of_retries', String(n)] as const),
          fc.constantFrom(['carry_over', 'true'] as const, ['carry_over', 'false'] as const, ['carry_over', '1'] as const),
        ),
        ([key, value]) => {
          expect(parseCallDefaults({ [key]: value })).toEqual({
            ok: false,
            error: expect.objectContaining({ parameter: `callDefaults.${key}` }),
          });
        },
      ),
    );
  });
});

describe('resolveCallSettings (property)', () => {
  /** Any parsed-looking CallDefaults, window times independently present (the merge decides). */
  const partial: fc.Arbitrary<CallDefaults> = fc.record(
    {
      min_trigger_time: hhmm,
      max_trigger_time: hhmm,
      carry_over: fc.boolean(),
      num_of_retries: fc.integer({ min: 0, max: MAX_RETRIES }),
      gap_between_retries: fc.oneof(gapList, fc.constant([] as number[])),
    },
    { requiredKeys: [] },
  );

  it('query over agent over service, setting by setting (the window as a pair); a window needs both times, different', () => {
    fc.assert(
      fc.property(partial, fc.option(partial, { nil: undefined }), (query, agentDefaults) => {
        const agent = agentDefaults ?? {};
        const result = resolveCallSettings(query, agentDefaults);
        // The window is one setting: either end in the query replaces the agent's pair.
        const fromQuery = query.min_trigger_time !== undefined || query.max_trigger_time !== undefined;
        const min = fromQuery ? query.min_trigger_time : agent.min_trigger_time;
        const max = fromQuery ? query.max_trigger_time : agent.max_trigger_time;
        const windowOk = (min === undefined && max === undefined) || (min !== undefined && max !== undefined && min !== max);
        expect(result.ok).toBe(windowOk);
        if (!result.ok) {
          expect(['min_trigger_time', 'max_trigger_time']).toContain(result.error.parameter);
          expect(result.error.message).toContain(result.error.parameter);
          return;
        }
        const pick = <T>(list: (T[] | undefined)[]) => list.find((l) => l !== undefined && l.length > 0);
        expect(result.value).toEqual({
          carryOver: query.carry_over ?? agent.carry_over ?? SERVICE_DEFAULTS.carryOver,
          numOfRetries: query.num_of_retries ?? agent.num_of_retries ?? SERVICE_DEFAULTS.numOfRetries,
          gapHours: pick([query.gap_between_retries, agent.gap_between_retries, SERVICE_DEFAULTS.gapHours]),
          ...(min !== undefined && max !== undefined ? { window: { min, max } } : {}),
        });
        // The settings own their list: a later change to a call's settings touches no agent.
        expect(result.value.gapHours).not.toBe(query.gap_between_retries);
        expect(result.value.gapHours).not.toBe(agent.gap_between_retries);
        expect(result.value.gapHours).not.toBe(SERVICE_DEFAULTS.gapHours);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseVariableMappings (property)', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/);
  const field = fc.stringMatching(/^[a-z0-9_]{1,100}$/);
  const validList = fc.uniqueArray(fc.record({ name, field, source: fc.constantFrom('hubspot', undefined) }), {
    maxLength: MAX_VARIABLE_MAPPINGS,
    selector: (m) => m.name,
  });

  it('reads a valid list back, the source filled in as "hubspot"', () => {
    fc.assert(
      fc.property(validList, (list) => {
        const sent = list.map(({ source, ...rest }) => (source ? { ...rest, source } : rest));
        expect(parseVariableMappings(JSON.parse(JSON.stringify(sent)))).toEqual({
          ok: true,
          value: list.map((m) => ({ name: m.name, source: 'hubspot', field: m.field })),
        });
      }),
    );
  });

  const badItem = fc.oneof(
    fc.anything(),
    fc.record(
      { name: fc.oneof(name, oddValue), field: fc.oneof(field, oddValue), source: fc.oneof(fc.constant('hubspot'), oddValue) },
      { requiredKeys: [] },
    ),
    fc.record({
      name: fc.string({ unit: 'grapheme', maxLength: 70 }),
      field: fc.constantFrom('First name', 'FirstName', 'first-name', '', 'x'.repeat(101), 'firstname'),
    }),
  );

  it('names the first wrong item and field, which really is wrong (or a repeated name)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.array(
            fc.oneof(
              validList.chain((l) => fc.constantFrom(...(l.length ? l : [{ name: 'a', field: 'a' }]))),
              badItem,
            ),
            { maxLength: 60 },
          ),
        ),
        (input) => {
          const result = parseVariableMappings(input);
          if (result.ok) return;
          const { parameter, message } = result.error;
          expect(message.startsWith(parameter)).toBe(true);
          expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE);
          const at = /^variables(?:\[(\d+)\](?:\.(name|source|field))?)?$/.exec(parameter);
          expect(at).not.toBeNull();
          if (!at?.[1]) {
            expect(!Array.isArray(input) || input.length > MAX_VARIABLE_MAPPINGS).toBe(true);
            return;
          }
          const list = input as unknown[];
          const index = Number(at[1]);
          expect(index).toBeLessThan(list.length);
          // Every item before the blamed one is fine on its own.
          for (const item of list.slice(0, index)) expect(parseVariableMappings([item]).ok).toBe(true);
          if (/mapped twice/.test(message)) {
            const repeated = (list[index] as { name: string }).name;
            expect(list.slice(0, index).some((item) => (item as { name?: unknown }).name === repeated)).toBe(true);
          } else {
            expect(parseVariableMappings([list[index]])).toEqual({
              ok: false,
              error: expect.objectContaining({ parameter: parameter.replace(/^variables\[\d+\]/, 'variables[0]') }),
            });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('normalizePhone (property)', () => {
  const countries = getCountries().filter((c) => getExampleNumber(c, examples)?.isValid());
  const example = fc.constantFrom(...countries).map((country) => {
    const number = getExampleNumber(country, examples);
    if (!number) throw new Error(`no example for ${country}`);
    return { country, e164: number.number as string, international: number.formatInternational(), national: number.formatNational() };
  });
  const anyCountry = fc.option(
    fc.oneof(
      fc.constantFrom(...countries),
      fc.constantFrom(...countries).map((c) => ` ${c.toLowerCase()} `),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom(...PROTOTYPE_KEYS),
    ),
    { nil: undefined },
  );

  it('an E.164 number normalises to itself, whatever the default country', () => {
    fc.assert(
      fc.property(example, anyCountry, ({ e164 }, country) => {
        expect(normalizePhone(e164, country)).toEqual({ ok: true, e164 });
        expect(normalizePhone(` ${e164}\t`, country)).toEqual({ ok: true, e164 });
      }),
      { numRuns: 500 },
    );
  });

  it('international spellings (formatted, 00 prefix, odd separators) and the national spelling with its country all give the same E.164', () => {
    const separated = (digits: string) =>
      fc.array(fc.constantFrom('', '', ' ', '-', '.', ' '), { minLength: digits.length, maxLength: digits.length }).map((seps) =>
        [...digits]
          .map((d, i) => `${d}${seps[i]}`)
          .join('')
          .trim(),
      );
    fc.assert(
      fc.property(
        example.chain((ex) =>
          fc.record({ ex: fc.constant(ex), spaced: separated(ex.e164.slice(1)), zeroZero: fc.constantFrom('00', '00 ') }),
        ),
        ({ ex, spaced, zeroZero }) => {
          expect(normalizePhone(ex.international)).toEqual({ ok: true, e164: ex.e164 });
          expect(normalizePhone(`+${spaced}`)).toEqual({ ok: true, e164: ex.e164 });
          expect(normalizePhone(`${zeroZero}${ex.e164.slice(1)}`, 'US')).toEqual({ ok: true, e164: ex.e164 });
          expect(normalizePhone(ex.national, ex.country)).toEqual({ ok: true, e164: ex.e164 });
          expect(normalizePhone(ex.national, ex.country.toLowerCase())).toEqual({ ok: true, e164: ex.e164 });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws; a refusal has a short reason that never repeats a long input whole; success is E.164 and stable', () => {
    fc.assert(
      fc.property(
        fc.option(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc.string({ unit: 'grapheme', minLength: 41, maxLength: 400 }),
            fc.stringMatching(/^[+0(]?[0-9 ()./-]{0,30}$/),
          ),
          { nil: undefined },
        ),
        anyCountry,
        (raw, country) => {
          const result = normalizePhone(raw, country);
          if (result.ok) {
            expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
            expect(normalizePhone(result.e164, country)).toEqual(result);
            return;
          }
          expect(result.reason.length).toBeLessThanOrEqual(MAX_MESSAGE);
          const trimmed = (raw ?? '').trim();
          if (trimmed === '') expect(result.reason).toBe(NO_PHONE_REASON);
          if (trimmed.length > 40) expect(result.reason).not.toContain(trimmed);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// The admin body may carry any country text: one that is not a country is named, never thrown on.
describe('normalizePhone default country (property)', () => {
  it('a national number with a country that is not supported is refused naming the country', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z]{1,4}$/).filter((c) => !getCountries().includes(c.toUpperCase() as CountryCode)),
        (country) => {
          expect(normalizePhone('0151 23456789', country)).toEqual({
            ok: false,
            reason: expect.stringContaining(`"${country.toUpperCase()}" is not a supported country code`),
          });
        },
      ),
    );
  });
});

// JSON.parse accepts nesting far deeper than JSON.stringify can walk back: a value quoted in
// a message must be quoted without recursion, or the admin API answers 500 to a bad body.
describe('parseAgentInput (property)', () => {
  const voiceOk: VoiceValidator = () => ({ ok: true, value: { provider: 'simulator' } });
  it('answers a result, never a throw, for deeply nested values in any field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('name', 'timezone', 'defaultCountry', 'variables', 'callDefaults', 'writeBackToHubSpot'),
        fc.integer({ min: 2, max: 50_000 }),
        (field, depth) => {
          const body = JSON.parse(
            `{"name":"Sales","timezone":"UTC","voice":{"provider":"simulator"},"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`,
          ) as Record<string, unknown>;
          const result = parseAgentInput(body, voiceOk);
          expect(result).toEqual({ ok: false, error: expect.objectContaining({ parameter: expect.stringContaining(field) }) });
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });
});
