import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import type { AttemptOutcome } from '../../core/model';
import type { CallbackEvent, CallbackInput, PlaceCallRequest, VoiceProvider } from '../../core/ports';
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
import { TimeoutSchema, timeoutOf } from './settings';

// CallKaro (README, "Voice providers"). POST /call/outbound with the variables and
// our ids in metadata and CallKaro's own retries off (hubdial plans retries). Its
// call_ended webhook goes to the one URL the operator pastes into the CallKaro agent;
// CallKaro signs nothing, so that URL carries a per-agent token.

export const CALLKARO_API = 'https://api.callkaro.ai';

const Settings = v.object({
  provider: v.literal('callkaro'),
  apiKey: TokenSchema,
  agentId: TokenSchema,
  apiBaseUrl: v.optional(ApiBaseUrlSchema),
  timeoutMs: TimeoutSchema,
});

const HELP = {
  apiKey: 'voice.apiKey is required: your CallKaro API key (CallKaro dashboard > API Key)',
  agentId: 'voice.agentId is required: the CallKaro agent that speaks on the call (Agents > your agent > its id)',
  apiBaseUrl: `voice.apiBaseUrl, when given, is an http(s) URL used instead of ${CALLKARO_API}`,
  timeoutMs: `voice.timeoutMs, when given, is how long to wait for CallKaro: an integer from 100 to 15000 (default ${DEFAULT_TIMEOUT_MS})`,
};

const SECRETS = ['apiKey'] as const;

const NO_ANSWER = new Set(['USER_UNAVAILABLE', 'USER_REJECTED']);
const COMPLETED = new Set(['CLIENT_INITIATED', 'PARTICIPANT_REMOVED', 'SESSION_TIMEOUT']);

/** CallKaro's hangup_reason as an attempt outcome. */
export function callkaroOutcome(reason: string | undefined): AttemptOutcome {
  if (reason && NO_ANSWER.has(reason)) return 'no-answer';
  if (reason === 'VOICEMAIL_DETECTED') return 'voicemail';
  if (reason && COMPLETED.has(reason)) return 'completed';
  return 'failed';
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const apiKey = stringSetting(config, 'apiKey');
  const base = stringSetting(config, 'apiBaseUrl') || CALLKARO_API;
  const body = JSON.stringify({
    to_number: request.to,
    agent_id: stringSetting(config, 'agentId'),
    // Our ids last: a mapped variable of the same name cannot replace them.
    metadata: { ...request.variables, ...hubdialMetadata(request) },
    number_of_retries: 0,
  });
  const reply = await sendCreateCall({
    label: 'CallKaro',
    url: `${base.replace(/\/+$/, '')}/call/outbound`,
    headers: { 'x-api-key': apiKey },
    body,
    timeoutMs: timeoutOf(config),
    sensitive: [apiKey],
  });
  const sid = stringAt(reply.json, 'call_sid');
  if (sid) return { providerCallId: sid };
  throw new VoiceProviderError(
    `CallKaro answered HTTP ${reply.status} without a call_sid; the call may have been placed`,
    'uncertain',
    reply.status,
  );
}

function parse(input: CallbackInput): CallbackEvent | undefined {
  const body = parseJson(input.rawBody);
  const event = stringAt(body, 'event');
  const data = pick(body, 'data');
  if (!event || !data) return undefined;
  if (event !== 'call_ended') return { kind: 'progress', event };
  const reason = stringAt(data, 'hangup_reason');
  return {
    kind: 'outcome',
    outcome: callkaroOutcome(reason),
    providerReason: reason,
    providerCallId: stringAt(data, 'callSid'),
    durationSeconds: secondsFrom(pick(data, 'call_duration')),
    transcript: stringAt(data, 'transcription'),
    recordingUrl: stringAt(data, 'recordingUrl'),
  };
}

export const callkaroVoiceProvider: VoiceProvider = {
  name: 'callkaro',
  secretSettings: SECRETS,
  pacingDefaults: { maxLiveCalls: 10 },
  callbackUrl: 'per-agent',
  parseConfig: (input) => parseSettings('callkaro', Settings, input, HELP, SECRETS),
  placeCall,
  identify: (input) => jobFromMetadata(pick(parseJson(input.rawBody), 'data', 'call_metadata')),
  // The pasted URL names the agent and carries its token; the call must be that agent's.
  verify: (input, check) => input.query.agent_id === check.agentId && check.tokens.agentTokenValid(check.agentId, input.query.token),
  parse,
};
