import type { VoiceConfig } from '../../core/model';
import { REDACTED } from './adapter';

// Voice settings carry secrets and URLs that may hold credentials in their query
// string or user-info. Which settings are secret is the adapter's declaration
// (secretSettings), not a guess from the key's name.

/** Origin + path only: never the query string, fragment or user-info. */
export function printableUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(unparseable url)';
  }
}

function stripUrl(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value;
  try {
    const u = new URL(value);
    u.search = '';
    u.hash = '';
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return value;
  }
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return stripUrl(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  return value;
}

/** For admin responses: declared secrets become "***", URLs lose query string and credentials. */
export function redactSettings(config: VoiceConfig, secretSettings: readonly string[]): VoiceConfig {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    shown[key] = secretSettings.includes(key) ? (value === undefined ? undefined : REDACTED) : redactValue(value);
  }
  return { ...shown, provider: config.provider };
}

/** Masks every sensitive string inside a piece of a platform's reply before it is stored or logged. */
export function maskAll(text: string, sensitive: readonly string[]): string {
  let out = text;
  for (const s of [...sensitive].sort((a, b) => b.length - a.length)) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
