import type { VoiceConfig } from '../../core/model';
import { REDACTED } from './adapter';

// Voice settings carry secrets and URLs that may hold credentials in their query
// string or user-info. These helpers decide what of them may leave the service: in an
// admin response, an error message, a log line.

const SECRET_KEY = /secret|token|password|passwd|api[-_]?key|credential/i;

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

function redactValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') return SECRET_KEY.test(key) ? REDACTED : stripUrl(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(key, item));
  if (value && typeof value === 'object') return redactObject(value as Record<string, unknown>);
  return value;
}

function redactObject<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).map(([k, val]) => [k, redactValue(k, val)])) as T;
}

/** For admin responses: secrets become "***", URLs lose query string and credentials. */
export function redactVoiceConfig(config: VoiceConfig): VoiceConfig {
  return { ...redactObject(config), provider: config.provider };
}
