import type { Agent, Pacing, VoiceConfig } from '../../core/model';
import type { VoiceConfigResult, VoiceProvider, VoiceSettings } from '../../core/ports';
import { blandVoiceProvider } from './bland';
import { callkaroVoiceProvider } from './callkaro';
import { httpVoiceProvider } from './http';
import { redactSettings } from './redact';
import { retellVoiceProvider } from './retell';
import { simulatorVoiceProvider } from './simulator';
import { vapiVoiceProvider } from './vapi';

// The voice providers hubdial knows, by the name agents and callback URLs use.
// Adding a provider = one adapter file + one line here.
const PROVIDERS: readonly VoiceProvider[] = [
  httpVoiceProvider,
  simulatorVoiceProvider,
  retellVoiceProvider,
  vapiVoiceProvider,
  blandVoiceProvider,
  callkaroVoiceProvider,
];

const BY_NAME: ReadonlyMap<string, VoiceProvider> = new Map(PROVIDERS.map((p) => [p.name, p]));

export const VOICE_PROVIDERS: readonly string[] = Object.freeze(PROVIDERS.map((p) => p.name));

export function voiceProvider(name: string): VoiceProvider | undefined {
  return BY_NAME.get(name);
}

/** For admin responses: the provider's declared secrets become "***", URLs lose their query. */
export function redactVoiceConfig(config: VoiceConfig): VoiceConfig {
  // A provider no longer registered declares nothing: every setting of it is hidden.
  const secrets = voiceProvider(config.provider)?.secretSettings ?? Object.keys(config).filter((k) => k !== 'provider');
  return redactSettings(config, secrets);
}

/** The agent's pacing with the provider's defaults filled in; an absent limit is unlimited. */
export function effectivePacing(agent: Pick<Agent, 'pacing' | 'voice'>): Pacing {
  const defaults = voiceProvider(agent.voice.provider)?.pacingDefaults ?? {};
  const out: Pacing = {};
  const maxLiveCalls = agent.pacing?.maxLiveCalls ?? defaults.maxLiveCalls;
  const callsPerSecond = agent.pacing?.callsPerSecond ?? defaults.callsPerSecond;
  if (maxLiveCalls !== undefined) out.maxLiveCalls = maxLiveCalls;
  if (callsPerSecond !== undefined) out.callsPerSecond = callsPerSecond;
  return out;
}

/** Checks `voice` from the admin agent body; the value is what gets stored. */
export function validateVoiceConfig(input: unknown): VoiceConfigResult {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      error: {
        parameter: 'voice',
        message: `voice must be an object such as {"provider": "simulator"}; providers: ${VOICE_PROVIDERS.join(', ')}`,
      },
    };
  }
  const settings = input as Record<string, unknown>;
  const provider = typeof settings.provider === 'string' ? voiceProvider(settings.provider) : undefined;
  if (!provider) {
    const given = settings.provider === undefined ? 'missing' : JSON.stringify(settings.provider);
    return {
      ok: false,
      error: { parameter: 'voice.provider', message: `voice.provider must be one of: ${VOICE_PROVIDERS.join(', ')} (got ${given})` },
    };
  }
  return provider.parseConfig(settings);
}

/** The VoiceSettings port (functions/core/ports.ts) over the registered providers. */
export const voiceSettings: VoiceSettings = { validate: validateVoiceConfig, redact: redactVoiceConfig };
