import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import type { PlaceCallRequest, VoiceProvider } from '../../core/ports';
import { isHttpUrl, parseSettings, SecretSchema, stringSetting } from './adapter';
import { identifyByQuery, parseContractBody, verifySigned } from './callback';
import { DEFAULT_TIMEOUT_MS, sendCreateCall, urlSecrets } from './platform-request';
import { SIGNATURE_HEADER, signBody } from './signing';

// Provider "http": a generic back end the operator runs (see docs/architecture.md,
// "Adding a voice platform"). A request that may have reached the back end (timeout,
// 5xx) is never sent again: the attempt waits for the callback, or for the sweeper's
// callback timeout.

export { DEFAULT_TIMEOUT_MS };

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

const SECRET_SETTINGS = ['secret'] as const;

export function timeoutOf(config: Record<string, unknown>): number {
  const t = config.timeoutMs;
  return typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}

function providerCallIdOf(json: unknown): string | undefined {
  const id = json && typeof json === 'object' ? (json as { providerCallId?: unknown }).providerCallId : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const url = stringSetting(config, 'url');
  const secret = stringSetting(config, 'secret');
  if (!isHttpUrl(url) || !secret) {
    throw new VoiceProviderError('the http voice provider is not configured: the agent needs voice.url and voice.secret', 'refused');
  }
  const { callId, attempt, agentId, to, variables, statusCallbackUrl } = request;
  const body = JSON.stringify({ callId, attempt, agentId, to, variables, statusCallbackUrl });
  const reply = await sendCreateCall({
    label: 'voice back end',
    url,
    // The key lets a back end recognise a resend after a 429 as the same attempt.
    headers: { [SIGNATURE_HEADER]: signBody(secret, body), 'idempotency-key': `${callId}-${attempt}` },
    body,
    timeoutMs: timeoutOf(config),
    sensitive: [secret, ...urlSecrets(url, statusCallbackUrl)],
  });
  const providerCallId = providerCallIdOf(reply.json);
  if (providerCallId) return { providerCallId };
  // It said yes without the id: the call may be ringing, so it is not sent again.
  throw new VoiceProviderError(
    `voice back end answered HTTP ${reply.status} without a providerCallId string in a JSON reply`,
    'uncertain',
    reply.status,
  );
}

export const httpVoiceProvider: VoiceProvider = {
  name: 'http',
  secretSettings: SECRET_SETTINGS,
  pacingDefaults: {},
  callbackUrl: 'per-call',
  parseConfig: (input) => parseSettings('http', HttpSettings, input, SETTINGS_HELP, SECRET_SETTINGS),
  placeCall,
  identify: identifyByQuery,
  verify: verifySigned,
  parse: parseContractBody,
};
