import * as v from 'valibot';
import { DEFAULT_TIMEOUT_MS } from './platform-request';

// Settings schemas more than one platform adapter uses.

export const E164Schema = v.pipe(v.string(), v.regex(/^\+[1-9]\d{6,14}$/));

export const TimeoutSchema = v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(15_000)));

export function timeoutOf(config: Record<string, unknown>): number {
  const t = config.timeoutMs;
  return typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}
