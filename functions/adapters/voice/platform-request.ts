import { VoiceProviderError } from '../../core/errors';
import { postOnce } from './post-once';
import { maskAll, printableUrl } from './redact';

// One create-call request to a voice platform: one POST with a timeout and no retry
// of its own (the platforms' SDKs retry POSTs, and a retried create-call without an
// idempotency key can ring a person twice). Every failure becomes a VoiceProviderError
// whose kind says whether the request may have reached the platform (DESIGN, "Voice
// platforms"). Messages name the platform by origin + path and mask anything sensitive.

export const DEFAULT_TIMEOUT_MS = 5000;
const MAX_DETAIL_CHARS = 200;
/** Retry-After beyond this is clamped: the sweeper looks at attempts older than that anyway. */
const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Connection errors that prove nothing was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT']);

/** A refusal that means "your account is at its concurrent-call limit". */
const CONCURRENCY_WORDS = /concurren/i;

export interface PlatformRequest {
  /** How the platform is named in messages: "Retell", "voice back end", ... */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Strings that must never appear in a message (API keys, tokens). */
  sensitive: string[];
}

export interface PlatformReply {
  status: number;
  text: string;
  json: unknown;
}

export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function detailOf(text: string, sensitive: string[]): string {
  const detail = maskAll(text.replace(/\s+/g, ' ').trim(), sensitive);
  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail;
}

/** Every value in the query strings of these URLs, plus the whole query, for masking. */
export function urlSecrets(...urls: string[]): string[] {
  const parts: string[] = [];
  for (const raw of urls) {
    try {
      const u = new URL(raw);
      parts.push(u.search, u.password);
      for (const [, value] of u.searchParams) parts.push(value);
    } catch {
      /* nothing to mask */
    }
  }
  return parts.filter((p) => p.length > 0);
}

export async function sendCreateCall(req: PlatformRequest): Promise<PlatformReply> {
  const where = `${req.label} ${printableUrl(req.url)}`;
  const headers = { 'content-type': 'application/json', 'user-agent': 'hubdial', ...req.headers };
  const exchange = await postOnce(req.url, headers, req.body, req.timeoutMs);
  if (exchange.kind === 'timeout') {
    throw new VoiceProviderError(
      `no answer from ${where} within ${req.timeoutMs} ms; the call may have been placed, so it is not sent again`,
      'uncertain',
    );
  }
  if (exchange.kind === 'failed') {
    // Only the error code: Node's messages may quote the address they failed on.
    const { code } = exchange;
    if (code?.startsWith('ERR_INVALID'))
      throw new VoiceProviderError(`cannot send to ${where}: ${code} (check the configured url and keys)`, 'refused');
    if (code && NOT_SENT_CODES.has(code)) throw new VoiceProviderError(`could not reach ${where}: network error ${code}`, 'retry');
    throw new VoiceProviderError(
      `connection to ${where} broke off (network error ${code ?? 'unknown'}); the call may have been placed, so it is not sent again`,
      'uncertain',
    );
  }
  const { status, text, bodyError } = exchange;
  const ok = status >= 200 && status < 300;
  if (bodyError !== undefined && (ok || status >= 500)) {
    throw new VoiceProviderError(
      `${where} answered HTTP ${status} but its reply broke off (network error ${bodyError}); the call may have been placed`,
      'uncertain',
      status,
    );
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (ok) return { status, text, json };

  if (status >= 300 && status < 400) {
    throw new VoiceProviderError(`${where} answered HTTP ${status}: redirects are not followed, set the final address`, 'refused', status);
  }
  const detail = detailOf(text, req.sensitive);
  const said = `${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status >= 500) throw new VoiceProviderError(`${said}; the call may have been placed, so it is not sent again`, 'uncertain', status);
  if (CONCURRENCY_WORDS.test(text)) throw new VoiceProviderError(`${said} (concurrency limit: waiting for a free slot)`, 'busy', status);
  if (status === 429 || status === 408) {
    throw new VoiceProviderError(said, 'retry', status, retryAfterMs(exchange.retryAfter ?? null));
  }
  throw new VoiceProviderError(said, 'refused', status);
}
