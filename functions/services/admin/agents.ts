// Agents: created, listed (with the webhook URL to paste into HubSpot), read, replaced
// (keeping the voice secrets the operator could not see) and deleted.
import { webhookUrlFor } from '../../core/admin-contract';
import type { AgentView, Items, ListedAgentView } from '../../core/admin-views';
import { parseAgentInput, type AgentInput } from '../../core/agent-input';
import { newId } from '../../core/call-id';
import { isObject } from '../../core/json';
import { DEFAULT_WORKSPACE, type Agent } from '../../core/model';
import { keepStoredVoiceSettings } from '../../core/voice-secrets';
import { logger } from '../../commons/logger';
import { voiceView } from '../../commons/voice';
import { notifyTargetView } from '../../core/notify-target';
import { agentNotFound, type AdminDeps, type AdminResult, invalidParameter, noContent, reply, type UseCase } from './result';

export const createAgent: UseCase<AgentView> = async (deps, { body }) => {
  const input = agentInput(deps, body);
  if (!input.ok) return input.reply;
  const now = deps.now().toISOString();
  const agent: Agent = { id: newId('agt_'), workspaceId: DEFAULT_WORKSPACE, ...input.value, createdAt: now, updatedAt: now };
  await deps.store.putAgent(agent);
  logger.info('agent created', { agentId: agent.id });
  return reply(await agentView(deps, agent), 201);
};

export const replaceAgent: UseCase<AgentView> = async (deps, { body, params }) => {
  const id = params.id ?? '';
  const existing = await workspaceAgent(deps, id);
  if (!existing) return agentNotFound(id);
  const input = agentInput(deps, body, existing);
  if (!input.ok) return input.reply;
  const agent: Agent = { ...existing, ...input.value, updatedAt: deps.now().toISOString() };
  if (!(await deps.store.putAgent(agent, { mustExist: true }))) return agentNotFound(id);
  return reply(await agentView(deps, agent));
};

export const listAgents: UseCase<Items<ListedAgentView>> = async (deps, { host }) => {
  const agents = await deps.store.listAgents(DEFAULT_WORKSPACE);
  // Without PUBLIC_BASE_URL on AWS, the API's own host is the public base (one HTTP API serves both).
  const base = deps.publicBaseUrl || `https://${host}`;
  const items = await Promise.all(agents.map(async (a) => ({ ...(await agentView(deps, a)), webhookUrl: webhookUrlFor(base, a.id) })));
  return reply({ items });
};

export const getAgent: UseCase<AgentView> = async (deps, { params }) => {
  const id = params.id ?? '';
  const agent = await workspaceAgent(deps, id);
  return agent ? reply(await agentView(deps, agent)) : agentNotFound(id);
};

export const deleteAgent: UseCase<undefined> = async (deps, { params }) => {
  const id = params.id ?? '';
  const agent = await workspaceAgent(deps, id);
  if (!agent || !(await deps.store.deleteAgent(id))) return agentNotFound(id);
  logger.info('agent deleted', { agentId: id });
  return noContent();
};

function agentInput(
  deps: AdminDeps,
  body: Record<string, unknown>,
  existing?: Agent,
): { ok: true; value: AgentInput } | { ok: false; reply: AdminResult<never> } {
  if (existing && isObject(body.voice) && body.voice.provider === existing.voice.provider) {
    body.voice = keepStoredVoiceSettings(body.voice, existing.voice, deps.voiceSettings.redact(existing.voice));
  }
  const parsed = parseAgentInput(body, deps.voiceSettings.validate, existing?.notify);
  if (!parsed.ok) return { ok: false, reply: invalidParameter(parsed.error.parameter, parsed.error.message) };
  return parsed;
}

async function workspaceAgent(deps: AdminDeps, id: string): Promise<Agent | undefined> {
  const agent = await deps.store.getAgent(id);
  return agent && agent.workspaceId === DEFAULT_WORKSPACE ? agent : undefined;
}

async function agentView(deps: AdminDeps, agent: Agent): Promise<AgentView> {
  const view = await voiceView(deps.store, deps.publicBaseUrl ?? '', agent);
  return agent.notify ? { ...view, notify: notifyTargetView(agent.notify) } : view;
}
