import fc from 'fast-check';
import { contactPhone, hubspotPropertiesToRead, mapVariables, parseVariableMappings } from '../../functions/core/variables';
import type { VariableMapping } from '../../functions/core/model';

const mappings: VariableMapping[] = [
  { name: 'first_name', source: 'hubspot', field: 'firstname' },
  { name: 'company', source: 'hubspot', field: 'company' },
  { name: 'plan', source: 'hubspot', field: 'plan_tier' },
];

describe('hubspotPropertiesToRead', () => {
  it('reads the mapped fields plus phone, mobilephone, firstname and lastname, deduped and sorted', () => {
    expect(hubspotPropertiesToRead(mappings)).toEqual(['company', 'firstname', 'lastname', 'mobilephone', 'phone', 'plan_tier']);
    expect(hubspotPropertiesToRead([])).toEqual(['firstname', 'lastname', 'mobilephone', 'phone']);
  });
});

describe('mapVariables', () => {
  it('fills each variable from its field, trimmed', () => {
    expect(mapVariables(mappings, { firstname: ' Ada ', company: 'Analytical Engines', plan_tier: 'gold' })).toEqual({
      variables: { first_name: 'Ada', company: 'Analytical Engines', plan: 'gold' },
      missing: [],
    });
  });

  it('lists variables whose field is empty, blank, null or absent instead of failing', () => {
    expect(mapVariables(mappings, { firstname: 'Ada', company: '   ', plan_tier: null })).toEqual({
      variables: { first_name: 'Ada' },
      missing: ['company', 'plan'],
    });
    expect(mapVariables(mappings, {})).toEqual({ variables: {}, missing: ['first_name', 'company', 'plan'] });
  });

  it('maps one field to several variables', () => {
    const two: VariableMapping[] = [
      { name: 'a', source: 'hubspot', field: 'firstname' },
      { name: 'b', source: 'hubspot', field: 'firstname' },
    ];
    expect(mapVariables(two, { firstname: 'Ada' }).variables).toEqual({ a: 'Ada', b: 'Ada' });
  });

  it('never reads inherited object members as fields', () => {
    expect(mapVariables([{ name: 'x', source: 'hubspot', field: 'constructor' }], {})).toEqual({ variables: {}, missing: ['x'] });
  });
});

describe('contactPhone', () => {
  it('prefers phone, then mobilephone, trimmed', () => {
    expect(contactPhone({ phone: ' +1 415 555 2671 ', mobilephone: '+49 30 1234567' })).toBe('+1 415 555 2671');
    expect(contactPhone({ phone: '  ', mobilephone: '+49 30 1234567' })).toBe('+49 30 1234567');
    expect(contactPhone({ phone: null, mobilephone: '+49 30 1234567' })).toBe('+49 30 1234567');
  });

  it('is undefined when neither has a number', () => {
    expect(contactPhone({ phone: null, mobilephone: '' })).toBeUndefined();
    expect(contactPhone({})).toBeUndefined();
  });
});

describe('parseVariableMappings', () => {
  it("accepts the guide's mappings", () => {
    const input = [
      { name: 'firstname', source: 'hubspot', field: 'firstname' },
      { name: 'phone', source: 'hubspot', field: 'phone' },
    ];
    expect(parseVariableMappings(input)).toEqual({ ok: true, value: input });
    expect(parseVariableMappings([])).toEqual({ ok: true, value: [] });
  });

  it('takes a missing source as hubspot and drops extra keys', () => {
    expect(parseVariableMappings([{ name: 'x', field: 'company', note: 'hi' }])).toEqual({
      ok: true,
      value: [{ name: 'x', source: 'hubspot', field: 'company' }],
    });
  });

  it('asks for the internal property name, not the label', () => {
    expect(parseVariableMappings([{ name: 'first', source: 'hubspot', field: 'First name' }])).toEqual({
      ok: false,
      error: { parameter: 'variables[0].field', message: expect.stringContaining('e.g. "firstname" not "First name"') },
    });
    expect(parseVariableMappings([{ name: 'first', source: 'hubspot', field: 'FirstName' }]).ok).toBe(false);
    expect(parseVariableMappings([{ name: 'first', source: 'hubspot', field: 'a'.repeat(101) }]).ok).toBe(false);
  });

  it('rejects other sources, naming them', () => {
    expect(parseVariableMappings([{ name: 'x', source: 'salesforce', field: 'firstname' }])).toEqual({
      ok: false,
      error: {
        parameter: 'variables[0].source',
        message: 'variables[0].source "salesforce" is not supported; the only variable source is "hubspot"',
      },
    });
  });

  it.each([['1abc'], ['has space'], ['a-b'], [''], ['x'.repeat(65)], [42]])('rejects the variable name %j', (name) => {
    const result = parseVariableMappings([{ name, source: 'hubspot', field: 'firstname' }]);
    expect(result).toEqual({ ok: false, error: { parameter: 'variables[0].name', message: expect.stringContaining('variable name') } });
  });

  it('accepts names up to 64 characters starting with a letter or _', () => {
    expect(parseVariableMappings([{ name: `_${'x'.repeat(63)}`, source: 'hubspot', field: 'firstname' }]).ok).toBe(true);
  });

  it('rejects a variable mapped twice', () => {
    const result = parseVariableMappings([
      { name: 'first', source: 'hubspot', field: 'firstname' },
      { name: 'first', source: 'hubspot', field: 'lastname' },
    ]);
    expect(result).toEqual({
      ok: false,
      error: { parameter: 'variables[1].name', message: expect.stringContaining('"first" is mapped twice') },
    });
  });

  it('never throws on odd input', () => {
    for (const input of [null, undefined, 'firstname', 3, {}, [null], [[]], [['name', 'x']], [{ name: { a: 1 } }]]) {
      const result = parseVariableMappings(input);
      expect(result.ok).toBe(false);
    }
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = parseVariableMappings(input);
        if (!result.ok) expect(result.error.message.startsWith(result.error.parameter)).toBe(true);
      }),
    );
  });
});
