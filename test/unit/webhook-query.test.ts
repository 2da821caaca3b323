import fc from 'fast-check';
import { parseWebhookQuery } from '../../functions/core/webhook-query';

const base = { agent_id: 'agt_abc-123', type: 'hubspot', x_api_key: 'hd_secret' };

function ok(query: Record<string, string | undefined>) {
  const result = parseWebhookQuery(query);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function err(query: Record<string, string | undefined>) {
  const result = parseWebhookQuery(query);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseWebhookQuery', () => {
  it('parses the documented URL with every override', () => {
    expect(
      ok({
        ...base,
        min_trigger_time: '09:00',
        max_trigger_time: '18:00',
        carry_over: 'true',
        num_of_retries: '3',
        gap_between_retries: '2,4,6',
      }),
    ).toEqual({
      agentId: 'agt_abc-123',
      type: 'hubspot',
      apiKey: 'hd_secret',
      overrides: {
        min_trigger_time: '09:00',
        max_trigger_time: '18:00',
        carry_over: true,
        num_of_retries: 3,
        gap_between_retries: [2, 4, 6],
      },
    });
  });

  it('needs only agent_id and type; overrides absent means empty', () => {
    expect(ok({ agent_id: 'agt_1', type: 'hubspot' })).toEqual({ agentId: 'agt_1', type: 'hubspot', overrides: {} });
  });

  it('ignores unknown parameters', () => {
    expect(ok({ ...base, utm_source: 'hubspot', portalId: 'x' }).agentId).toBe('agt_abc-123');
  });

  it('treats an empty optional parameter as not given', () => {
    expect(ok({ ...base, min_trigger_time: '', x_api_key: '' })).toEqual({ agentId: 'agt_abc-123', type: 'hubspot', overrides: {} });
  });

  describe('agent_id', () => {
    it('is required', () => {
      expect(err({ type: 'hubspot' })).toEqual({ parameter: 'agent_id', message: expect.stringMatching(/^agent_id is required/) });
      expect(err({ agent_id: '', type: 'hubspot' }).parameter).toBe('agent_id');
    });

    it('allows letters, digits, _ and - up to 128 characters', () => {
      expect(ok({ ...base, agent_id: 'a'.repeat(128) }).agentId).toHaveLength(128);
      expect(err({ ...base, agent_id: 'a'.repeat(129) }).parameter).toBe('agent_id');
      const bad = err({ ...base, agent_id: 'agt/../x' });
      expect(bad).toEqual({ parameter: 'agent_id', message: expect.stringContaining('letters, digits') });
    });
  });

  describe('type', () => {
    it('is required and names the supported types', () => {
      expect(err({ agent_id: 'agt_1' })).toEqual({ parameter: 'type', message: expect.stringContaining('hubspot') });
    });

    it('rejects other CRMs, naming what is supported', () => {
      const e = err({ ...base, type: 'salesforce' });
      expect(e.parameter).toBe('type');
      expect(e.message).toBe('type "salesforce" is not supported (supported types: hubspot)');
    });

    it('accepts any letter case', () => {
      expect(ok({ ...base, type: 'HubSpot' }).type).toBe('hubspot');
    });
  });

  it('keeps x_api_key optional (the handler also reads the X-API-KEY header) and never echoes a bad one', () => {
    expect(ok({ agent_id: 'a', type: 'hubspot' }).apiKey).toBeUndefined();
    const e = err({ ...base, x_api_key: `secret${'x'.repeat(300)}` });
    expect(e.parameter).toBe('x_api_key');
    expect(e.message).not.toContain('secret');
  });

  describe('min_trigger_time / max_trigger_time', () => {
    it('normalises "9:00" to "09:00"', () => {
      expect(ok({ ...base, min_trigger_time: '9:00', max_trigger_time: '18:00' }).overrides.min_trigger_time).toBe('09:00');
    });

    it.each(['25:99', '24:00', '9', '09:60', 'noon', '9am'])('rejects %j naming the parameter and the format', (value) => {
      expect(err({ ...base, min_trigger_time: value })).toEqual({
        parameter: 'min_trigger_time',
        message: `min_trigger_time must be HH:MM (24-hour), got ${JSON.stringify(value)}`,
      });
      expect(err({ ...base, max_trigger_time: value }).parameter).toBe('max_trigger_time');
    });

    it('leaves the both-or-neither rule to resolveCallSettings (agent defaults may supply the other)', () => {
      expect(ok({ ...base, min_trigger_time: '09:00' }).overrides).toEqual({ min_trigger_time: '09:00' });
    });
  });

  describe('carry_over', () => {
    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['False', false],
      ['0', false],
    ])('reads %j as %s', (value, expected) => {
      expect(ok({ ...base, carry_over: value }).overrides.carry_over).toBe(expected);
    });

    it('rejects anything else', () => {
      expect(err({ ...base, carry_over: 'yes' })).toEqual({
        parameter: 'carry_over',
        message: 'carry_over must be true or false (or 1 / 0), got "yes"',
      });
    });
  });

  describe('num_of_retries', () => {
    it.each([
      ['0', 0],
      ['3', 3],
      ['10', 10],
    ])('reads %j', (value, expected) => {
      expect(ok({ ...base, num_of_retries: value }).overrides.num_of_retries).toBe(expected);
    });

    it.each(['11', '-1', '2.5', 'three', '1e1', '0x3'])('rejects %j', (value) => {
      expect(err({ ...base, num_of_retries: value })).toEqual({
        parameter: 'num_of_retries',
        message: `num_of_retries must be a whole number from 0 to 10, got ${JSON.stringify(value)}`,
      });
    });
  });

  describe('gap_between_retries', () => {
    it.each([
      ['2,4,6', [2, 4, 6]],
      ['0.5,2', [0.5, 2]],
      [' 1 , 2 ', [1, 2]],
      ['168', [168]],
      ['1,1,1,1,1,1,1,1,1,1', Array(10).fill(1)],
    ])('reads %j', (value, expected) => {
      expect(ok({ ...base, gap_between_retries: value }).overrides.gap_between_retries).toEqual(expected);
    });

    it.each(['0', '2,0', '169', '-1', '2,,4', '2,4,', 'two', '2;4', 'Infinity', '1e2', 'NaN'])('rejects %j', (value) => {
      const e = err({ ...base, gap_between_retries: value });
      expect(e.parameter).toBe('gap_between_retries');
      expect(e.message).toContain('gap_between_retries must be a comma-separated list of hours');
      expect(e.message).toContain(JSON.stringify(value));
    });

    it('allows at most 10 gaps', () => {
      expect(err({ ...base, gap_between_retries: Array(11).fill('1').join(',') })).toEqual({
        parameter: 'gap_between_retries',
        message: 'gap_between_retries may list at most 10 gaps (the last one repeats), got 11',
      });
    });
  });

  it('reports the first bad parameter in URL order', () => {
    expect(err({ agent_id: 'a', type: 'nope', min_trigger_time: 'x' }).parameter).toBe('type');
  });

  it('never throws on odd input', () => {
    const odd: unknown[] = [
      null,
      undefined,
      42,
      'agent_id=1',
      [],
      [['agent_id', 'a']],
      { agent_id: ['a'], type: ['hubspot'] },
      { agent_id: 5, type: {} },
      Object.create(null),
      { constructor: 'x', __proto__: { agent_id: 'inherited' } },
    ];
    for (const input of odd) {
      const result = parseWebhookQuery(input as Record<string, string | undefined>);
      expect(result.ok).toBe(false);
    }
    const withNullProto = Object.assign(Object.create(null) as Record<string, string>, base);
    expect(parseWebhookQuery(withNullProto).ok).toBe(true);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'agent_id',
            'type',
            'x_api_key',
            'min_trigger_time',
            'max_trigger_time',
            'carry_over',
            'num_of_retries',
            'gap_between_retries',
            'other',
          ),
          fc.anything(),
        ),
        (query) => {
          const result = parseWebhookQuery(query as Record<string, string | undefined>);
          expect(typeof result.ok).toBe('boolean');
          if (!result.ok) expect(result.error.message).toContain(result.error.parameter);
        },
      ),
    );
  });
});
