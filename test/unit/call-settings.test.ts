import fc from 'fast-check';
import { parseCallDefaults, resolveCallSettings, SERVICE_DEFAULTS } from '../../functions/core/call-settings';
import type { CallDefaults } from '../../functions/core/model';

describe('SERVICE_DEFAULTS', () => {
  it('calls at any time, carries over, makes no retries, 2 h gaps', () => {
    expect(SERVICE_DEFAULTS).toEqual({ carryOver: true, numOfRetries: 0, gapHours: [2] });
    expect(SERVICE_DEFAULTS.window).toBeUndefined();
  });
});

describe('resolveCallSettings', () => {
  const agent: CallDefaults = {
    min_trigger_time: '08:00',
    max_trigger_time: '20:00',
    carry_over: false,
    num_of_retries: 1,
    gap_between_retries: [1],
  };

  it('uses the service defaults when nothing is set', () => {
    expect(resolveCallSettings({}, undefined)).toEqual({ ok: true, value: { carryOver: true, numOfRetries: 0, gapHours: [2] } });
  });

  it('takes the agent defaults over the service defaults', () => {
    expect(resolveCallSettings({}, agent)).toEqual({
      ok: true,
      value: { window: { min: '08:00', max: '20:00' }, carryOver: false, numOfRetries: 1, gapHours: [1] },
    });
  });

  it('takes the query over the agent defaults, setting by setting', () => {
    expect(resolveCallSettings({ min_trigger_time: '09:00', max_trigger_time: '18:00', num_of_retries: 3 }, agent)).toEqual({
      ok: true,
      value: { window: { min: '09:00', max: '18:00' }, carryOver: false, numOfRetries: 3, gapHours: [1] },
    });
    expect(resolveCallSettings({ carry_over: true, gap_between_retries: [2, 4, 6] }, agent)).toEqual({
      ok: true,
      value: { window: { min: '08:00', max: '20:00' }, carryOver: true, numOfRetries: 1, gapHours: [2, 4, 6] },
    });
  });

  it('keeps carry_over=false and num_of_retries=0 from the query (falsy values still override)', () => {
    const result = resolveCallSettings({ carry_over: false, num_of_retries: 0 }, { carry_over: true, num_of_retries: 5 });
    expect(result).toEqual({ ok: true, value: { carryOver: false, numOfRetries: 0, gapHours: [2] } });
  });

  it('needs both window ends: names the missing one', () => {
    expect(resolveCallSettings({ min_trigger_time: '09:00' }, undefined)).toEqual({
      ok: false,
      error: {
        parameter: 'max_trigger_time',
        message: expect.stringMatching(/^max_trigger_time is required when min_trigger_time is set/),
      },
    });
    expect(resolveCallSettings({ max_trigger_time: '18:00' }, undefined)).toEqual({
      ok: false,
      error: {
        parameter: 'min_trigger_time',
        message: expect.stringMatching(/^min_trigger_time is required when max_trigger_time is set/),
      },
    });
  });

  it('takes the window as one setting: the query pair replaces the agent pair, one end alone is an error', () => {
    const agent = { min_trigger_time: '09:00', max_trigger_time: '18:00' };
    expect(resolveCallSettings({ min_trigger_time: '10:00', max_trigger_time: '17:00' }, agent)).toMatchObject({
      ok: true,
      value: { window: { min: '10:00', max: '17:00' } },
    });
    expect(resolveCallSettings({}, agent)).toMatchObject({ ok: true, value: { window: { min: '09:00', max: '18:00' } } });
    // Never 20:00 from the URL with 18:00 from the agent: a 22-hour window calling at 3 am.
    expect(resolveCallSettings({ min_trigger_time: '20:00' }, agent)).toMatchObject({
      ok: false,
      error: { parameter: 'max_trigger_time' },
    });
  });

  it('rejects an empty window (min == max)', () => {
    const result = resolveCallSettings({ min_trigger_time: '09:00', max_trigger_time: '09:00' }, undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('both 09:00');
  });

  it('accepts a window crossing midnight', () => {
    const result = resolveCallSettings({ min_trigger_time: '22:00', max_trigger_time: '06:00' }, undefined);
    expect(result.ok && result.value.window).toEqual({ min: '22:00', max: '06:00' });
  });

  it('never shares the gap list with its inputs', () => {
    const query: CallDefaults = { gap_between_retries: [1, 2] };
    const result = resolveCallSettings(query, undefined);
    if (!result.ok) throw new Error('expected ok');
    result.value.gapHours.push(99);
    expect(query.gap_between_retries).toEqual([1, 2]);
    const fromDefaults = resolveCallSettings({}, undefined);
    if (fromDefaults.ok) fromDefaults.value.gapHours.push(99);
    expect(SERVICE_DEFAULTS.gapHours).toEqual([2]);
  });
});

describe('parseCallDefaults', () => {
  it('parses JSON types and normalises times', () => {
    expect(
      parseCallDefaults({
        min_trigger_time: '9:00',
        max_trigger_time: '18:00',
        carry_over: false,
        num_of_retries: 3,
        gap_between_retries: [2, 4, 6],
      }),
    ).toEqual({
      ok: true,
      value: { min_trigger_time: '09:00', max_trigger_time: '18:00', carry_over: false, num_of_retries: 3, gap_between_retries: [2, 4, 6] },
    });
  });

  it('accepts gap_between_retries as the URL-style "2,4,6" string', () => {
    expect(parseCallDefaults({ gap_between_retries: '2, 4,0.5' })).toEqual({ ok: true, value: { gap_between_retries: [2, 4, 0.5] } });
  });

  it('accepts an empty object and treats null as not set', () => {
    expect(parseCallDefaults({})).toEqual({ ok: true, value: {} });
    expect(parseCallDefaults({ carry_over: null, num_of_retries: null })).toEqual({ ok: true, value: {} });
  });

  it.each([
    [
      { min_trigger_time: '25:99', max_trigger_time: '18:00' },
      'callDefaults.min_trigger_time',
      'callDefaults.min_trigger_time must be HH:MM (24-hour), got "25:99"',
    ],
    [
      { min_trigger_time: 900, max_trigger_time: '18:00' },
      'callDefaults.min_trigger_time',
      'callDefaults.min_trigger_time must be HH:MM (24-hour), got 900',
    ],
    [{ carry_over: 'true' }, 'callDefaults.carry_over', 'callDefaults.carry_over must be true or false (a JSON boolean), got "true"'],
    [{ num_of_retries: 11 }, 'callDefaults.num_of_retries', 'callDefaults.num_of_retries must be a whole number from 0 to 10, got 11'],
    [{ num_of_retries: 1.5 }, 'callDefaults.num_of_retries', 'callDefaults.num_of_retries must be a whole number from 0 to 10, got 1.5'],
    [{ num_of_retries: '3' }, 'callDefaults.num_of_retries', 'callDefaults.num_of_retries must be a whole number from 0 to 10, got "3"'],
  ])('rejects %j', (input, parameter, message) => {
    expect(parseCallDefaults(input)).toEqual({ ok: false, error: { parameter, message } });
  });

  it.each([[[]], [[0]], [[2, -1]], [[169]], [['2']], [[[2]]], [Array(11).fill(1)], [{ 0: 2 }]])(
    'rejects gap_between_retries %j',
    (gaps) => {
      const result = parseCallDefaults({ gap_between_retries: gaps });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.parameter).toBe('callDefaults.gap_between_retries');
    },
  );

  it('needs both window ends, and different ones', () => {
    expect(parseCallDefaults({ min_trigger_time: '09:00' })).toEqual({
      ok: false,
      error: {
        parameter: 'callDefaults.max_trigger_time',
        message: expect.stringMatching(/^callDefaults.max_trigger_time is required when callDefaults.min_trigger_time is set/),
      },
    });
    expect(parseCallDefaults({ min_trigger_time: '09:00', max_trigger_time: '9:00' }).ok).toBe(false);
  });

  it('rejects an unknown (misspelt) setting, listing the known ones', () => {
    expect(parseCallDefaults({ carryover: true })).toEqual({
      ok: false,
      error: { parameter: 'callDefaults.carryover', message: expect.stringContaining('carry_over') },
    });
  });

  it('never throws on odd input', () => {
    for (const input of [
      null,
      undefined,
      3,
      'x',
      [],
      [[1]],
      { gap_between_retries: [[null]] },
      { min_trigger_time: { a: 1 } },
      Object.create(null),
    ]) {
      const result = parseCallDefaults(input);
      expect(typeof result.ok).toBe('boolean');
    }
    expect(parseCallDefaults(null)).toEqual({
      ok: false,
      error: { parameter: 'callDefaults', message: expect.stringContaining('must be an object') },
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(
            fc.constantFrom('min_trigger_time', 'max_trigger_time', 'carry_over', 'num_of_retries', 'gap_between_retries'),
            fc.anything(),
          ),
        ),
        (input) => {
          const result = parseCallDefaults(input);
          if (!result.ok) expect(result.error.message).toContain(result.error.parameter);
        },
      ),
    );
  });
});
