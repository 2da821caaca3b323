// Call settings: the rules for each setting, shared by the webhook query string and the
// agent admin body, and the merge "query over agent defaults over service defaults".
import * as v from 'valibot';
import { formatCallDays, isEveryDay, parseCallDays } from './call-days';
import { parseClockTime } from './clock-time';
import { shown } from './json';
import type { CallDefaults, CallSettings } from './model';

export type ParamError = { parameter: string; message: string };

export const SERVICE_DEFAULTS: CallSettings = Object.freeze({
  carryOver: true,
  numOfRetries: 0,
  gapHours: Object.freeze([2]) as number[],
});

export const MAX_RETRIES = 10;
/** A week: a longer gap is almost certainly hours typed as minutes or days. */
export const MAX_GAP_HOURS = 168;
export const MAX_GAPS = 10;

export const CALL_DEFAULT_KEYS = [
  'min_trigger_time',
  'max_trigger_time',
  'carry_over',
  'num_of_retries',
  'gap_between_retries',
  'call_days',
] as const;

/** Where a value came from: query strings carry only text, the admin body carries JSON types. */
export type ValueSource = 'query' | 'json';

/** One setting checked: `value` undefined means "not set here". */
export type FieldCheck<T> = { ok: true; value: T | undefined } | { ok: false; message: string };

export function checkClockTime(name: string, raw: unknown, _source: ValueSource): FieldCheck<string> {
  if (isAbsent(raw)) return { ok: true, value: undefined };
  const time = typeof raw === 'string' ? parseClockTime(raw) : undefined;
  return time ? { ok: true, value: time } : { ok: false, message: `${name} must be HH:MM (24-hour), got ${shown(raw)}` };
}

export function checkCarryOver(name: string, raw: unknown, source: ValueSource): FieldCheck<boolean> {
  if (isAbsent(raw)) return { ok: true, value: undefined };
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (source === 'query' && typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (word === 'true' || word === '1') return { ok: true, value: true };
    if (word === 'false' || word === '0') return { ok: true, value: false };
  }
  const accepted = source === 'query' ? 'true or false (or 1 / 0)' : 'true or false (a JSON boolean)';
  return { ok: false, message: `${name} must be ${accepted}, got ${shown(raw)}` };
}

export function checkRetries(name: string, raw: unknown, source: ValueSource): FieldCheck<number> {
  if (isAbsent(raw)) return { ok: true, value: undefined };
  let count: number | undefined;
  if (typeof raw === 'number') count = raw;
  else if (source === 'query' && typeof raw === 'string' && /^\d{1,3}$/.test(raw.trim())) count = Number(raw.trim());
  if (count !== undefined && Number.isInteger(count) && count >= 0 && count <= MAX_RETRIES) return { ok: true, value: count };
  return { ok: false, message: `${name} must be a whole number from 0 to ${MAX_RETRIES}, got ${shown(raw)}` };
}

const HOURS = /^(\d+(\.\d*)?|\.\d+)$/;

export function checkGaps(name: string, raw: unknown, source: ValueSource): FieldCheck<number[]> {
  if (isAbsent(raw)) return { ok: true, value: undefined };
  const expected = `${name} must be a comma-separated list of hours between attempts, each more than 0 and at most ${MAX_GAP_HOURS} (e.g. 2,4,6 or 0.5,2)`;
  // Text ("2,4,6") from a URL or a JSON string; numbers only from a JSON array.
  let items: unknown[];
  if (typeof raw === 'string') items = raw.split(',').map((part) => (HOURS.test(part.trim()) ? Number(part.trim()) : Number.NaN));
  else if (Array.isArray(raw) && source === 'json') items = raw;
  else return { ok: false, message: `${expected}, got ${shown(raw)}` };
  if (items.length > MAX_GAPS)
    return { ok: false, message: `${name} may list at most ${MAX_GAPS} gaps (the last one repeats), got ${items.length}` };
  const hours: number[] = [];
  for (const item of items) {
    const gap = typeof item === 'number' ? item : Number.NaN;
    if (!Number.isFinite(gap) || gap <= 0 || gap > MAX_GAP_HOURS) return { ok: false, message: `${expected}, got ${shown(raw)}` };
    hours.push(gap);
  }
  if (hours.length === 0) return { ok: false, message: `${expected}, got an empty list` };
  return { ok: true, value: hours };
}

