import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { VoiceProviderError } from '../../core/errors';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '../../core/model';
import type { PlaceCallRequest, VoiceProvider } from '../../core/ports';
import { logger } from '../../commons/logger';
import { parseSettings, SecretSchema } from './adapter';
import { identifyByQuery, parseContractBody, verifySigned } from './callback';
import { printableUrl } from './redact';
import { SIGNATURE_HEADER, signBody } from './signing';

// Provider "simulator", for `npm start` and demos: it "places" every call at once and,
// a moment later, posts a signed outcome to the status-callback URL exactly as an http
// back end would, so the whole call-status path runs without a phone.

export const DEFAULT_DELAY_MS = 1500;
const CALLBACK_TIMEOUT_MS = 5000;

/** Without a script: mostly answered, sometimes not, now and then a retry-worthy miss. */
const OUTCOME_WEIGHTS: [AttemptOutcome, number][] = [
  ['completed', 50],
  ['no-answer', 25],
  ['busy', 10],
  ['voicemail', 10],
  ['failed', 5],
];

const SimulatorSettings = v.object({
  provider: v.literal('simulator'),
  secret: v.optional(SecretSchema, () => randomBytes(24).toString('base64url')),
  outcomes: v.optional(v.pipe(v.array(v.picklist(ATTEMPT_OUTCOMES)), v.minLength(1), v.maxLength(50))),
  delayMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600_000))),
});

const SETTINGS_HELP = {
  secret: 'voice.secret, when given, signs the simulated callbacks: 16 to 512 characters (leave it out and one is generated)',
  outcomes: `voice.outcomes, when given, scripts the outcome of each attempt (the last repeats): a non-empty list of ${ATTEMPT_OUTCOMES.map((o) => `"${o}"`).join(', ')}`,
  delayMs: `voice.delayMs, when given, is how long a simulated call lasts before its callback: an integer from 0 to 600000 (default ${DEFAULT_DELAY_MS})`,
};

function randomOutcome(): AttemptOutcome {
  const total = OUTCOME_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let pick = randomInt(total);
  for (const [outcome, weight] of OUTCOME_WEIGHTS) {
    if (pick < weight) return outcome;
    pick -= weight;
  }
  return 'completed';
}

/** Attempt n follows outcomes[n-1]; past the end of the script the last entry repeats. */
export function simulatedOutcome(attempt: number, outcomes: unknown): AttemptOutcome {
  const script = Array.isArray(outcomes)
    ? outcomes.filter((o): o is AttemptOutcome => (ATTEMPT_OUTCOMES as readonly unknown[]).includes(o))
    : [];
  if (script.length === 0) return randomOutcome();
  return script[Math.min(attempt, script.length) - 1] ?? randomOutcome();
}

function durationFor(outcome: AttemptOutcome): number | undefined {
  if (outcome === 'completed') return randomInt(30, 301);
  if (outcome === 'voicemail') return randomInt(15, 46);
  return undefined;
}

/** What a real platform would hand back, so the local journey shows it end to end. */
export function simulatedDetails(outcome: AttemptOutcome, providerCallId: string) {
  const providerReason = {
    completed: 'user_hangup',
    'no-answer': 'dial_no_answer',
    busy: 'dial_busy',
    voicemail: 'voicemail_reached',
    failed: 'dial_failed',
  }[outcome];
  if (outcome !== 'completed' && outcome !== 'voicemail') return { providerReason };
  const transcript =
    outcome === 'completed'
      ? 'Agent: Hi, this is the hubdial simulator calling about your sign-up.\nUser: Oh hi, yes.\nAgent: Would a demo next week suit you?\nUser: Tuesday works.\nAgent: Booked. Goodbye!'
      : 'Agent: Hi, this is the hubdial simulator. Sorry I missed you, I will try again later.';
  return {
    providerReason,
    summary: outcome === 'completed' ? 'Simulated call: the contact agreed to a demo on Tuesday.' : 'Simulated call: left a voicemail.',
    transcript,
    recordingUrl: `https://recordings.example.com/simulator/${providerCallId}.wav`,
  };
}

async function postOutcome(request: PlaceCallRequest, providerCallId: string, outcome: AttemptOutcome, secret: string): Promise<void> {
  const ids = { callId: request.callId, attempt: request.attempt, providerCallId, outcome };
  const body = JSON.stringify({
    callId: request.callId,
    attempt: request.attempt,
    providerCallId,
    outcome,
    durationSeconds: durationFor(outcome),
    ...simulatedDetails(outcome, providerCallId),
  });
  try {
    const res = await fetch(request.statusCallbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'hubdial-simulator', [SIGNATURE_HEADER]: signBody(secret, body) },
      body,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    logger.info('simulator posted a call outcome', { ...ids, status: res.status });
  } catch (err) {
    // The sweeper settles an attempt whose callback never arrives, as with a real back end.
    logger.warn('simulator could not post a call outcome', {
      ...ids,
      to: printableUrl(request.statusCallbackUrl),
      error: String((err as { name?: unknown } | undefined)?.name ?? 'error'),
    });
  }
}

async function placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }> {
  const secret = typeof config.secret === 'string' ? config.secret : '';
  if (!secret) throw new VoiceProviderError('the simulator voice provider has no voice.secret to sign its callbacks with', 'refused');
  try {
    new URL(request.statusCallbackUrl);
  } catch {
    throw new VoiceProviderError('the simulator was given a status callback URL it cannot parse', 'refused');
  }
  const delayMs = typeof config.delayMs === 'number' && config.delayMs >= 0 ? config.delayMs : DEFAULT_DELAY_MS;
  const outcome = simulatedOutcome(request.attempt, config.outcomes);
  const providerCallId = `sim_${randomUUID()}`;
  // unref: a pending simulated call must not keep a stopping process alive.
  setTimeout(() => void postOutcome(request, providerCallId, outcome, secret), delayMs).unref();
  return { providerCallId };
}

const SECRET_SETTINGS = ['secret'] as const;

export const simulatorVoiceProvider: VoiceProvider = {
  name: 'simulator',
  secretSettings: SECRET_SETTINGS,
  pacingDefaults: {},
  callbackUrl: 'per-call',
  parseConfig: (input) => parseSettings('simulator', SimulatorSettings, input, SETTINGS_HELP, SECRET_SETTINGS),
  placeCall,
  identify: identifyByQuery,
  verify: verifySigned,
  parse: parseContractBody,
};
