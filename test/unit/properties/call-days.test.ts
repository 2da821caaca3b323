// Properties of the call-days planner over zones and DST, checked against an oracle that
// does not use Luxon: UTC offsets from Intl, the wall clock and weekday by arithmetic, and
// the first allowed moment found by stepping minute by minute (offsets here are whole
// minutes, so allowed/not allowed only changes on a minute boundary: the search is exact).
import fc from 'fast-check';
import { formatCallDays, nextAllowedOpening, parseCallDays } from '../../../functions/core/call-days';
import { parseCallDefaults, resolveCallSettings } from '../../../functions/core/call-settings';
import { planAttemptTime, type CallWindow } from '../../../functions/core/call-window';
import type { CallSettings } from '../../../functions/core/model';
import { planRetry } from '../../../functions/core/retry-plan';
import { parseWebhookQuery } from '../../../functions/core/webhook-query';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Santiago', 'UTC'];
// Around the 2026 DST changes of these zones.
const FROM = Date.UTC(2026, 2, 1);
const TO = Date.UTC(2026, 10, 15);

const formats = new Map<string, Intl.DateTimeFormat>();
function offsetMinutes(zone: string, ms: number): number {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formats.set(zone, f);
  }
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
/** Per-hour cache: an offset equal at both ends of a UTC hour holds for the hour (zones change at most once an hour). */
const hourCache = new Map<string, number | null>();
function offsetAt(zone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR) * HOUR;
  const key = `${zone}@${hour}`;
  let cached = hourCache.get(key);
  if (cached === undefined) {
    const a = offsetMinutes(zone, hour);
    cached = a === offsetMinutes(zone, hour + HOUR) ? a : null;
    hourCache.set(key, cached);
  }
  return cached ?? offsetMinutes(zone, ms);
}

function wall(zone: string, ms: number): { weekday: number; minutes: number } {
  const local = new Date(ms + offsetAt(zone, ms) * MIN);
  return { weekday: ((local.getUTCDay() + 6) % 7) + 1, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}
const clock = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

function oracleAllowed(zone: string, ms: number, window: CallWindow | undefined, days: number[]): boolean {
  const { weekday, minutes } = wall(zone, ms);
  let day = weekday;
  if (window) {
    const min = clock(window.min);
    const max = clock(window.max);
    const inside = min < max ? minutes >= min && minutes < max : minutes >= min || minutes < max;
    if (!inside) return false;
    if (min > max && minutes < max) day = weekday === 1 ? 7 : weekday - 1;
  }
  return days.includes(day);
}

function oracleNext(zone: string, after: number, window: CallWindow | undefined, days: number[]): number {
  if (oracleAllowed(zone, after, window, days)) return after;
  for (let ms = Math.ceil(after / MIN) * MIN; ms < after + 16 * DAY; ms += MIN) if (oracleAllowed(zone, ms, window, days)) return ms;
  throw new Error('oracle found no allowed minute');
}

const hhmm = fc
  .integer({ min: 0, max: 23 * 60 + 59 })
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const windowArb = fc.option(
  fc
    .tuple(hhmm, hhmm)
    .filter(([a, b]) => a !== b)
    .map(([min, max]) => ({ min, max })),
  { nil: undefined },
);
const daysArb = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }).map((d) => d.sort((a, b) => a - b));
// Instants on whole minutes, and some within minutes of a DST change.
const instantArb = fc.integer({ min: FROM / MIN, max: TO / MIN }).map((m) => m * MIN);

describe('call days planner (property)', () => {
  it('plans the first allowed minute at or after the earliest moment, in every zone, across DST', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, windowArb, daysArb, (zone, after, window, days) => {
        const got = nextAllowedOpening(new Date(after), window, days, zone).getTime();
        expect(got).toBe(oracleNext(zone, after, window, days));
      }),
      { numRuns: 150 },
    );
  });

  it('carry-over and retries land on allowed days, never before they are due', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        instantArb,
        windowArb,
        daysArb,
        fc.double({ min: 0.25, max: 72, noNaN: true }),
        (zone, at, window, days, gap) => {
          const settings: CallSettings = {
            carryOver: true,
            numOfRetries: 3,
            gapHours: [gap],
            callDays: days,
            ...(window ? { window } : {}),
          };
          const first = planAttemptTime(new Date(at), settings, zone);
          if (!('at' in first)) throw new Error('carry_over on must plan');
          expect(first.at.getTime()).toBe(oracleNext(zone, at, window, days));
          const retry = planRetry(settings, 1, first.at, zone, 'no-answer');
          if (!('at' in retry)) throw new Error('a retry is left');
          const due = first.at.getTime() + Math.round(gap * HOUR);
          expect(retry.at.getTime()).toBe(oracleNext(zone, due, window, days));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('with carry_over off, a moment outside the days is skipped, naming the days', () => {
    const settings: CallSettings = {
      carryOver: false,
      numOfRetries: 0,
      gapHours: [2],
      callDays: [1, 2, 3, 4, 5],
      window: { min: '09:00', max: '18:00' },
    };
    // Saturday 2026-06-13 11:00 in New York.
    const plan = planAttemptTime(new Date('2026-06-13T15:00:00Z'), settings, 'America/New_York');
    expect(plan).toEqual({
      skip: 'outside the call window 09:00-18:00 on mon-fri (America/New_York): it was Sat 11:00 there and carry_over is off',
    });
  });
});

