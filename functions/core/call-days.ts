// Call days (`call_days`: "mon-fri", "mon,wed,fri", "fri-mon"): the weekdays calls may
// start on, in the call's time zone. A window across midnight belongs to the day it
// opens: with 22:00-06:00 on mon-fri, Friday 23:00 and Saturday 02:00 are allowed,
// Saturday 23:00 is not. Carry-over and retries land on the next allowed day's opening.
import { DateTime, IANAZone } from 'luxon';
import { clockMinutes } from './clock-time';
import { isInsideWindow, nextWindowOpening, type CallWindow } from './call-window';

/** ISO weekday numbers: 1 = Monday .. 7 = Sunday. */
const DAY_NAMES: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const SHORT = ['', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAX_TEXT = 100;

/** "mon-fri" / "mon,wed,fri" / "sat-sun" / "fri-mon" (wraps) to sorted ISO weekdays. */
export function parseCallDays(raw: string): { ok: true; value: number[] } | { ok: false; problem: string } {
  const text = raw.trim().toLowerCase();
  if (text === '' || text.length > MAX_TEXT) return { ok: false, problem: 'is empty or too long' };
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const range = part
      .trim()
      .split('-')
      .map((p) => p.trim());
    if (range.length > 2 || range.some((p) => !Object.hasOwn(DAY_NAMES, p)))
      return { ok: false, problem: `has "${part.trim()}", which is not a day or a range of days` };
    const from = DAY_NAMES[range[0] as string] as number;
    const to = DAY_NAMES[(range[1] ?? range[0]) as string] as number;
    for (let d = from, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === to) break;
    }
  }
  return { ok: true, value: [...days].sort((a, b) => a - b) };
}

/** The canonical text of a day list ("mon-fri", "mon,wed,fri"), for reasons and admin replies. */
export function formatCallDays(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    const from = SHORT[sorted[i] as number];
    const to = SHORT[sorted[j] as number];
    parts.push(
      j - i >= 2
        ? `${from}-${to}`
        : sorted
            .slice(i, j + 1)
            .map((d) => SHORT[d])
            .join(','),
    );
    i = j + 1;
  }
  return parts.join(',');
}

/** Every day allowed: the same as no call_days. */
export function isEveryDay(days: number[] | undefined): boolean {
  return !days || new Set(days).size >= 7;
}

/** ISO weekday of the day whose window (or, without a window, whose calendar day) holds `at`. */
export function windowDay(at: Date, window: CallWindow | undefined, timezone: string): number {
  const local = DateTime.fromJSDate(at, { zone: IANAZone.create(timezone) });
  if (window) {
    const min = clockMinutes(window.min);
    const max = clockMinutes(window.max);
    const minutes = local.hour * 60 + local.minute;
    // Across midnight, the early-morning part belongs to the evening before.
    if (min > max && minutes < max) return local.minus({ days: 1 }).weekday;
  }
  return local.weekday;
}

export function isAllowedMoment(at: Date, window: CallWindow | undefined, days: number[] | undefined, timezone: string): boolean {
  if (window && !isInsideWindow(at, window, timezone)) return false;
  return isEveryDay(days) || (days as number[]).includes(windowDay(at, window, timezone));
}

/**
 * The first allowed moment at or after `after`: the next window opening on an allowed
 * day, or without a window the start of the next allowed day (its first instant, DST gaps included).
 */
export function nextAllowedOpening(after: Date, window: CallWindow | undefined, days: number[] | undefined, timezone: string): Date {
  if (isAllowedMoment(after, window, days, timezone)) return after;
  const zone = IANAZone.create(timezone);
  let from = after;
  // Two weeks of openings is more than any day list needs (a zone may skip a calendar day).
  for (let i = 0; i < 16; i++) {
    const candidate = window
      ? nextWindowOpening(from, window, timezone)
      : DateTime.fromJSDate(from, { zone }).startOf('day').plus({ days: 1 }).startOf('day').toJSDate();
    if (isAllowedMoment(candidate, window, days, timezone)) return candidate;
    from = new Date(candidate.getTime() + (window ? 60_000 : 1));
  }
  throw new RangeError(`no allowed call day (${formatCallDays(days ?? [])}) found in ${timezone} after ${after.toISOString()}`);
}
