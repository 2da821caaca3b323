import type { VoiceProvider, VoiceSettings } from '../../core/ports';
import type { VoiceAdapter, VoiceConfigResult } from './adapter';
import { httpVoice } from './http';
import { simulatorVoice } from './simulator';
import { redactVoiceConfig } from './redact';

export { redactVoiceConfig } from './redact';

// The voice providers hubdial knows, by the name agents and callback URLs use.
// Adding a provider = one adapter file + one line here.
const ADAPTERS: Readonly<Record<string, VoiceAdapter>> = {
  http: httpVoice,
  simulator: simulatorVoice,
};

export const VOICE_PROVIDERS: readonly string[] = Object.freeze(Object.keys(ADAPTERS));

function adapterFor(name: string): VoiceAdapter | undefined {
  return Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name] : undefined;
}

export function voiceProvider(name: string): VoiceProvider | undefined {
  return adapterFor(name)?.provider;
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
  const adapter = typeof settings.provider === 'string' ? adapterFor(settings.provider) : undefined;
  if (!adapter) {
    const given = settings.provider === undefined ? 'missing' : JSON.stringify(settings.provider);
    return {
      ok: false,
      error: { parameter: 'voice.provider', message: `voice.provider must be one of: ${VOICE_PROVIDERS.join(', ')} (got ${given})` },
    };
  }
  return adapter.parseConfig(settings);
}

/** The VoiceSettings port (functions/core/ports.ts) over the registered providers. */
export const voiceSettings: VoiceSettings = { validate: validateVoiceConfig, redact: redactVoiceConfig };
