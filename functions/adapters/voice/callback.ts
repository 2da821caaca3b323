import * as v from 'valibot';
import { ATTEMPT_OUTCOMES } from '../../core/model';
import type { CallbackCheck, CallbackEvent, CallbackInput } from '../../core/ports';
import type { DialJob } from '../../core/model';
import { legacyTokenValid } from '../../core/callback-url';
import { jobFromQuery, parseJson, stringSetting } from './adapter';
import { verifyBody } from './signing';

// The hubdial voice contract's callback (providers "http" and "simulator"): our
// statusCallbackUrl with its token, a body signed X-Hubdial-Signature with the agent's
// secret, and {callId, attempt, providerCallId, outcome, ...} in it.

export { ATTEMPT_OUTCOMES };

const Text = (max: number) => v.nullish(v.pipe(v.string(), v.maxLength(max)));

const OutcomeBody = v.object({
  callId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  providerCallId: Text(500),
  outcome: v.picklist(ATTEMPT_OUTCOMES),
  durationSeconds: v.nullish(v.pipe(v.number(), v.finite(), v.minValue(0))),
  providerReason: Text(200),
  summary: v.nullish(v.string()),
  transcript: v.nullish(v.string()),
  recordingUrl: Text(2048),
});

export function identifyByQuery(input: CallbackInput): DialJob | undefined {
  return jobFromQuery(input);
}

/** The URL token (service key, or the pre-upgrade token for calls in flight) and the body signature. */
export function verifySigned(input: CallbackInput, check: CallbackCheck): boolean {
  const secret = stringSetting(check.config, 'secret');
  const token = input.query.token;
  const tokenOk = check.tokens.attemptTokenValid(check.job, token) || legacyTokenValid(check.job, token, secret);
  return tokenOk && verifyBody(secret, input.rawBody, input.headers['x-hubdial-signature']);
}

/** The body of a verified callback; undefined when it is not the contract's shape or names another attempt. */
export function parseContractBody(input: CallbackInput, job: DialJob): CallbackEvent | undefined {
  const parsed = v.safeParse(OutcomeBody, parseJson(input.rawBody));
  if (!parsed.success) return undefined;
  const b = parsed.output;
  if (b.callId !== job.callId || b.attempt !== job.attempt) return undefined;
  const event: CallbackEvent = { kind: 'outcome', outcome: b.outcome };
  if (b.providerCallId != null) event.providerCallId = b.providerCallId;
  if (b.durationSeconds != null) event.durationSeconds = b.durationSeconds;
  if (b.providerReason != null) event.providerReason = b.providerReason;
  if (b.summary != null) event.summary = b.summary;
  if (b.transcript != null) event.transcript = b.transcript;
  if (b.recordingUrl != null) event.recordingUrl = b.recordingUrl;
  return event;
}