/** `call_days`: "mon-fri", "mon,wed,fri", "sat-sun"; stored in its canonical spelling. */
export function checkCallDays(name: string, raw: unknown, _source: ValueSource): FieldCheck<string> {
  if (isAbsent(raw)) return { ok: true, value: undefined };
  const parsed = typeof raw === 'string' ? parseCallDays(raw) : undefined;
  if (parsed?.ok) return { ok: true, value: formatCallDays(parsed.value) };
  return {
    ok: false,
    message: `${name} must list days or ranges of days, such as mon-fri or mon,wed,fri (mon tue wed thu fri sat sun), got ${shown(raw)}`,
  };
}

/** A valibot schema around a FieldCheck, so every setting has exactly one rule and one message. */
export function fieldSchema<T>(check: (raw: unknown) => FieldCheck<T>) {
  return v.pipe(
    v.unknown(),
    v.rawTransform<unknown, T | undefined>(({ dataset, addIssue, NEVER }) => {
      const result = check(dataset.value);
      if (result.ok) return result.value;
      addIssue({ message: result.message });
      return NEVER;
    }),
  );
}

/** valibot entries for the five settings, with parameter names as the operator wrote them. */
export function callDefaultsEntries(prefix: string, source: ValueSource) {
  return {
    min_trigger_time: fieldSchema((raw) => checkClockTime(`${prefix}min_trigger_time`, raw, source)),
    max_trigger_time: fieldSchema((raw) => checkClockTime(`${prefix}max_trigger_time`, raw, source)),
    carry_over: fieldSchema((raw) => checkCarryOver(`${prefix}carry_over`, raw, source)),
    num_of_retries: fieldSchema((raw) => checkRetries(`${prefix}num_of_retries`, raw, source)),
    gap_between_retries: fieldSchema((raw) => checkGaps(`${prefix}gap_between_retries`, raw, source)),
    call_days: fieldSchema((raw) => checkCallDays(`${prefix}call_days`, raw, source)),
  };
}

/** Only the settings that were given, so a merge never mistakes "absent" for a value. */
export function compactCallDefaults(values: CallDefaults): CallDefaults {
  const out: CallDefaults = {};
  if (values.min_trigger_time !== undefined) out.min_trigger_time = values.min_trigger_time;
  if (values.max_trigger_time !== undefined) out.max_trigger_time = values.max_trigger_time;
  if (values.carry_over !== undefined) out.carry_over = values.carry_over;
  if (values.num_of_retries !== undefined) out.num_of_retries = values.num_of_retries;
  if (values.gap_between_retries !== undefined) out.gap_between_retries = [...values.gap_between_retries];
  if (values.call_days !== undefined) out.call_days = values.call_days;
  return out;
}

/** The first valibot issue as a ParamError naming the parameter. */
export function firstParamError(issues: readonly v.BaseIssue<unknown>[], prefix: string, whole: string): ParamError {
  const issue = issues[0];
  const key = issue?.path?.[0]?.key;
  return {
    parameter: typeof key === 'string' ? `${prefix}${key}` : whole,
    message: issue?.message ?? `${whole} is not valid`,
  };
}

const CallDefaultsSchema = v.object(callDefaultsEntries('callDefaults.', 'json'));

