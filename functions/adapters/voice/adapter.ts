import * as v from 'valibot';
import type { CallbackInput, VoiceConfigResult } from '../../core/ports';
import type { DialJob, VoiceConfig } from '../../core/model';
import { isObject, parseJson } from '../../core/json';

// Pieces every voice adapter file shares: the settings check with operator messages,
// and reading our ids back from what a platform echoes.

export type { VoiceConfigResult } from '../../core/ports';

export const REDACTED = '***';

export const SecretSchema = v.pipe(v.string(), v.minLength(16), v.maxLength(512));
/** A platform API key or id: printable, no spaces, bounded. */
export const TokenSchema = v.pipe(v.string(), v.trim(), v.regex(/^[\x21-\x7e]{1,512}$/));

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export const ApiBaseUrlSchema = v.pipe(v.string(), v.maxLength(2048), v.check(isHttpUrl));

/**
 * Runs `schema` over the settings and turns the first problem into an operator message
 * naming the parameter ("voice.url"). `help` lists every setting the provider accepts,
 * with the message shown when it is wrong; any other key is refused by name, so a typo
 * ("secert") is not silently dropped. A secret sent back as the "***" the admin API
 * shows is refused with a message saying so.
 */
export function parseSettings<TSchema extends v.GenericSchema<Record<string, unknown>, Record<string, unknown>>>(
  provider: string,
  schema: TSchema,
  input: Record<string, unknown>,
  help: Record<string, string>,
  secretSettings: readonly string[] = [],
): VoiceConfigResult {
  const known = Object.keys(help);
  for (const key of Object.keys(input)) {
    if (key !== 'provider' && key !== 'webhookUrl' && !known.includes(key)) {
      return fail(key, `voice.${key} is not a setting of the "${provider}" voice provider; its settings are: ${known.join(', ')}`);
    }
  }
  for (const key of secretSettings) {
    if (input[key] === REDACTED) {
      return fail(
        key,
        `voice.${key} is "${REDACTED}", the placeholder admin responses show: send the real value, or leave ${key} out to keep the stored one`,
      );
    }
  }
  // webhookUrl is shown by the admin API, never set: a GET sent back as a PUT keeps working.
  const { webhookUrl: _shown, ...settings } = input;
  const parsed = v.safeParse(schema, settings);
  if (parsed.success) return { ok: true, value: parsed.output as VoiceConfig };
  const key = String(parsed.issues[0].path?.[0]?.key ?? '');
  return fail(key, help[key] ?? `voice settings are not valid for the "${provider}" provider`);
}

export function fail(key: string, message: string): { ok: false; error: { parameter: string; message: string } } {
  return { ok: false, error: { parameter: key ? `voice.${key}` : 'voice', message } };
}

export { isObject, parseJson };

/** Walks `path` through nested objects. */
export function pick(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path) {
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  const found = pick(value, ...path);
  return typeof found === 'string' && found.length > 0 ? found : undefined;
}

const CALL_ID = /^[A-Za-z0-9_-]{1,200}$/;

function attemptNumber(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** Our ids in a platform's echoed metadata: {"hubdial_call_id": "...", "hubdial_attempt": "<n>"}. */
export function jobFromMetadata(metadata: unknown): DialJob | undefined {
  const callId = pick(metadata, 'hubdial_call_id');
  const attempt = attemptNumber(pick(metadata, 'hubdial_attempt'));
  return typeof callId === 'string' && CALL_ID.test(callId) && attempt !== undefined ? { callId, attempt } : undefined;
}

/** Our ids in the per-call status URL hubdial handed the platform. */
export function jobFromQuery(input: CallbackInput): DialJob | undefined {
  const callId = input.query.call_id;
  const attempt = attemptNumber(input.query.attempt);
  return callId && CALL_ID.test(callId) && attempt !== undefined ? { callId, attempt } : undefined;
}

export function sameJob(a: DialJob | undefined, b: DialJob): boolean {
  return a !== undefined && a.callId === b.callId && a.attempt === b.attempt;
}

/** The metadata every create-call request carries (strings, as README "Voice providers" says). */
export function hubdialMetadata(request: { callId: string; attempt: number }): { hubdial_call_id: string; hubdial_attempt: string } {
  return { hubdial_call_id: request.callId, hubdial_attempt: String(request.attempt) };
}

/** Seconds from a number or a numeric string; undefined for anything else. */
export function secondsFrom(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function stringSetting(config: Record<string, unknown>, key: string): string {
  const value = config[key];
  return typeof value === 'string' ? value : '';
}
