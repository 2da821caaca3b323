import fc from 'fast-check';
import { canonicalTimeZone, isInsideWindow, isValidTimeZone, nextWindowOpening, planAttemptTime } from '../../functions/core/call-window';
import type { CallSettings } from '../../functions/core/model';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const office = { min: '09:00', max: '18:00' };
const night = { min: '22:00', max: '06:00' };
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('isInsideWindow', () => {
  it('is [min, max) in local wall time', () => {
    expect(isInsideWindow(at('2026-06-10T07:00:00Z'), office, BERLIN)).toBe(true); // 09:00 CEST
    expect(isInsideWindow(at('2026-06-10T06:59:59.999Z'), office, BERLIN)).toBe(false);
    expect(isInsideWindow(at('2026-06-10T15:59:59Z'), office, BERLIN)).toBe(true); // 17:59:59
    expect(isInsideWindow(at('2026-06-10T16:00:00Z'), office, BERLIN)).toBe(false); // 18:00
    expect(isInsideWindow(at('2026-01-10T08:00:00Z'), office, BERLIN)).toBe(true); // 09:00 CET
  });

  describe('a window crossing midnight (22:00-06:00, New York)', () => {
    it.each([
      ['2026-06-11T03:30:00Z', '23:30', true],
      ['2026-06-10T09:59:00Z', '05:59', true],
      ['2026-06-10T02:00:00Z', '22:00', true],
      ['2026-06-10T04:00:00Z', '00:00', true],
      ['2026-06-10T10:00:00Z', '06:00', false],
      ['2026-06-10T16:00:00Z', '12:00', false],
      ['2026-06-11T01:59:00Z', '21:59', false],
    ])('%s (%s local) inside: %s', (instant, _local, inside) => {
      expect(isInsideWindow(at(instant), night, NY)).toBe(inside);
    });

    it('opens next at 22:00 the same day from 12:00', () => {
      expect(iso(nextWindowOpening(at('2026-06-10T16:00:00Z'), night, NY))).toBe('2026-06-11T02:00:00.000Z');
    });

    it('opens next at 22:00 the same day from 06:00', () => {
      expect(iso(nextWindowOpening(at('2026-06-10T10:00:00Z'), night, NY))).toBe('2026-06-11T02:00:00.000Z');
    });
  });

  it('uses the summer and winter offsets of the zone', () => {
    expect(isInsideWindow(at('2026-07-01T13:00:00Z'), office, NY)).toBe(true); // 09:00 EDT
    expect(isInsideWindow(at('2026-01-05T13:00:00Z'), office, NY)).toBe(false); // 08:00 EST
    expect(isInsideWindow(at('2026-01-05T14:00:00Z'), office, NY)).toBe(true); // 09:00 EST
  });
});

