// The call window: the wall-clock hours of the agent's time zone in which calls may be
// placed. Luxon supplies the zone rules; the DST policy is ours:
// - an opening wall time that does not exist (spring forward) opens at the first
//   instant after the gap, e.g. 02:30 in New York on 2026-03-08 opens at 03:00 EDT;
// - an opening wall time that happens twice (fall back) opens at its first occurrence.
import { DateTime, IANAZone } from 'luxon';
import { clockMinutes, formatClockTime } from './clock-time';
import { formatCallDays, isAllowedMoment, isEveryDay, nextAllowedOpening } from './call-days';
import type { CallSettings } from './model';

export interface CallWindow {
  min: string;
  max: string;
}

export type AttemptTime = { at: Date } | { skip: string };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Days searched for an opening: enough for any zone, even one that skipped a calendar day. */
const SEARCH_DAYS = 3;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** An IANA zone name as EventBridge Scheduler and Intl both accept it, in its own spelling. */
export function isValidTimeZone(tz: string): boolean {
  return canonicalTimeZone(tz) !== undefined;
}

/**
 * The zone's canonical name ("US/Eastern" -> "America/New_York"), or undefined when `tz`
 * is not a zone. Case-only variants ("europe/berlin") are refused: Intl tolerates them,
 * EventBridge Scheduler does not.
 */
export function canonicalTimeZone(tz: string): string | undefined {
  if (typeof tz !== 'string' || !ZONE_NAME.test(tz) || !IANAZone.isValidZone(tz)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) return undefined;
  return resolved;
}

/** Inside [min, max) of local wall time; a window with min > max crosses midnight. */
export function isInsideWindow(at: Date, window: CallWindow, timezone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: zoneOf(timezone) });
  const now = (local.hour * 60 + local.minute) * MINUTE_MS + local.second * 1000 + local.millisecond;
  const min = clockMinutes(window.min) * MINUTE_MS;
  const max = clockMinutes(window.max) * MINUTE_MS;
  return min < max ? now >= min && now < max : now >= min || now < max;
}

/**
 * The first moment at or after `after` at which the window opens: the wall clock reaches
 * `min`, or a DST jump lands the wall clock inside the window (spring forward over
 * `min`, or fall back into the window's last hour).
 */
export function nextWindowOpening(after: Date, window: CallWindow, timezone: string): Date {
  const zone = zoneOf(timezone);
  const from = after.getTime();
  const isOpen = (ms: number) => isInsideWindow(new Date(ms), window, timezone);
  const firstDay = DateTime.fromMillis(from, { zone }).startOf('day');
  const candidates: number[] = transitionsBetween(zone, from, from + SEARCH_DAYS * DAY_MS);
  for (let day = 0; day <= SEARCH_DAYS; day += 1) {
    const date = firstDay.plus({ days: day });
    candidates.push(...wallTimeOccurrences(zone, date.year, date.month, date.day, clockMinutes(window.min)));
  }
  const openings = candidates.filter((ms) => ms >= from && isOpen(ms) && !isOpen(ms - 1));
  if (openings.length === 0) {
    throw new RangeError(`the call window ${window.min}-${window.max} never opens in ${timezone} after ${after.toISOString()}`);
  }
  return new Date(Math.min(...openings));
}

/** When the first attempt may be placed, given the earliest moment it could be. */
export function planAttemptTime(earliest: Date, settings: CallSettings, timezone: string): AttemptTime {
  const window = settings.window;
  if (!isEveryDay(settings.callDays)) return planOnCallDays(earliest, settings, timezone);
  if (!window) return { at: earliest };
  if (!isValidTimeZone(timezone))
    return {
      skip: `the agent's time zone "${timezone}" is not a valid IANA time zone, so the call window ${window.min}-${window.max} cannot be applied`,
    };
  if (isInsideWindow(earliest, window, timezone)) return { at: earliest };
  if (settings.carryOver) return { at: nextWindowOpening(earliest, window, timezone) };
  return {
    skip: `outside the call window ${window.min}-${window.max} (${timezone}): it was ${localClock(earliest, timezone)} there and carry_over is off`,
  };
}

/** planAttemptTime with call days: the window (if any) on allowed days only. */
function planOnCallDays(earliest: Date, settings: CallSettings, timezone: string): AttemptTime {
  const window = settings.window;
  const days = formatCallDays(settings.callDays ?? []);
  const rule = window ? `the call window ${window.min}-${window.max} on ${days}` : `the call days ${days}`;
  if (!isValidTimeZone(timezone))
    return { skip: `the agent's time zone "${timezone}" is not a valid IANA time zone, so ${rule} cannot be applied` };
  if (isAllowedMoment(earliest, window, settings.callDays, timezone)) return { at: earliest };
  if (settings.carryOver) return { at: nextAllowedOpening(earliest, window, settings.callDays, timezone) };
  const local = DateTime.fromJSDate(earliest, { zone: zoneOf(timezone) });
  return {
    skip: `outside ${rule} (${timezone}): it was ${local.toFormat('ccc')} ${localClock(earliest, timezone)} there and carry_over is off`,
  };
}

/** "HH:MM" of `at` in `timezone`, for reasons shown to operators. */
export function localClock(at: Date, timezone: string): string {
  const local = DateTime.fromJSDate(at, { zone: zoneOf(timezone) });
  return formatClockTime(local.hour * 60 + local.minute);
}

function zoneOf(timezone: string): IANAZone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`"${timezone}" is not a valid IANA time zone`);
  return zone;
}

/** Every instant a local wall time occurs on a date: none in a DST gap, two when the clock falls back. */
function wallTimeOccurrences(zone: IANAZone, year: number, month: number, day: number, minutesOfDay: number): number[] {
  const wallAsUtc = Date.UTC(year, month - 1, day) + minutesOfDay * MINUTE_MS;
  // Each offset the zone uses around that day gives a candidate; it is real when the zone agrees.
  const offsets = new Set([zone.offset(wallAsUtc - DAY_MS), zone.offset(wallAsUtc), zone.offset(wallAsUtc + DAY_MS)]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const ms = wallAsUtc - offset * MINUTE_MS;
    if (zone.offset(ms) === offset) instants.push(ms);
  }
  return instants;
}

/** Instants in [from, to] where the zone's UTC offset changes (at most one per day). */
function transitionsBetween(zone: IANAZone, from: number, to: number): number[] {
  const found: number[] = [];
  for (let start = from; start < to; start += DAY_MS) {
    let low = start;
    let high = Math.min(start + DAY_MS, to);
    const before = zone.offset(low);
    if (zone.offset(high) === before) continue;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (zone.offset(mid) === before) low = mid;
      else high = mid;
    }
    found.push(high);
  }
  return found;
}