describe('call days examples', () => {
  const overnight = { min: '22:00', max: '06:00' };
  const weekdays = [1, 2, 3, 4, 5];
  const at = (iso: string) => new Date(iso);

  it('a window across midnight belongs to the day it opens', () => {
    // Friday 23:00 and Saturday 02:00 in Berlin (CEST) are Friday's window; Saturday 23:00 is not allowed.
    expect(nextAllowedOpening(at('2026-06-12T21:00:00Z'), overnight, weekdays, 'Europe/Berlin').toISOString()).toBe(
      '2026-06-12T21:00:00.000Z',
    );
    expect(nextAllowedOpening(at('2026-06-13T00:00:00Z'), overnight, weekdays, 'Europe/Berlin').toISOString()).toBe(
      '2026-06-13T00:00:00.000Z',
    );
    // Saturday 23:00 -> Monday 22:00.
    expect(nextAllowedOpening(at('2026-06-13T21:00:00Z'), overnight, weekdays, 'Europe/Berlin').toISOString()).toBe(
      '2026-06-15T20:00:00.000Z',
    );
  });

  it('carries over a weekend to Monday opening across the spring-forward change', () => {
    // New York: Saturday 2026-03-07 12:00 EST -> Monday 2026-03-09 09:00 EDT (13:00Z).
    expect(nextAllowedOpening(at('2026-03-07T17:00:00Z'), { min: '09:00', max: '18:00' }, weekdays, 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    // No window: the next allowed day starts at its midnight.
    expect(nextAllowedOpening(at('2026-03-07T17:00:00Z'), undefined, weekdays, 'America/New_York').toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
  });

  it('parses and prints day lists', () => {
    expect(parseCallDays('mon-fri')).toEqual({ ok: true, value: [1, 2, 3, 4, 5] });
    expect(parseCallDays('Mon, Wed ,FRI')).toEqual({ ok: true, value: [1, 3, 5] });
    expect(parseCallDays('fri-mon')).toEqual({ ok: true, value: [1, 5, 6, 7] });
    expect(parseCallDays('saturday-sunday')).toEqual({ ok: true, value: [6, 7] });
    for (const bad of ['', 'funday', 'mon-', 'mon-tue-wed', 'mon;tue']) expect(parseCallDays(bad).ok).toBe(false);
    expect(formatCallDays([1, 2, 3, 4, 5])).toBe('mon-fri');
    expect(formatCallDays([1, 3, 5])).toBe('mon,wed,fri');
    expect(formatCallDays([1, 2, 6, 7])).toBe('mon,tue,sat,sun');
  });

  it('validates call_days with named-parameter errors, query over agent default, every day = no restriction', () => {
    const bad = parseWebhookQuery({ agent_id: 'a', type: 'hubspot', call_days: 'weekdays' });
    expect(bad).toEqual({ ok: false, error: { parameter: 'call_days', message: expect.stringContaining('call_days must list days') } });
    const agentBad = parseCallDefaults({ call_days: 5 });
    expect(agentBad).toEqual({
      ok: false,
      error: { parameter: 'callDefaults.call_days', message: expect.stringContaining('callDefaults.call_days') },
    });
    const agent = parseCallDefaults({ call_days: 'Monday-Friday' });
    expect(agent).toEqual({ ok: true, value: { call_days: 'mon-fri' } });
    const query = parseWebhookQuery({ agent_id: 'a', type: 'hubspot', call_days: 'sat,sun' });
    if (!query.ok || !agent.ok) throw new Error('parsed');
    expect(resolveCallSettings(query.value.overrides, agent.value)).toMatchObject({ ok: true, value: { callDays: [6, 7] } });
    expect(resolveCallSettings({}, agent.value)).toMatchObject({ ok: true, value: { callDays: [1, 2, 3, 4, 5] } });
    const all = resolveCallSettings({ call_days: 'mon-sun' }, agent.value);
    expect(all.ok && all.value.callDays).toBeUndefined();
  });
});
