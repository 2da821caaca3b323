import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import type { AttemptOutcome } from '../../core/model';
import type { CallbackEvent, CallbackInput, PlaceCallRequest, VoiceProvider } from '../../core/ports';
import {
  ApiBaseUrlSchema,
  fail,
  hubdialMetadata,
  jobFromMetadata,
  jobFromQuery,
  parseJson,
  parseSettings,
  pick,
  secondsFrom,
  stringAt,
  stringSetting,
  TokenSchema,
} from './adapter';
import { DEFAULT_TIMEOUT_MS, sendCreateCall, urlSecrets } from './platform-request';
import { E164Schema, TimeoutSchema, timeoutOf } from './settings';

// Bland AI (README, "Voice providers"). POST /v1/calls with a pathway or a task and
// our statusCallbackUrl as the call's webhook. The URL's token proves the callback; with
// a webhookSecret, Bland's X-Webhook-Signature must match too.

export const BLAND_API = 'https://api.bland.ai';

const Settings = v.object({
  provider: v.literal('bland'),
  apiKey: TokenSchema,
  pathwayId: v.optional(TokenSchema),
  task: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(20_000))),
  fromNumber: v.optional(E164Schema),
  webhookSecret: v.optional(v.pipe(v.string(), v.minLength(8), v.maxLength(512))),
  apiBaseUrl: v.optional(ApiBaseUrlSchema),
  timeoutMs: TimeoutSchema,
});

const HELP = {
  apiKey: 'voice.apiKey is required: your Bland API key (Bland dashboard > Settings > API Key)',
  pathwayId: 'voice.pathwayId, when given, is the Bland conversational pathway id to follow (give pathwayId or task)',
  task: 'voice.task, when given, is the prompt that tells the Bland agent what to do on the call (give pathwayId or task)',
  fromNumber: 'voice.fromNumber, when given, is a Bland number you own to call from, in E.164 form such as "+14155550100"',
  webhookSecret:
    'voice.webhookSecret, when given, is the Bland webhook signing secret (Settings > Keys > Replace Secret) that X-Webhook-Signature must match',
  apiBaseUrl: `voice.apiBaseUrl, when given, is an http(s) URL used instead of ${BLAND_API}`,
  timeoutMs: `voice.timeoutMs, when given, is how long to wait for Bland: an integer from 100 to 15000 (default ${DEFAULT_TIMEOUT_MS})`,
};

const SECRETS = ['apiKey', 'webhookSecret'] as const;

/** Bland's status (and answered_by) as an attempt outcome. */
export function blandOutcome(status: string | undefined, answeredBy?: string): AttemptOutcome {
  if (status === 'no-answer') return 'no-answer';
  if (status === 'busy') return 'busy';
  if (status === 'completed') return answeredBy === 'voicemail' ? 'voicemail' : 'completed';
  return 'failed';
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const apiKey = stringSetting(config, 'apiKey');
  const base = stringSetting(config, 'apiBaseUrl') || BLAND_API;
  const pathwayId = stringSetting(config, 'pathwayId');
  const fromNumber = stringSetting(config, 'fromNumber');
  const body = JSON.stringify({
    phone_number: request.to,
    ...(pathwayId ? { pathway_id: pathwayId } : { task: stringSetting(config, 'task') }),
    ...(fromNumber ? { from: fromNumber } : {}),
    request_data: request.variables,
    metadata: hubdialMetadata(request),
    webhook: request.statusCallbackUrl,
    record: true,
  });
  const reply = await sendCreateCall({
    label: 'Bland',
    url: `${base.replace(/\/+$/, '')}/v1/calls`,
    headers: { authorization: apiKey },
    body,
    timeoutMs: timeoutOf(config),
    sensitive: [apiKey, ...urlSecrets(request.statusCallbackUrl)],
  });
  const callId = stringAt(reply.json, 'call_id');
  if (stringAt(reply.json, 'status') === 'success' && callId) return { providerCallId: callId };
  if (stringAt(reply.json, 'status') === 'error') {
    const message = stringAt(reply.json, 'message') ?? 'no message';
    throw new VoiceProviderError(`Bland refused the call: ${message.slice(0, 200)}`, 'refused', reply.status);
  }
  throw new VoiceProviderError(
    `Bland answered HTTP ${reply.status} without a call_id; the call may have been placed`,
    'uncertain',
    reply.status,
  );
}

function signatureMatches(secret: string, rawBody: string, header: string | undefined): boolean {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/i.test(header.trim())) return false;
  return timingSafeEqual(Buffer.from(header.trim(), 'hex'), createHmac('sha256', secret).update(rawBody).digest());
}

function parse(input: CallbackInput): CallbackEvent | undefined {
  const body = parseJson(input.rawBody);
  const status = stringAt(body, 'status');
  if (!status) return undefined;
  return {
    kind: 'outcome',
    outcome: blandOutcome(status, stringAt(body, 'answered_by')),
    providerReason: status,
    providerCallId: stringAt(body, 'call_id'),
    durationSeconds: secondsFrom(pick(body, 'corrected_duration')),
    transcript: stringAt(body, 'concatenated_transcript'),
    summary: stringAt(body, 'summary'),
    recordingUrl: stringAt(body, 'recording_url'),
  };
}

export const blandVoiceProvider: VoiceProvider = {
  name: 'bland',
  secretSettings: SECRETS,
  pacingDefaults: { maxLiveCalls: 10 },
  callbackUrl: 'per-call',
  parseConfig: (input) => {
    const parsed = parseSettings('bland', Settings, input, HELP, SECRETS);
    if (parsed.ok && !parsed.value.pathwayId === !parsed.value.task) {
      return fail('pathwayId', 'voice.pathwayId or voice.task is required (exactly one): the Bland pathway to follow, or the task prompt');
    }
    return parsed;
  },
  placeCall,
  identify: (input) => jobFromQuery(input) ?? jobFromMetadata(pick(parseJson(input.rawBody), 'metadata')),
  verify: (input, check) => {
    if (!check.tokens.attemptTokenValid(check.job, input.query.token)) return false;
    const secret = stringSetting(check.config, 'webhookSecret');
    return !secret || signatureMatches(secret, input.rawBody, input.headers['x-webhook-signature']);
  },
  parse,
};
