// Runs a voice provider's callback path (identify by URL, verify, parse) the way the
// call-status handler does, for tests that hold a raw body and headers.
import { attemptToken, callbackTokens } from '../../functions/core/callback-url';
import type { DialJob } from '../../functions/core/model';
import type { VoiceProvider } from '../../functions/core/ports';

export const TEST_CALLBACK_KEY = 'test-callback-key-0123456789abcdef';

function jobInBody(rawBody: string): DialJob {
  try {
    const b = JSON.parse(rawBody);
    if (typeof b?.callId === 'string' && Number.isInteger(b?.attempt) && b.attempt >= 1) return { callId: b.callId, attempt: b.attempt };
  } catch {
    /* not JSON */
  }
  return { callId: 'c', attempt: 1 };
}

/** The verified report as {callId, attempt, ...what the platform said}, or undefined when it does not verify or parse. */
export function readCallback(
  provider: VoiceProvider,
  rawBody: string,
  headers: Record<string, string | undefined>,
  config: Record<string, unknown>,
  job: DialJob = jobInBody(rawBody),
  now = new Date(),
): Record<string, unknown> | undefined {
  const query = { call_id: job.callId, attempt: String(job.attempt), token: attemptToken(TEST_CALLBACK_KEY, job) };
  const input = { rawBody, headers, query };
  const check = { config, agentId: 'agt_test', job, tokens: callbackTokens(TEST_CALLBACK_KEY), now };
  if (!provider.verify(input, check)) return undefined;
  const event = provider.parse(input, job);
  if (!event) return undefined;
  const { kind: _kind, ...said } = event as Record<string, unknown>;
  return { callId: job.callId, attempt: job.attempt, ...Object.fromEntries(Object.entries(said).filter(([, v]) => v !== undefined)) };
}
