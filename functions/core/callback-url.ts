import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DialJob } from './model';

// The status-callback URL handed to a provider names the call and attempt and carries
// a token signed with the agent's voice secret: a callback for another call or attempt,
// or from someone who guessed the URL shape, is refused before its body is even read.

function callbackToken(job: DialJob, secret: string): string {
  return createHmac('sha256', secret).update(`${job.callId}.${job.attempt}`).digest('base64url');
}

export function buildStatusCallbackUrl(publicBaseUrl: string, provider: string, job: DialJob, secret: string): string {
  const query = new URLSearchParams({ call_id: job.callId, attempt: String(job.attempt), token: callbackToken(job, secret) });
  return `${publicBaseUrl.replace(/\/+$/, '')}/call/status/${encodeURIComponent(provider)}?${query}`;
}

export function callbackTokenValid(job: DialJob, token: string | undefined, secret: string): boolean {
  if (!token) return false;
  const expected = Buffer.from(callbackToken(job, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