/** The agent admin body's `callDefaults`: JSON types, same limits as the webhook query. */
export function parseCallDefaults(input: unknown): { ok: true; value: CallDefaults } | { ok: false; error: ParamError } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return paramError(
      'callDefaults',
      `callDefaults must be an object such as {"min_trigger_time": "09:00", "max_trigger_time": "18:00", "carry_over": true, "num_of_retries": 3, "gap_between_retries": [2, 4, 6]}, got ${shown(input)}`,
    );
  }
  const body = input as Record<string, unknown>;
  // A misspelt setting silently ignored would be a call at the wrong time.
  const unknown = Object.keys(body).find((key) => !(CALL_DEFAULT_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) {
    return paramError(`callDefaults.${unknown}`, `callDefaults.${unknown} is not a known setting; use ${CALL_DEFAULT_KEYS.join(', ')}`);
  }
  const picked = Object.fromEntries(CALL_DEFAULT_KEYS.map((key) => [key, Object.hasOwn(body, key) ? body[key] : undefined]));
  const parsed = v.safeParse(CallDefaultsSchema, picked, { abortEarly: true });
  if (!parsed.success) return { ok: false, error: firstParamError(parsed.issues, 'callDefaults.', 'callDefaults') };
  const value = compactCallDefaults(parsed.output);
  const window = checkWindow(value.min_trigger_time, value.max_trigger_time, 'callDefaults.');
  return window ? { ok: false, error: window } : { ok: true, value };
}

/** Query overrides agent defaults overrides SERVICE_DEFAULTS, setting by setting. */
export function resolveCallSettings(
  query: CallDefaults,
  agentDefaults: CallDefaults | undefined,
): { ok: true; value: CallSettings } | { ok: false; error: ParamError } {
  const agent = agentDefaults ?? {};
  // The window is one setting: a query that names either end replaces the agent's whole
  // window, so one end from the URL never pairs with the other from the agent (20:00..18:00).
  const fromQuery = query.min_trigger_time !== undefined || query.max_trigger_time !== undefined;
  const min = fromQuery ? query.min_trigger_time : agent.min_trigger_time;
  const max = fromQuery ? query.max_trigger_time : agent.max_trigger_time;
  const windowError = checkWindow(min, max, '', { min: origin(query.min_trigger_time), max: origin(query.max_trigger_time) });
  if (windowError) return { ok: false, error: windowError };
  const settings: CallSettings = {
    carryOver: query.carry_over ?? agent.carry_over ?? SERVICE_DEFAULTS.carryOver,
    numOfRetries: query.num_of_retries ?? agent.num_of_retries ?? SERVICE_DEFAULTS.numOfRetries,
    gapHours: [...(nonEmpty(query.gap_between_retries) ?? nonEmpty(agent.gap_between_retries) ?? SERVICE_DEFAULTS.gapHours)],
  };
  if (min !== undefined && max !== undefined) settings.window = { min, max };
  const dayText = query.call_days ?? agent.call_days;
  const days = dayText !== undefined ? parseCallDays(dayText) : undefined;
  if (days?.ok && !isEveryDay(days.value)) settings.callDays = days.value;
  return { ok: true, value: settings };
}

function checkWindow(
  min: string | undefined,
  max: string | undefined,
  prefix: string,
  from?: { min: string; max: string },
): ParamError | undefined {
  const minName = `${prefix}min_trigger_time`;
  const maxName = `${prefix}max_trigger_time`;
  if (min !== undefined && max === undefined) {
    return {
      parameter: maxName,
      message: `${maxName} is required when ${minName} is set (${minName}=${min}${from ? ` ${from.min}` : ''}): give both times for a call window, or neither to call at any time`,
    };
  }
  if (max !== undefined && min === undefined) {
    return {
      parameter: minName,
      message: `${minName} is required when ${maxName} is set (${maxName}=${max}${from ? ` ${from.max}` : ''}): give both times for a call window, or neither to call at any time`,
    };
  }
  if (min !== undefined && min === max) {
    return {
      parameter: maxName,
      message: `${minName} and ${maxName} are both ${min}, which leaves no time to call; a window may cross midnight, e.g. 22:00 to 06:00`,
    };
  }
  return undefined;
}

function origin(fromQuery: string | undefined): string {
  return fromQuery === undefined ? "from the agent's callDefaults" : 'from the webhook URL';
}

function nonEmpty(list: number[] | undefined): number[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function isAbsent(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

function paramError(parameter: string, message: string): { ok: false; error: ParamError } {
  return { ok: false, error: { parameter, message } };
}

/** Re-exported where callers found it before it moved to ./json. */
export { shown };
