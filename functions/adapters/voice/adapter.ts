import * as v from 'valibot';
import type { VoiceConfig } from '../../core/model';
import type { VoiceProvider } from '../../core/ports';

// What one voice adapter file hands the registry: the provider itself and the check of
// the settings an operator gives it in the admin agent body. Keeping the check beside
// the provider is what makes "new provider = one file + one registry line" true.

export type VoiceConfigResult = { ok: true; value: VoiceConfig } | { ok: false; error: { parameter: string; message: string } };

export interface VoiceAdapter {
  readonly provider: VoiceProvider;
  /** Validates `voice` from the admin body (provider already known) and fills defaults. */
  parseConfig(input: Record<string, unknown>): VoiceConfigResult;
}

export const REDACTED = '***';

export const SecretSchema = v.pipe(v.string(), v.minLength(16), v.maxLength(512));

/**
 * Runs `schema` over the settings and turns the first problem into an operator message
 * naming the parameter ("voice.url"). `help` lists every setting the provider accepts,
 * with the message shown when it is wrong; any other key is refused by name, so a typo
 * ("secert") is not silently dropped.
 */
export function parseSettings<TSchema extends v.GenericSchema<Record<string, unknown>, Record<string, unknown>>>(
  provider: string,
  schema: TSchema,
  input: Record<string, unknown>,
  help: Record<string, string>,
): { ok: true; value: v.InferOutput<TSchema> } | { ok: false; error: { parameter: string; message: string } } {
  const known = Object.keys(help);
  for (const key of Object.keys(input)) {
    if (key !== 'provider' && !known.includes(key)) {
      return fail(key, `voice.${key} is not a setting of the "${provider}" voice provider; its settings are: ${known.join(', ')}`);
    }
  }
  if (input.secret === REDACTED) {
    return fail(
      'secret',
      `voice.secret is "${REDACTED}", the placeholder admin responses show: send the real secret, or leave secret out to keep the stored one`,
    );
  }
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return { ok: true, value: parsed.output };
  const key = String(parsed.issues[0].path?.[0]?.key ?? '');
  return fail(key, help[key] ?? `voice settings are not valid for the "${provider}" provider`);
}

function fail(key: string, message: string): { ok: false; error: { parameter: string; message: string } } {
  return { ok: false, error: { parameter: key ? `voice.${key}` : 'voice', message } };
}
