import fc from 'fast-check';
import { normalizePhone } from '../../functions/core/phone';

describe('normalizePhone', () => {
  it.each([
    ['+49 30 1234567', undefined, '+49301234567'],
    ['+1 415 555 2671', undefined, '+14155552671'],
    ['+14155552671', 'DE', '+14155552671'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['415.555.2671', 'us', '+14155552671'],
    ['030 1234567', 'DE', '+49301234567'],
    ['00 44 20 7946 0958', 'US', '+442079460958'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['+1 415 555 2671 ext. 12', undefined, '+14155552671'],
    ['(415) 555-2671 x99', 'US', '+14155552671'],
    ['  +44 20 7946 0958  ', undefined, '+442079460958'],
  ])('%j with %s -> %s', (raw, country, e164) => {
    expect(normalizePhone(raw, country)).toEqual({ ok: true, e164 });
  });

  it('says the contact has no phone when both fields are empty', () => {
    const reason = 'contact has no phone number (HubSpot fields phone, mobilephone are empty)';
    expect(normalizePhone(undefined, 'US')).toEqual({ ok: false, reason });
    expect(normalizePhone('   ', 'US')).toEqual({ ok: false, reason });
  });

  it('names the number and the country when it is not valid there', () => {
    expect(normalizePhone('12', 'US')).toEqual({ ok: false, reason: 'phone number "12" is not a valid number for US' });
    expect(normalizePhone('555-1234', 'US')).toEqual({ ok: false, reason: 'phone number "555-1234" is not a valid number for US' });
    expect(normalizePhone('call me', 'US')).toEqual({ ok: false, reason: 'phone number "call me" is not a valid number for US' });
  });

  it('asks for a defaultCountry when the number has no country code', () => {
    expect(normalizePhone('555-1234')).toEqual({
      ok: false,
      reason: 'phone number "555-1234" has no country code and the agent has no defaultCountry',
    });
    expect(normalizePhone('(415) 555-2671', 'ZZ')).toEqual({
      ok: false,
      reason: expect.stringContaining('defaultCountry "ZZ" is not a supported country code'),
    });
  });

  it('rejects international numbers that cannot exist', () => {
    expect(normalizePhone('+1 555 555 5555')).toEqual({ ok: false, reason: 'phone number "+1 555 555 5555" is not a valid phone number' });
    expect(normalizePhone('+999 1234')).toEqual({ ok: false, reason: expect.stringContaining('is not a valid phone number') });
  });

  it('cuts a very long value short in the reason', () => {
    const result = normalizePhone('1'.repeat(500), 'US');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(120);
  });

  it('never throws and only ever returns E.164', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.constantFrom('US', 'DE', 'GB', 'IN', 'xx', ''), { nil: undefined }),
        (raw, country) => {
          const result = normalizePhone(raw, country);
          if (result.ok) expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
        },
      ),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/), (raw) => {
        const result = normalizePhone(raw, 'US');
        if (result.ok) expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
    );
  });
});
