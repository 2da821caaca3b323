import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import type { PlaceCallRequest, VoiceProvider } from '../../core/ports';
import { parseSettings, SecretSchema, type VoiceAdapter } from './adapter';
import { parseSignedOutcome } from './callback';
import { printableUrl } from './redact';
import { SIGNATURE_HEADER, signBody } from './signing';

// Provider "http": a generic back end the operator runs (see docs/architecture.md,
// "Adding a voice platform"). Every failure becomes a VoiceProviderError whose `retryable` tells the dial
// handler whether the queue should try again; its message is stored on the call record
// and logged, so it names the back end by origin + path only and never repeats the
// secret or a query string.

export const DEFAULT_TIMEOUT_MS = 5000;
const MAX_DETAIL_CHARS = 200;

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const HttpSettings = v.object({
  provider: v.literal('http'),
  url: v.pipe(v.string(), v.maxLength(2048), v.check(isHttpUrl)),
  secret: SecretSchema,
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(15_000))),
});

const SETTINGS_HELP = {
  url: 'voice.url is required: the http or https URL hubdial POSTs each call to, e.g. "https://voice.example.com/calls"',
  secret: 'voice.secret is required: a shared secret of 16 to 512 characters used to sign requests and callbacks (X-Hubdial-Signature)',
  timeoutMs: `voice.timeoutMs, when given, is how long to wait for the back end: an integer from 100 to 15000 (default ${DEFAULT_TIMEOUT_MS})`,
};

function timeoutOf(config: Record<string, unknown>): number {
  const t = config.timeoutMs;
  return typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}

function failureReason(err: unknown, timeoutMs: number): string {
  // Duck-typed: the abort arrives as a DOMException, which is not always an Error instance.
  const e = (err ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause;
  // Only the error code: undici's messages may quote the address they failed on.
  return typeof cause?.code === 'string' ? `network error ${cause.code}` : 'network error';
}

/** A short, single-line piece of the back end's reply with anything sensitive masked. */
function replyDetail(text: string, sensitive: string[]): string {
  let detail = text.replace(/\s+/g, ' ').trim();
  for (const s of sensitive) if (s.length >= 4) detail = detail.split(s).join('***');
  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail;
}

function sensitiveParts(url: string, secret: string, request: PlaceCallRequest): string[] {
  const parts = [secret];
  for (const raw of [url, request.statusCallbackUrl]) {
    try {
      const u = new URL(raw);
      parts.push(u.search, u.password);
      for (const [, value] of u.searchParams) parts.push(value);
    } catch {
      /* nothing to mask */
    }
  }
  return parts.sort((a, b) => b.length - a.length);
}

function providerCallIdOf(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const id = body && typeof body === 'object' ? (body as { providerCallId?: unknown }).providerCallId : undefined;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const url = typeof config.url === 'string' ? config.url : '';
  const secret = typeof config.secret === 'string' ? config.secret : '';
  if (!isHttpUrl(url) || !secret) {
    throw new VoiceProviderError('the http voice provider is not configured: the agent needs voice.url and voice.secret', false);
  }
  const where = printableUrl(url);
  const timeoutMs = timeoutOf(config);
  const { callId, attempt, agentId, to, variables, statusCallbackUrl } = request;
  const body = JSON.stringify({ callId, attempt, agentId, to, variables, statusCallbackUrl });

  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      // After a timeout the same attempt may be sent again: the key lets a back end ignore the repeat.
      headers: {
        'content-type': 'application/json',
        'user-agent': 'hubdial',
        [SIGNATURE_HEADER]: signBody(secret, body),
        'idempotency-key': `${request.callId}-${request.attempt}`,
      },
      body,
      // A redirect would turn the POST into a GET elsewhere: report it instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new VoiceProviderError(`could not reach the voice back end ${where}: ${failureReason(err, timeoutMs)}`, true);
  }

  let text = '';
  try {
    text = await res.text();
  } catch (err) {
    if (res.ok) {
      // The back end said yes but the reply broke off: the call may be ringing, so a
      // retry could dial the contact twice.
      throw new VoiceProviderError(
        `voice back end ${where} answered HTTP ${res.status} but its reply could not be read (${failureReason(err, timeoutMs)})`,
        false,
        res.status,
      );
    }
  }

  if (res.ok) {
    const providerCallId = providerCallIdOf(text);
    if (providerCallId) return { providerCallId };
    throw new VoiceProviderError(
      `voice back end ${where} answered HTTP ${res.status} without a providerCallId string in a JSON reply`,
      false,
      res.status,
    );
  }
  const detail =
    res.status >= 300 && res.status < 400
      ? 'redirects are not followed, set voice.url to the final address'
      : replyDetail(text, sensitiveParts(url, secret, request));
  // 408 and 429 are the back end asking to be asked again later, like a 5xx.
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new VoiceProviderError(`voice back end ${where} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, retryable, res.status);
}

export const httpVoiceProvider: VoiceProvider = {
  name: 'http',
  placeCall,
  parseCallback: parseSignedOutcome,
};

export const httpVoice: VoiceAdapter = {
  provider: httpVoiceProvider,
  parseConfig: (input) => parseSettings('http', HttpSettings, input, SETTINGS_HELP),
};
