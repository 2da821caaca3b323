import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import type { AttemptOutcome } from '../../core/model';
import type { CallbackEvent, CallbackInput, PlaceCallRequest, VoiceProvider } from '../../core/ports';
import {
  ApiBaseUrlSchema,
  hubdialMetadata,
  jobFromMetadata,
  jobFromQuery,
  parseJson,
  parseSettings,
  pick,
  stringAt,
  stringSetting,
  TokenSchema,
} from './adapter';
import { DEFAULT_TIMEOUT_MS, sendCreateCall, urlSecrets } from './platform-request';
import { TimeoutSchema, timeoutOf } from './settings';

// Vapi (README, "Voice providers"). POST /call with the assistant, the phone number
// and our statusCallbackUrl as the call's server URL; Vapi posts the end-of-call-report
// there. The URL's token is the proof: Vapi signs nothing we can check per agent.

export const VAPI_API = 'https://api.vapi.ai';

const Settings = v.object({
  provider: v.literal('vapi'),
  apiKey: TokenSchema,
  assistantId: TokenSchema,
  phoneNumberId: TokenSchema,
  apiBaseUrl: v.optional(ApiBaseUrlSchema),
  timeoutMs: TimeoutSchema,
});

const HELP = {
  apiKey: 'voice.apiKey is required: your Vapi private API key (Vapi dashboard > API Keys > Private Key, not the public key)',
  assistantId: 'voice.assistantId is required: the Vapi assistant that speaks on the call (Assistants > your assistant > its ID)',
  phoneNumberId: 'voice.phoneNumberId is required: the id of the Vapi phone number calls come from (Phone Numbers > your number > its ID)',
  apiBaseUrl: `voice.apiBaseUrl, when given, is an http(s) URL used instead of ${VAPI_API}`,
  timeoutMs: `voice.timeoutMs, when given, is how long to wait for Vapi: an integer from 100 to 15000 (default ${DEFAULT_TIMEOUT_MS})`,
};

const SECRETS = ['apiKey'] as const;

const COMPLETED = new Set([
  'customer-ended-call',
  'assistant-said-end-call-phrase',
  'assistant-forwarded-call',
  'silence-timed-out',
  'exceeded-max-duration',
]);

/** Vapi's endedReason as an attempt outcome. */
export function vapiOutcome(reason: string | undefined): AttemptOutcome {
  if (!reason) return 'failed';
  if (reason === 'customer-did-not-answer') return 'no-answer';
  if (reason === 'customer-busy') return 'busy';
  if (reason === 'voicemail') return 'voicemail';
  if (COMPLETED.has(reason) || reason.startsWith('assistant-ended-call') || reason.endsWith('-completed-call')) return 'completed';
  return 'failed';
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const apiKey = stringSetting(config, 'apiKey');
  const base = stringSetting(config, 'apiBaseUrl') || VAPI_API;
  const body = JSON.stringify({
    assistantId: stringSetting(config, 'assistantId'),
    phoneNumberId: stringSetting(config, 'phoneNumberId'),
    customer: { number: request.to },
    assistantOverrides: {
      variableValues: request.variables,
      metadata: hubdialMetadata(request),
      server: { url: request.statusCallbackUrl },
      serverMessages: ['end-of-call-report'],
    },
  });
  const reply = await sendCreateCall({
    label: 'Vapi',
    url: `${base.replace(/\/+$/, '')}/call`,
    headers: { authorization: `Bearer ${apiKey}` },
    body,
    timeoutMs: timeoutOf(config),
    sensitive: [apiKey, ...urlSecrets(request.statusCallbackUrl)],
  });
  const id = stringAt(reply.json, 'id');
  if (id) return { providerCallId: id };
  throw new VoiceProviderError(
    `Vapi answered HTTP ${reply.status} without a call id; the call may have been placed`,
    'uncertain',
    reply.status,
  );
}

function secondsBetween(start: string | undefined, end: string | undefined): number | undefined {
  const a = start ? Date.parse(start) : Number.NaN;
  const b = end ? Date.parse(end) : Number.NaN;
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? (b - a) / 1000 : undefined;
}

function parse(input: CallbackInput): CallbackEvent | undefined {
  const message = pick(parseJson(input.rawBody), 'message');
  const type = stringAt(message, 'type');
  if (!type) return undefined;
  if (type !== 'end-of-call-report') return { kind: 'progress', event: type };
  const reason = stringAt(message, 'endedReason');
  return {
    kind: 'outcome',
    outcome: vapiOutcome(reason),
    providerReason: reason,
    providerCallId: stringAt(message, 'call', 'id'),
    durationSeconds: secondsBetween(stringAt(message, 'startedAt'), stringAt(message, 'endedAt')),
    transcript: stringAt(message, 'artifact', 'transcript'),
    recordingUrl: stringAt(message, 'artifact', 'recordingUrl'),
    summary: stringAt(message, 'analysis', 'summary'),
  };
}

export const vapiVoiceProvider: VoiceProvider = {
  name: 'vapi',
  secretSettings: SECRETS,
  pacingDefaults: { maxLiveCalls: 10 },
  callbackUrl: 'per-call',
  parseConfig: (input) => parseSettings('vapi', Settings, input, HELP, SECRETS),
  placeCall,
  identify: (input) =>
    jobFromQuery(input) ?? jobFromMetadata(pick(parseJson(input.rawBody), 'message', 'call', 'assistantOverrides', 'metadata')),
  verify: (input, check) => check.tokens.attemptTokenValid(check.job, input.query.token),
  parse,
};