describe('nextWindowOpening', () => {
  it('carries 23:59 local over to 09:00 the next day', () => {
    expect(iso(nextWindowOpening(at('2026-06-10T21:59:00Z'), office, BERLIN))).toBe('2026-06-11T07:00:00.000Z');
  });

  it('opens later the same day when before the window', () => {
    expect(iso(nextWindowOpening(at('2026-06-10T03:00:00Z'), office, BERLIN))).toBe('2026-06-10T07:00:00.000Z');
  });

  it('returns `after` itself when it is exactly the opening', () => {
    expect(iso(nextWindowOpening(at('2026-06-10T07:00:00Z'), office, BERLIN))).toBe('2026-06-10T07:00:00.000Z');
  });

  it('crosses a year end', () => {
    expect(iso(nextWindowOpening(at('2026-12-31T20:00:00Z'), office, BERLIN))).toBe('2027-01-01T08:00:00.000Z');
  });

  describe('spring forward', () => {
    it('New York 2026-03-08: 02:30 does not exist, the window opens at 03:00 EDT', () => {
      const opening = nextWindowOpening(at('2026-03-08T06:00:00Z'), { min: '02:30', max: '05:00' }, NY); // 01:00 EST
      expect(iso(opening)).toBe('2026-03-08T07:00:00.000Z');
      expect(isInsideWindow(opening, { min: '02:30', max: '05:00' }, NY)).toBe(true);
    });

    it('New York 2026-03-08: 09:00 is 13:00Z, one hour earlier in UTC than the day before', () => {
      expect(iso(nextWindowOpening(at('2026-03-07T20:00:00Z'), office, NY))).toBe('2026-03-08T13:00:00.000Z');
      expect(iso(nextWindowOpening(at('2026-03-07T04:00:00Z'), office, NY))).toBe('2026-03-07T14:00:00.000Z');
    });

    it('Berlin 2026-03-29: 02:30 does not exist, the window opens at 03:00 CEST', () => {
      expect(iso(nextWindowOpening(at('2026-03-28T23:30:00Z'), { min: '02:30', max: '06:00' }, BERLIN))).toBe('2026-03-29T01:00:00.000Z');
    });

    it('Berlin 2026-03-29: 09:00 CEST is 07:00Z', () => {
      expect(iso(nextWindowOpening(at('2026-03-28T20:00:00Z'), office, BERLIN))).toBe('2026-03-29T07:00:00.000Z');
    });

    it('a window lying wholly inside the gap opens the next day', () => {
      expect(iso(nextWindowOpening(at('2026-03-08T06:00:00Z'), { min: '02:15', max: '02:45' }, NY))).toBe('2026-03-09T06:15:00.000Z');
    });
  });

  describe('fall back', () => {
    it('New York 2026-11-01: 01:30 happens twice, the window opens at the first (EDT)', () => {
      expect(iso(nextWindowOpening(at('2026-11-01T04:00:00Z'), { min: '01:30', max: '05:00' }, NY))).toBe('2026-11-01T05:30:00.000Z');
    });

    it('New York 2026-11-01: after the clock falls back to 01:00 EST, the window reopens at 01:30 EST', () => {
      const window = { min: '01:30', max: '05:00' };
      expect(isInsideWindow(at('2026-11-01T06:10:00Z'), window, NY)).toBe(false); // 01:10 EST
      expect(iso(nextWindowOpening(at('2026-11-01T06:10:00Z'), window, NY))).toBe('2026-11-01T06:30:00.000Z');
    });

    it('New York 2026-11-01: a window ending in the repeated hour reopens when the clock falls back into it', () => {
      const window = { min: '20:00', max: '01:30' };
      expect(isInsideWindow(at('2026-11-01T05:45:00Z'), window, NY)).toBe(false); // 01:45 EDT
      expect(iso(nextWindowOpening(at('2026-11-01T05:45:00Z'), window, NY))).toBe('2026-11-01T06:00:00.000Z'); // 01:00 EST
    });

    it('New York 2026-11-01: 09:00 is 14:00Z (EST)', () => {
      expect(iso(nextWindowOpening(at('2026-11-01T04:00:00Z'), office, NY))).toBe('2026-11-01T14:00:00.000Z');
    });

    it('Berlin 2026-10-25: 02:30 happens twice, the window opens at the first (CEST)', () => {
      expect(iso(nextWindowOpening(at('2026-10-24T22:00:00Z'), { min: '02:30', max: '06:00' }, BERLIN))).toBe('2026-10-25T00:30:00.000Z');
    });

    it('Berlin 2026-10-25: 09:00 CET is 08:00Z', () => {
      expect(iso(nextWindowOpening(at('2026-10-24T20:00:00Z'), office, BERLIN))).toBe('2026-10-25T08:00:00.000Z');
    });
  });

  it('is always the first instant at or after `after` at which the window is open', () => {
    const zones = [NY, BERLIN, 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'UTC'];
    const clock = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        clock,
        clock,
        fc.constantFrom(...zones),
        (after, min, max, zone) => {
          fc.pre(min !== max);
          const window = { min, max };
          const opening = nextWindowOpening(after, window, zone);
          expect(opening.getTime()).toBeGreaterThanOrEqual(after.getTime());
          expect(isInsideWindow(opening, window, zone)).toBe(true);
          expect(isInsideWindow(new Date(opening.getTime() - 1), window, zone)).toBe(false);
          // No opening in between: a window opens at most once per wall-clock hour change,
          // so sampling every 15 minutes finds any earlier stretch of "inside".
          if (!isInsideWindow(after, window, zone)) {
            for (let t = after.getTime(); t < opening.getTime(); t += 15 * 60_000) {
              expect(isInsideWindow(new Date(t), window, zone)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('planAttemptTime', () => {
  const settings = (over: Partial<CallSettings> = {}): CallSettings => ({
    window: office,
    carryOver: true,
    numOfRetries: 0,
    gapHours: [2],
    ...over,
  });

  it('calls at once when there is no window', () => {
    const now = at('2026-06-10T01:00:00Z');
    expect(planAttemptTime(now, { carryOver: false, numOfRetries: 0, gapHours: [2] }, BERLIN)).toEqual({ at: now });
  });

  it('calls at once inside the window', () => {
    const now = at('2026-06-10T10:00:00Z');
    expect(planAttemptTime(now, settings(), BERLIN)).toEqual({ at: now });
  });

  it('carries over to the next opening outside the window', () => {
    expect(planAttemptTime(at('2026-06-10T18:15:00Z'), settings(), BERLIN)).toEqual({ at: at('2026-06-11T07:00:00Z') });
  });

  it('skips outside the window when carry_over is off, saying when and where', () => {
    expect(planAttemptTime(at('2026-06-10T18:15:00Z'), settings({ carryOver: false }), BERLIN)).toEqual({
      skip: 'outside the call window 09:00-18:00 (Europe/Berlin): it was 20:15 there and carry_over is off',
    });
  });

  it('skips with a reason instead of throwing when the zone is not valid', () => {
    const plan = planAttemptTime(at('2026-06-10T18:15:00Z'), settings(), 'Mars/Olympus');
    expect(plan).toEqual({ skip: expect.stringContaining('"Mars/Olympus" is not a valid IANA time zone') });
  });
});

describe('isValidTimeZone / canonicalTimeZone', () => {
  it.each([BERLIN, NY, 'UTC', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'US/Eastern'])('accepts %s', (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });

  it.each(['', 'europe/berlin', 'Mars/Olympus', '+02:00', 'Europe/Berlin ', 'CEST+1', '../etc/passwd'])('rejects %j', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });

  it('canonicalises aliases', () => {
    expect(canonicalTimeZone('US/Eastern')).toBe(NY);
    expect(canonicalTimeZone(BERLIN)).toBe(BERLIN);
    expect(canonicalTimeZone('nope')).toBeUndefined();
  });
});
