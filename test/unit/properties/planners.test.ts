// Properties of the window planner and the retry planner, checked against an oracle that
// does not use Luxon: UTC offsets read from Intl ("GMT+05:30") into a transition table,
// and the window found by stepping minute by minute. Offsets in these zones are whole
// minutes, so open/closed can only change on a UTC minute boundary and a minute-step
// search is exact, not a sample.
import fc from 'fast-check';
import { isInsideWindow, nextWindowOpening, planAttemptTime, type CallWindow } from '../../../functions/core/call-window';
import { gapHoursForRetry, planRetry } from '../../../functions/core/retry-plan';
import type { AttemptOutcome, CallSettings } from '../../../functions/core/model';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kolkata', // no DST, +05:30
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', // changes at midnight: 00:00 does not exist on spring-forward day
  'Europe/London',
  'UTC',
] as const;
type Zone = (typeof ZONES)[number];

const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2027, 11, 31, 23, 59);
// The table spans wider than the instants so a search a few days past TO stays inside it.
const TABLE_FROM = Date.UTC(2025, 11, 1);
const TABLE_TO = Date.UTC(2028, 1, 1);

// ---------------------------------------------------------------------------------------
// Oracle: UTC offsets from Intl, transitions by bisection, wall clock by arithmetic.

interface Transition {
  at: number;
  before: number; // minutes east of UTC
  after: number;
}
interface ZoneTable {
  initial: number;
  transitions: Transition[];
}

function intlOffset(zone: string): (ms: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  return (ms) => {
    const name = format.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
}

function buildTable(zone: string): ZoneTable {
  const offset = intlOffset(zone);
  const transitions: Transition[] = [];
  const step = 6 * HOUR;
  for (let t = TABLE_FROM; t < TABLE_TO; t += step) {
    const before = offset(t);
    const after = offset(t + step);
    if (before === after) continue;
    let low = t;
    let high = t + step;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (offset(mid) === before) low = mid;
      else high = mid;
    }
    transitions.push({ at: high, before, after });
  }
  return { initial: offset(TABLE_FROM), transitions };
}

const TABLES = Object.fromEntries(ZONES.map((z) => [z, buildTable(z)])) as Record<Zone, ZoneTable>;
const ALL_TRANSITIONS = [...new Set(ZONES.flatMap((z) => TABLES[z].transitions.map((t) => t.at)))].sort((a, b) => a - b);

function offsetAt(zone: Zone, ms: number): number {
  const table = TABLES[zone];
  let offset = table.initial;
  for (const t of table.transitions) {
    if (ms < t.at) break;
    offset = t.after;
  }
  return offset;
}

