import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import type { AttemptOutcome } from '../../core/model';
import type { CallbackCheck, CallbackEvent, CallbackInput, PlaceCallRequest, VoiceProvider } from '../../core/ports';
import {
  ApiBaseUrlSchema,
  hubdialMetadata,
  jobFromMetadata,
  parseJson,
  parseSettings,
  pick,
  secondsFrom,
  stringAt,
  stringSetting,
  TokenSchema,
} from './adapter';
import { DEFAULT_TIMEOUT_MS, sendCreateCall } from './platform-request';
import { E164Schema, TimeoutSchema, timeoutOf } from './settings';

// Retell AI (README, "Voice providers"). Calls are created with POST
// /v2/create-phone-call; their end reaches us on the agent webhook the operator sets in
// Retell (POST /call/status/retell), signed x-retell-signature with the account's API key.

export const RETELL_API = 'https://api.retellai.com';
/** Retell refuses a signature timestamp further than this from now, either way; so do we. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

const Settings = v.object({
  provider: v.literal('retell'),
  apiKey: TokenSchema,
  agentId: TokenSchema,
  fromNumber: E164Schema,
  apiBaseUrl: v.optional(ApiBaseUrlSchema),
  timeoutMs: TimeoutSchema,
});

const HELP = {
  apiKey:
    'voice.apiKey is required: your Retell API key (Retell dashboard > Settings > API Keys; the key with the webhook badge signs callbacks)',
  agentId: 'voice.agentId is required: the Retell agent that speaks on the call (Agents > your agent > the id under its name)',
  fromNumber: 'voice.fromNumber is required: the Retell phone number calls come from, in E.164 form such as "+14155550100"',
  apiBaseUrl: `voice.apiBaseUrl, when given, is an http(s) URL used instead of ${RETELL_API}`,
  timeoutMs: `voice.timeoutMs, when given, is how long to wait for Retell: an integer from 100 to 15000 (default ${DEFAULT_TIMEOUT_MS})`,
};

const SECRETS = ['apiKey'] as const;

const NO_ANSWER = new Set(['dial_no_answer', 'user_declined']);
const COMPLETED = new Set([
  'user_hangup',
  'agent_hangup',
  'call_transfer',
  'transfer_bridged',
  'transfer_cancelled',
  'inactivity',
  'max_duration_reached',
  'manual_stopped',
  'call_take_over',
]);

/** Retell's disconnection_reason (and call_analysis.in_voicemail) as an attempt outcome. */
export function retellOutcome(reason: string | undefined, inVoicemail?: boolean): AttemptOutcome {
  if (inVoicemail === true || reason === 'voicemail_reached') return 'voicemail';
  if (reason && NO_ANSWER.has(reason)) return 'no-answer';
  if (reason === 'dial_busy') return 'busy';
  if (reason && COMPLETED.has(reason)) return 'completed';
  return 'failed';
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const apiKey = stringSetting(config, 'apiKey');
  const base = stringSetting(config, 'apiBaseUrl') || RETELL_API;
  const body = JSON.stringify({
    from_number: stringSetting(config, 'fromNumber'),
    to_number: request.to,
    override_agent_id: stringSetting(config, 'agentId'),
    retell_llm_dynamic_variables: request.variables,
    metadata: hubdialMetadata(request),
  });
  const reply = await sendCreateCall({
    label: 'Retell',
    url: `${base.replace(/\/+$/, '')}/v2/create-phone-call`,
    headers: { authorization: `Bearer ${apiKey}` },
    body,
    timeoutMs: timeoutOf(config),
    sensitive: [apiKey],
  });
  const callId = stringAt(reply.json, 'call_id');
  if (callId) return { providerCallId: callId };
  throw new VoiceProviderError(
    `Retell answered HTTP ${reply.status} without a call_id; the call may have been placed`,
    'uncertain',
    reply.status,
  );
}

const SIGNATURE = /^v=(\d{10,16}),d=([0-9a-f]{64})$/i;

/** x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256(apiKey, rawBody + unix ms)>, at most 5 minutes off. */
export function verifyRetellSignature(apiKey: string, rawBody: string, header: string | undefined, now: Date): boolean {
  if (!apiKey || typeof header !== 'string') return false;
  const match = SIGNATURE.exec(header.trim());
  if (!match?.[1] || !match[2]) return false;
  const timestamp = match[1];
  if (Math.abs(now.getTime() - Number(timestamp)) > SIGNATURE_TOLERANCE_MS) return false;
  const expected = createHmac('sha256', apiKey)
    .update(rawBody + timestamp)
    .digest();
  return timingSafeEqual(Buffer.from(match[2], 'hex'), expected);
}

function details(call: unknown) {
  const analysis = pick(call, 'call_analysis');
  const durationMs = secondsFrom(pick(call, 'duration_ms'));
  return {
    providerCallId: stringAt(call, 'call_id'),
    durationSeconds: durationMs === undefined ? undefined : durationMs / 1000,
    transcript: stringAt(call, 'transcript'),
    recordingUrl: stringAt(call, 'recording_url'),
    summary: stringAt(analysis, 'call_summary'),
  };
}

function parse(input: CallbackInput): CallbackEvent | undefined {
  const body = parseJson(input.rawBody);
  const event = stringAt(body, 'event');
  const call = pick(body, 'call');
  if (!event || !call) return undefined;
  if (event === 'call_ended') {
    const reason = stringAt(call, 'disconnection_reason');
    const inVoicemail = pick(call, 'call_analysis', 'in_voicemail') === true;
    return { kind: 'outcome', outcome: retellOutcome(reason, inVoicemail), providerReason: reason, ...details(call) };
  }
  if (event === 'call_analyzed') return { kind: 'details', ...details(call) };
  return { kind: 'progress', event };
}

export const retellVoiceProvider: VoiceProvider = {
  name: 'retell',
  secretSettings: SECRETS,
  pacingDefaults: { maxLiveCalls: 20, callsPerSecond: 1 },
  callbackUrl: 'fixed',
  parseConfig: (input) => parseSettings('retell', Settings, input, HELP, SECRETS),
  placeCall,
  identify: (input) => jobFromMetadata(pick(parseJson(input.rawBody), 'call', 'metadata')),
  verify: (input: CallbackInput, check: CallbackCheck) =>
    verifyRetellSignature(stringSetting(check.config, 'apiKey'), input.rawBody, input.headers['x-retell-signature'], check.now),
  parse,
};
