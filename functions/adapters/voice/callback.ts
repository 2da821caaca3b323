import * as v from 'valibot';
import type { CallOutcomeReport } from '../../core/ports';
import { verifyBody } from './signing';

// How every provider that speaks the hubdial voice contract reads a status callback:
// the signature over the raw body first, then the body's shape. Anything off is
// undefined, so the handler answers 401 without saying which check failed.

export const ATTEMPT_OUTCOMES = ['completed', 'no-answer', 'busy', 'failed', 'voicemail'] as const;

const OutcomeBody = v.object({
  callId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  providerCallId: v.nullish(v.pipe(v.string(), v.maxLength(500))),
  outcome: v.picklist(ATTEMPT_OUTCOMES),
  durationSeconds: v.nullish(v.pipe(v.number(), v.finite(), v.minValue(0))),
});

export function parseSignedOutcome(
  rawBody: string,
  headers: Record<string, string | undefined>,
  config: Record<string, unknown>,
): CallOutcomeReport | undefined {
  const secret = typeof config.secret === 'string' ? config.secret : '';
  if (!verifyBody(secret, rawBody, headers['x-hubdial-signature'])) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(OutcomeBody, body);
  if (!parsed.success) return undefined;
  const { callId, attempt, providerCallId, outcome, durationSeconds } = parsed.output;
  const report: CallOutcomeReport = { callId, attempt, outcome };
  if (providerCallId != null) report.providerCallId = providerCallId;
  if (durationSeconds != null) report.durationSeconds = durationSeconds;
  return report;
}
