// The webhook URL's query string, as HubSpot sends it:
// /call/crm-webhook?agent_id=AGENT&type=hubspot&x_api_key=KEY[&min_trigger_time=09:00...]
import * as v from 'valibot';
import {
  CALL_DEFAULT_KEYS,
  callDefaultsEntries,
  compactCallDefaults,
  fieldSchema,
  firstParamError,
  shown,
  type FieldCheck,
  type ParamError,
} from './call-settings';
import { ID_PATTERN } from './call-id';
import type { CallDefaults } from './model';

export type { ParamError } from './call-settings';

export interface WebhookQuery {
  agentId: string;
  type: 'hubspot';
  apiKey?: string;
  overrides: CallDefaults;
}

export const SUPPORTED_TYPES = ['hubspot'] as const;

const AGENT_ID = ID_PATTERN;

function checkAgentId(raw: unknown): FieldCheck<string> {
  const id = typeof raw === 'string' ? raw.trim() : raw;
  if (id === undefined || id === null || id === '')
    return { ok: false, message: 'agent_id is required: the id of the agent that should make the call (shown by `hubdial agents list`)' };
  if (typeof id === 'string' && AGENT_ID.test(id)) return { ok: true, value: id };
  return { ok: false, message: `agent_id must be 1 to 128 letters, digits, "_" or "-", got ${shown(raw)}` };
}

function checkType(raw: unknown): FieldCheck<'hubspot'> {
  const type = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (type === 'hubspot') return { ok: true, value: 'hubspot' };
  const supported = `supported types: ${SUPPORTED_TYPES.join(', ')}`;
  if (type === undefined || type === null || type === '')
    return { ok: false, message: `type is required (${supported}), e.g. type=hubspot` };
  return { ok: false, message: `type ${shown(raw)} is not supported (${supported})` };
}

/** Never echoes the value: it is a secret even when malformed. */
function checkApiKey(raw: unknown): FieldCheck<string> {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return { ok: true, value: undefined };
  if (typeof raw === 'string' && raw.trim().length <= 256) return { ok: true, value: raw.trim() };
  return { ok: false, message: 'x_api_key must be the API key text (at most 256 characters) as shown when the key was created' };
}

export const WebhookQuerySchema = v.object({
  agent_id: fieldSchema(checkAgentId),
  type: fieldSchema(checkType),
  x_api_key: fieldSchema(checkApiKey),
  ...callDefaultsEntries('', 'query'),
});

const KEYS = Object.keys(WebhookQuerySchema.entries);

/** Unknown parameters are ignored: HubSpot and operators' tools may add their own. */
export function parseWebhookQuery(
  query: Record<string, string | undefined>,
): { ok: true; value: WebhookQuery } | { ok: false; error: ParamError } {
  const source: Record<string, unknown> = typeof query === 'object' && query !== null ? query : {};
  // Only known keys, and only own ones, so "constructor" and friends never reach a rule.
  const picked = Object.fromEntries(KEYS.map((key) => [key, Object.hasOwn(source, key) ? source[key] : undefined]));
  const parsed = v.safeParse(WebhookQuerySchema, picked, { abortEarly: true });
  if (!parsed.success) return { ok: false, error: firstParamError(parsed.issues, '', 'query') };
  const out = parsed.output;
  const overrides = compactCallDefaults(Object.fromEntries(CALL_DEFAULT_KEYS.map((key) => [key, out[key]])) as CallDefaults);
  const value: WebhookQuery = { agentId: out.agent_id as string, type: 'hubspot', overrides };
  if (out.x_api_key !== undefined) value.apiKey = out.x_api_key;
  return { ok: true, value };
}