/** Milliseconds since local midnight. */
function wallMs(zone: Zone, ms: number): number {
  const local = ms + offsetAt(zone, ms) * MIN;
  return ((local % DAY) + DAY) % DAY;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function oracleInside(zone: Zone, ms: number, window: CallWindow): boolean {
  const now = wallMs(zone, ms);
  const min = toMinutes(window.min) * MIN;
  const max = toMinutes(window.max) * MIN;
  return min < max ? now >= min && now < max : now >= min || now < max;
}

/** The first instant >= after where the window goes from closed to open. */
function oracleOpening(zone: Zone, after: number, window: CallWindow): number | undefined {
  const opensAt = (ms: number) => oracleInside(zone, ms, window) && !oracleInside(zone, ms - 1, window);
  if (opensAt(after)) return after;
  for (let m = Math.floor(after / MIN) * MIN + MIN; m <= after + 4 * DAY; m += MIN) if (opensAt(m)) return m;
  return undefined;
}

const isTransition = (zone: Zone, ms: number) => TABLES[zone].transitions.some((t) => t.at === ms);

// ---------------------------------------------------------------------------------------
// Arbitraries: zones, instants clustered around each zone's transitions, wall times
// clustered around the local times at which those transitions happen.

/** Local wall minutes next to each transition of the zone, on either side of the jump. */
function transitionWallMinutes(zone: Zone): number[] {
  const out = new Set<number>();
  for (const t of TABLES[zone].transitions) {
    out.add(Math.round(((((t.at + t.before * MIN) % DAY) + DAY) % DAY) / MIN));
    out.add(Math.round(((((t.at + t.after * MIN) % DAY) + DAY) % DAY) / MIN));
  }
  return out.size > 0 ? [...out] : [0, 120, 150];
}

const clockFor = (zone: Zone) =>
  fc.oneof(
    fc.integer({ min: 0, max: 1439 }),
    fc.constantFrom(0, 1439, 540, 1080, 1320, 360),
    fc
      .tuple(fc.constantFrom(...transitionWallMinutes(zone)), fc.integer({ min: -75, max: 75 }))
      .map(([m, d]) => (((m + d) % 1440) + 1440) % 1440),
  );

const windowFor = (zone: Zone) =>
  fc
    .tuple(clockFor(zone), clockFor(zone))
    .filter(([a, b]) => a !== b)
    .map(([a, b]): CallWindow => ({ min: hhmm(a), max: hhmm(b) }));

const instantFor = (zone: Zone) => {
  const near = TABLES[zone].transitions.length > 0 ? TABLES[zone].transitions.map((t) => t.at) : ALL_TRANSITIONS;
  return fc.oneof(
    fc.integer({ min: FROM, max: TO }),
    fc
      .tuple(fc.constantFrom(...near), fc.integer({ min: -48 * 60, max: 48 * 60 }), fc.integer({ min: 0, max: MIN - 1 }), fc.boolean())
      .map(([t, minutes, ms, onMinute]) => t + minutes * MIN + (onMinute ? 0 : ms)),
  );
};

/** Instants on and next to the wall-clock edges of the window (min, max) on some day. */
const edgeOf = (zone: Zone, window: CallWindow) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: Math.floor((TO - FROM) / DAY) }),
      fc.constantFrom(window.min, window.max),
      fc.constantFrom(-MIN, -1, 0, 1, MIN),
    )
    .map(([day, wall, delta]) => {
      const naive = FROM + day * DAY + toMinutes(wall) * MIN;
      return naive - offsetAt(zone, naive) * MIN + delta;
    });

/** A zone with an instant and a window both drawn for it. */
const scene = fc
  .constantFrom(...ZONES)
  .chain((zone) =>
    windowFor(zone).chain((window) =>
      fc.record({ zone: fc.constant(zone), window: fc.constant(window), at: fc.oneof(instantFor(zone), edgeOf(zone, window)) }),
    ),
  );

const RUNS = { numRuns: 400 };

// ---------------------------------------------------------------------------------------

describe('isInsideWindow (property)', () => {
  it('agrees with the wall clock computed from the zone offset table, across DST transitions', () => {
    fc.assert(
      fc.property(scene, ({ zone, at, window }) => {
        expect(isInsideWindow(new Date(at), window, zone)).toBe(oracleInside(zone, at, window));
      }),
      { numRuns: 1000 },
    );
  });

  it('a window and the same bounds swapped (crossing midnight the other way) cover every instant exactly once', () => {
    fc.assert(
      fc.property(scene, ({ zone, at, window }) => {
        const swapped = { min: window.max, max: window.min };
        expect(isInsideWindow(new Date(at), window, zone)).toBe(!isInsideWindow(new Date(at), swapped, zone));
      }),
      RUNS,
    );
  });
});

