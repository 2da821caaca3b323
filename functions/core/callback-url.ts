import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CallbackTokens } from './ports';
import type { DialJob } from './model';

// The URLs voice platforms call back on, and the tokens in them. Tokens are signed with
// the service-level callback key, never with an agent's voice secret or API key: an
// operator rotating those must not make the callbacks of calls in flight fail.
//   per call  (http, simulator, vapi, bland): /call/status/<provider>?call_id=&attempt=&token=
//   per agent (callkaro, pasted once):        /call/status/<provider>?agent_id=&token=
//   retell signs its callbacks itself:        /call/status/retell

const TOKEN_VERSION = 'v1';

function sign(key: string, subject: string): string {
  return `${TOKEN_VERSION}.${createHmac('sha256', key).update(subject).digest('base64url')}`;
}

function same(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function attemptToken(key: string, job: DialJob): string {
  return sign(key, `attempt:${job.callId}.${job.attempt}`);
}

export function agentToken(key: string, agentId: string): string {
  return sign(key, `agent:${agentId}`);
}

function statusPath(publicBaseUrl: string, provider: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/call/status/${encodeURIComponent(provider)}`;
}

export function buildStatusCallbackUrl(publicBaseUrl: string, provider: string, job: DialJob, key: string): string {
  const query = new URLSearchParams({ call_id: job.callId, attempt: String(job.attempt), token: attemptToken(key, job) });
  return `${statusPath(publicBaseUrl, provider)}?${query}`;
}

/** The URL an operator pastes into a platform that calls one fixed URL per agent. */
export function buildAgentWebhookUrl(publicBaseUrl: string, provider: string, agentId: string, key: string | undefined): string {
  if (key === undefined) return statusPath(publicBaseUrl, provider);
  const query = new URLSearchParams({ agent_id: agentId, token: agentToken(key, agentId) });
  return `${statusPath(publicBaseUrl, provider)}?${query}`;
}

/** Per-call URL as shown to operators: call_id, attempt and token are hubdial's to fill in. */
export function perCallWebhookUrl(publicBaseUrl: string, provider: string): string {
  return statusPath(publicBaseUrl, provider);
}

export function callbackTokens(key: string): CallbackTokens {
  return {
    attemptTokenValid: (job, token) => key.length > 0 && same(attemptToken(key, job), token),
    agentTokenValid: (agentId, token) => key.length > 0 && same(agentToken(key, agentId), token),
  };
}

/** The token format before the service key existed (HMAC with the agent's http secret), for calls in flight across an upgrade. */
export function legacyTokenValid(job: DialJob, token: string | undefined, secret: string): boolean {
  if (!secret) return false;
  return same(createHmac('sha256', secret).update(`${job.callId}.${job.attempt}`).digest('base64url'), token);
}
