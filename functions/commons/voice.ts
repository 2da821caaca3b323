// The voice platform facts handlers need (pacing in effect, the callback key, an agent's
// voice settings as admin shows them), chosen here in the composition room so handlers
// never import a concrete adapter.
export { callbackKey } from '../adapters/voice/callback-key';
export { effectivePacing } from '../adapters/voice/registry';
import { buildAgentWebhookUrl, perCallWebhookUrl } from '../core/callback-url';
import type { AgentView } from '../core/admin-views';
import type { Agent } from '../core/model';
import type { Store } from '../core/ports';
import { callbackKey } from '../adapters/voice/callback-key';
import { effectivePacing, redactVoiceConfig, voiceProvider } from '../adapters/voice/registry';

// An agent as the admin API shows it: voice settings without their declared secrets,
// voice.webhookUrl (the URL to paste into the platform, or the one hubdial hands it per
// call without call_id/attempt/token), and the pacing in effect.

export async function voiceView(store: Store, publicBaseUrl: string, agent: Agent): Promise<AgentView> {
  const provider = voiceProvider(agent.voice.provider);
  const name = agent.voice.provider;
  let webhookUrl: string;
  if (provider?.callbackUrl === 'per-agent') webhookUrl = buildAgentWebhookUrl(publicBaseUrl, name, agent.id, await callbackKey(store));
  else if (provider?.callbackUrl === 'fixed') webhookUrl = buildAgentWebhookUrl(publicBaseUrl, name, agent.id, undefined);
  else webhookUrl = perCallWebhookUrl(publicBaseUrl, name);
  const pacing = effectivePacing(agent);
  return {
    ...agent,
    voice: { ...redactVoiceConfig(agent.voice), webhookUrl },
    pacing: { maxLiveCalls: pacing.maxLiveCalls ?? null, callsPerSecond: pacing.callsPerSecond ?? null },
  };
}