describe('nextWindowOpening (property)', () => {
  it('is exactly the first closed-to-open instant at or after `after` (minute-by-minute search)', () => {
    fc.assert(
      fc.property(scene, ({ zone, at, window }) => {
        const expected = oracleOpening(zone, at, window);
        expect(expected).toBeDefined();
        expect(nextWindowOpening(new Date(at), window, zone).getTime()).toBe(expected);
      }),
      RUNS,
    );
  });

  it('opens when the wall clock reads min, or at a DST transition instant', () => {
    fc.assert(
      fc.property(scene, ({ zone, at, window }) => {
        const opening = nextWindowOpening(new Date(at), window, zone).getTime();
        if (wallMs(zone, opening) !== toMinutes(window.min) * MIN) expect(isTransition(zone, opening)).toBe(true);
      }),
      RUNS,
    );
  });

  // Spring forward: wall times in [jump start, jump end) do not exist that day.
  const springGaps = ZONES.flatMap((zone) =>
    TABLES[zone].transitions
      .filter((t) => t.after > t.before)
      .map((t) => ({
        zone,
        at: t.at,
        gapStart: Math.round(((((t.at + t.before * MIN) % DAY) + DAY) % DAY) / MIN),
        length: t.after - t.before,
      })),
  );

  it('a min that falls in a spring-forward gap opens at the first instant after the gap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...springGaps).chain((gap) =>
          fc.record({
            gap: fc.constant(gap),
            into: fc.integer({ min: 0, max: gap.length - 1 }),
            length: fc.integer({ min: gap.length + 1, max: 20 * 60 }),
            lead: fc.integer({ min: 1, max: 20 * 60 }),
          }),
        ),
        ({ gap, into, length, lead }) => {
          const min = (gap.gapStart + into) % 1440;
          const window = { min: hhmm(min), max: hhmm((min + length) % 1440) };
          const after = gap.at - lead * MIN;
          // From outside, the wall clock cannot reach min before the jump (lead < a day - 1 h).
          fc.pre(!oracleInside(gap.zone, after, window));
          expect(nextWindowOpening(new Date(after), window, gap.zone).getTime()).toBe(gap.at);
        },
      ),
      { numRuns: 300 },
    );
  });

  // Fall back: wall times in [after-jump wall, before-jump wall) happen twice.
  const fallBacks = ZONES.flatMap((zone) =>
    TABLES[zone].transitions
      .filter((t) => t.after < t.before)
      .map((t) => ({
        zone,
        at: t.at,
        repeatStart: Math.round(((((t.at + t.after * MIN) % DAY) + DAY) % DAY) / MIN),
        length: t.before - t.after,
        before: t.before,
        after: t.after,
      })),
  );

  it('a min that happens twice on a fall-back day opens at its first occurrence', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fallBacks).chain((fb) =>
          fc.record({
            fb: fc.constant(fb),
            into: fc.integer({ min: 0, max: fb.length - 1 }),
            length: fc.integer({ min: 1, max: 20 * 60 }),
            lead: fc.integer({ min: 1, max: 20 * 60 }),
          }),
        ),
        ({ fb, into, length, lead }) => {
          const wall = fb.repeatStart + into;
          const window = { min: hhmm(wall % 1440), max: hhmm((wall + length) % 1440) };
          // The first occurrence is on the old (earlier, larger) offset, before the jump.
          const first = fb.at - (fb.length - into) * MIN;
          const after = first - lead * MIN;
          // From outside, the wall clock climbs to min without a jump in between (lead < 20 h).
          fc.pre(!oracleInside(fb.zone, after, window));
          expect(nextWindowOpening(new Date(after), window, fb.zone).getTime()).toBe(first);
          expect(wallMs(fb.zone, first)).toBe((wall % 1440) * MIN);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const settingsArb = (window: CallWindow | undefined) =>
  fc
    .record({
      carryOver: fc.boolean(),
      numOfRetries: fc.integer({ min: 0, max: 10 }),
      gapHours: fc.array(fc.oneof(fc.integer({ min: 1, max: 168 }), fc.double({ min: 0.01, max: 168, noNaN: true })), {
        minLength: 1,
        maxLength: 10,
      }),
    })
    .map((s): CallSettings => (window ? { ...s, window } : s));

describe('planAttemptTime (property)', () => {
  it('never plans before `earliest`, always inside the window, and only moves when outside', () => {
    fc.assert(
      fc.property(
        scene.chain((s) => fc.record({ s: fc.constant(s), settings: settingsArb(s.window) })),
        ({ s: { zone, at, window }, settings }) => {
          const plan = planAttemptTime(new Date(at), settings, zone);
          const inside = oracleInside(zone, at, window);
          if ('skip' in plan) {
            // carry_over off skips exactly when the contact arrives outside the window.
            expect(settings.carryOver).toBe(false);
            expect(inside).toBe(false);
            expect(plan.skip).toContain(`${window.min}-${window.max}`);
            expect(plan.skip).toContain(zone);
            expect(plan.skip).toContain(`it was ${hhmm(Math.floor(wallMs(zone, at) / MIN))} there`);
            return;
          }
          expect(inside || settings.carryOver).toBe(true);
          const planned = plan.at.getTime();
          expect(planned).toBeGreaterThanOrEqual(at);
          expect(isInsideWindow(plan.at, window, zone)).toBe(true);
          expect(oracleInside(zone, planned, window)).toBe(true);
          if (inside) {
            expect(planned).toBe(at);
          } else {
            expect(planned).toBe(oracleOpening(zone, at, window));
            // A carried-over attempt lands on an opening: just before it, the window was shut.
            expect(isInsideWindow(new Date(planned - MIN), window, zone)).toBe(false);
            expect(isInsideWindow(new Date(planned - 1), window, zone)).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });

  it('with no window, calls at `earliest` whatever the zone string', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FROM, max: TO }),
        fc.oneof(fc.constantFrom(...ZONES), fc.string({ unit: 'binary' })),
        settingsArb(undefined),
        (at, zone, settings) => {
          expect(planAttemptTime(new Date(at), settings, zone)).toEqual({ at: new Date(at) });
        },
      ),
    );
  });

  const everyZone = Intl.supportedValuesOf('timeZone');

  it('answers a skip, never a throw, for any zone string that is not an IANA zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FROM, max: TO }),
        fc.string({ unit: 'binary' }),
        windowFor('UTC'),
        fc.boolean(),
        (at, zone, window, carryOver) => {
          fc.pre(!everyZone.includes(zone) && zone !== 'UTC');
          const plan = planAttemptTime(new Date(at), { window, carryOver, numOfRetries: 0, gapHours: [2] }, zone);
          if ('skip' in plan) expect(plan.skip.length).toBeGreaterThan(0);
          else expect(isInsideWindow(plan.at, window, zone)).toBe(true);
        },
      ),
    );
  });

  it(`holds in every zone Intl knows (${everyZone.length} zones): never early, inside, shut the minute before a carried-over opening`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...everyZone), fc.integer({ min: FROM, max: TO }), windowFor('UTC'), (zone, at, window) => {
        const plan = planAttemptTime(new Date(at), { window, carryOver: true, numOfRetries: 0, gapHours: [2] }, zone);
        expect(plan).toHaveProperty('at');
        if (!('at' in plan)) return;
        expect(plan.at.getTime()).toBeGreaterThanOrEqual(at);
        expect(isInsideWindow(plan.at, window, zone)).toBe(true);
        if (plan.at.getTime() !== at) expect(isInsideWindow(new Date(plan.at.getTime() - MIN), window, zone)).toBe(false);
      }),
      { numRuns: 600 },
    );
  });
});

