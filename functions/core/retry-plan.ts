// When a call that did not connect is tried again: `num_of_retries` more attempts after
// the first, spaced by `gap_between_retries` (the last gap repeats), and always inside
// the call window. A retry is never dropped for carry_over=false: that setting decides
// whether a contact is called at all, not whether a started conversation continues.
import { isInsideWindow, isValidTimeZone, nextWindowOpening } from './call-window';
import { SERVICE_DEFAULTS } from './call-settings';
import { isEveryDay, nextAllowedOpening } from './call-days';
import type { AttemptOutcome, CallSettings } from './model';

export type RetryPlan = { at: Date; attempt: number } | { exhausted: string };

const HOUR_MS = 3_600_000;

/** Retry 1 waits gapHours[0], retry 2 gapHours[1], ...; past the end the last gap repeats. */
export function gapHoursForRetry(gapHours: number[], retryNumber: number): number {
  const gaps = gapHours.length > 0 ? gapHours : SERVICE_DEFAULTS.gapHours;
  const index = Math.min(Math.max(Math.floor(retryNumber), 1), gaps.length) - 1;
  return gaps[index] ?? gaps[gaps.length - 1] ?? 2;
}

/** How an attempt's outcome reads in a reason. */
export const OUTCOME_WORDS: Record<AttemptOutcome, string> = {
  completed: 'connected',
  'no-answer': 'no answer',
  busy: 'line busy',
  failed: 'call failed',
  voicemail: 'reached voicemail',
};

/**
 * @param attemptsMade attempts already made, the one that just ended included (first = 1)
 * @param lastOutcome  the outcome of that attempt, for the reason when no retry is left
 */
export function planRetry(
  settings: CallSettings,
  attemptsMade: number,
  lastAttemptEndedAt: Date,
  timezone: string,
  lastOutcome?: AttemptOutcome,
): RetryPlan {
  const made = Math.max(Math.floor(attemptsMade), 1);
  if (lastOutcome === 'completed') return { exhausted: `connected on attempt ${made}: no retry needed` };
  const allowed = 1 + settings.numOfRetries;
  if (made >= allowed) {
    const what = lastOutcome ? OUTCOME_WORDS[lastOutcome] : 'not connected';
    return { exhausted: `${what} after ${made} attempt${made === 1 ? '' : 's'} (num_of_retries=${settings.numOfRetries})` };
  }
  const gap = gapHoursForRetry(settings.gapHours, made);
  const due = new Date(lastAttemptEndedAt.getTime() + Math.round(gap * HOUR_MS));
  const window = settings.window;
  if (!isEveryDay(settings.callDays)) {
    if (!isValidTimeZone(timezone)) return { exhausted: `no retry: the agent's time zone "${timezone}" is not a valid IANA time zone` };
    return { at: nextAllowedOpening(due, window, settings.callDays, timezone), attempt: made + 1 };
  }
  if (!window) return { at: due, attempt: made + 1 };
  if (!isValidTimeZone(timezone)) {
    return {
      exhausted: `no retry: the agent's time zone "${timezone}" is not a valid IANA time zone, so the call window ${window.min}-${window.max} cannot be applied`,
    };
  }
  const at = isInsideWindow(due, window, timezone) ? due : nextWindowOpening(due, window, timezone);
  return { at, attempt: made + 1 };
}
