// Parsers for the flags that mirror the webhook's call parameters. They reject bad
// input before any request, naming the flag, so a typo never reaches HubSpot's config.
import { InvalidArgumentError } from 'commander';
import { checkCallDays, checkGaps, checkRetries, type FieldCheck } from '../functions/core/call-settings';
import { parseClockTime } from '../functions/core/clock-time';
import type { CallDefaults, VariableMapping } from './admin-client';

/** "09:00-18:00" (or "9:00-18:00", as the webhook accepts) -> {min, max}; may cross midnight. */
export function parseWindow(value: string): { min: string; max: string } {
  const [rawMin, rawMax, ...rest] = value.split('-').map((part) => part.trim());
  const min = rawMin === undefined ? undefined : parseClockTime(rawMin);
  const max = rawMax === undefined ? undefined : parseClockTime(rawMax);
  if (!min || !max || rest.length > 0) {
    throw new InvalidArgumentError('Use HH:MM-HH:MM in 24 h time, e.g. 09:00-18:00.');
  }
  if (min === max) throw new InvalidArgumentError('The window opens and closes at the same minute; leave --window out to allow any time.');
  return { min, max };
}

export function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('Use true or false.');
}

// The same checks the webhook applies, so a URL the CLI prints is one the server accepts.
function fromCheck<T>(check: FieldCheck<T>): T {
  if (!check.ok || check.value === undefined) throw new InvalidArgumentError(check.ok ? 'A value is required.' : check.message);
  return check.value;
}

export function parseRetries(value: string): number {
  return fromCheck(checkRetries('--retries', value, 'query'));
}

/** "2,4,6" -> [2, 4, 6] hours; the last gap repeats server-side when the list is shorter. */
export function parseGaps(value: string): number[] {
  return fromCheck(checkGaps('--gaps', value, 'query'));
}

/** "mon-fri" or "mon,wed,fri" -> its canonical spelling, as the webhook's call_days. */
export function parseCallDaysFlag(value: string): string {
  return fromCheck(checkCallDays('--call-days', value, 'query'));
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('Use a whole number of 1 or more.');
  return Number(value);
}

/** "firstname=firstname" (agent variable = HubSpot property); "firstname" maps a property to the same name. */
export function collectVariable(value: string, previous: VariableMapping[] = []): VariableMapping[] {
  const [name, field = name, ...rest] = value.split('=').map((part) => part.trim());
  if (!name || !field || rest.length > 0) throw new InvalidArgumentError('Use VARIABLE=HUBSPOT_FIELD, e.g. firstname=firstname.');
  return [...previous, { name, source: 'hubspot', field }];
}

export interface CallFlags {
  window?: { min: string; max: string };
  carryOver?: boolean;
  retries?: number;
  gaps?: number[];
  callDays?: string;
}

/** The flags given, as the admin API's callDefaults keys; absent flags are absent. */
export function callDefaultsFrom(flags: CallFlags): CallDefaults {
  return {
    ...(flags.window ? { min_trigger_time: flags.window.min, max_trigger_time: flags.window.max } : {}),
    ...(flags.carryOver === undefined ? {} : { carry_over: flags.carryOver }),
    ...(flags.retries === undefined ? {} : { num_of_retries: flags.retries }),
    ...(flags.gaps === undefined ? {} : { gap_between_retries: flags.gaps }),
    ...(flags.callDays === undefined ? {} : { call_days: flags.callDays }),
  };
}