const OUTCOMES: (AttemptOutcome | undefined)[] = ['no-answer', 'busy', 'failed', 'voicemail', 'completed', undefined];

describe('gapHoursForRetry (property)', () => {
  it('takes gap n for retry n and repeats the last gap past the end of the list', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 168, noNaN: true }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 30 }),
        (gaps, n) => {
          expect(gapHoursForRetry(gaps, n)).toBe(n <= gaps.length ? gaps[n - 1] : gaps[gaps.length - 1]);
        },
      ),
    );
  });
});

describe('planRetry (property)', () => {
  const retryScene = fc.constantFrom(...ZONES).chain((zone) =>
    fc.record({
      zone: fc.constant(zone),
      ended: instantFor(zone),
      settings: fc.option(windowFor(zone), { nil: undefined }).chain(settingsArb),
      made: fc.integer({ min: 1, max: 12 }),
      outcome: fc.constantFrom(...OUTCOMES),
    }),
  );

  it('retries only while attempts remain, numbering the next attempt made+1', () => {
    fc.assert(
      fc.property(retryScene, ({ zone, ended, settings, made, outcome }) => {
        const plan = planRetry(settings, made, new Date(ended), zone, outcome);
        const shouldRetry = outcome !== 'completed' && made < 1 + settings.numOfRetries;
        expect('at' in plan).toBe(shouldRetry);
        if ('at' in plan) expect(plan.attempt).toBe(made + 1);
        else if (outcome !== 'completed') expect(plan.exhausted).toContain(`num_of_retries=${settings.numOfRetries}`);
      }),
      RUNS,
    );
  });

  it('waits the gap, then moves to the next opening only when the due time is outside the window', () => {
    fc.assert(
      fc.property(retryScene, ({ zone, ended, settings, made }) => {
        fc.pre(made <= settings.numOfRetries);
        const plan = planRetry(settings, made, new Date(ended), zone, 'no-answer');
        if (!('at' in plan)) throw new Error(`expected a retry, got ${plan.exhausted}`);
        const due = ended + Math.round(gapHoursForRetry(settings.gapHours, made) * HOUR);
        const at = plan.at.getTime();
        expect(at).toBeGreaterThanOrEqual(due);
        expect(at).toBeGreaterThan(ended);
        const window = settings.window;
        if (!window) {
          expect(at).toBe(due);
          return;
        }
        expect(isInsideWindow(plan.at, window, zone)).toBe(true);
        if (oracleInside(zone, due, window)) {
          expect(at).toBe(due);
        } else {
          expect(at).toBe(oracleOpening(zone, due, window));
          expect(isInsideWindow(new Date(at - MIN), window, zone)).toBe(false);
        }
        // carry_over decides the first attempt only; a retry never depends on it.
        expect(planRetry({ ...settings, carryOver: !settings.carryOver }, made, new Date(ended), zone, 'no-answer')).toEqual(plan);
      }),
      RUNS,
    );
  });

  it('reads attemptsMade below 1 or fractional as whole attempts, at least one', () => {
    fc.assert(
      fc.property(retryScene, fc.double({ min: -5, max: 12, noNaN: true }), ({ zone, ended, settings, outcome }, made) => {
        const normalised = Math.max(Math.floor(made), 1);
        expect(planRetry(settings, made, new Date(ended), zone, outcome)).toEqual(
          planRetry(settings, normalised, new Date(ended), zone, outcome),
        );
      }),
    );
  });

  it('a whole schedule from creation to exhaustion: 1 + num_of_retries attempts, each later than the last, each inside the window', () => {
    fc.assert(
      fc.property(
        scene.chain((s) =>
          fc.record({
            s: fc.constant(s),
            settings: settingsArb(s.window),
            durations: fc.array(fc.integer({ min: 0, max: 45 * 60_000 }), { minLength: 11, maxLength: 11 }),
          }),
        ),
        ({ s: { zone, at, window }, settings, durations }) => {
          const first = planAttemptTime(new Date(at), { ...settings, carryOver: true }, zone);
          if (!('at' in first)) throw new Error(first.skip);
          const starts = [first.at.getTime()];
          for (let made = 1; ; made += 1) {
            const ended = (starts[made - 1] as number) + (durations[made - 1] ?? 0);
            const plan = planRetry(settings, made, new Date(ended), zone, 'no-answer');
            if ('exhausted' in plan) break;
            expect(plan.attempt).toBe(made + 1);
            expect(plan.at.getTime()).toBeGreaterThanOrEqual(ended + Math.round(gapHoursForRetry(settings.gapHours, made) * HOUR));
            starts.push(plan.at.getTime());
          }
          expect(starts).toHaveLength(1 + settings.numOfRetries);
          for (const [i, start] of starts.entries()) {
            expect(oracleInside(zone, start, window)).toBe(true);
            if (i > 0) expect(start).toBeGreaterThan(starts[i - 1] as number);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
