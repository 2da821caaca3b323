// A test call: an operator hears the agent without HubSpot. One attempt now, whatever the
// agent's window and retries, through the same call record and dial path as every call.
import { randomBytes } from 'node:crypto';
import type { ParamError } from './call-settings';
import { newCall } from './call-state';
import type { Agent, CallRecord, CallSettings } from './model';
import { normalizePhone } from './phone';

/** No window, no retry: the operator asked for one call, now. */
export const TEST_CALL_SETTINGS: CallSettings = Object.freeze({ carryOver: true, numOfRetries: 0, gapHours: [2] }) as CallSettings;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_VARIABLES = 50;
const MAX_VALUE_LENGTH = 1000;

export interface TestCallInput {
  to: string;
  variables: Record<string, string>;
}

/** `{to, variables?}`: `to` is normalised with the agent's defaultCountry, variables are strings. */
export function parseTestCallInput(
  body: Record<string, unknown>,
  agent: Pick<Agent, 'defaultCountry'>,
): { ok: true; value: TestCallInput } | { ok: false; error: ParamError } {
  if (typeof body.to !== 'string' || !body.to.trim()) {
    return fail(
      'to',
      "to is required: the phone number to ring, E.164 such as +14155550123 (or national, with the agent's defaultCountry)",
    );
  }
  const phone = normalizePhone(body.to, agent.defaultCountry);
  if (!phone.ok) return fail('to', `to is not a phone number that can be dialled: ${phone.reason}`);
  const variables: Record<string, string> = {};
  if (body.variables !== undefined && body.variables !== null) {
    if (typeof body.variables !== 'object' || Array.isArray(body.variables)) {
      return fail('variables', 'variables, when given, must be an object of names to text values, e.g. {"firstname": "Ada"}');
    }
    const entries = Object.entries(body.variables as Record<string, unknown>);
    if (entries.length > MAX_VARIABLES)
      return fail('variables', `variables may have at most ${MAX_VARIABLES} entries, got ${entries.length}`);
    for (const [name, value] of entries) {
      if (!VARIABLE_NAME.test(name)) {
        return fail(
          `variables.${name.slice(0, 64)}`,
          `variable name ${JSON.stringify(name.slice(0, 64))} must be a letter or "_" then letters, digits or "_"`,
        );
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return fail(`variables.${name}`, `variables.${name} must be text (or a number), got ${value === null ? 'null' : typeof value}`);
      }
      const text = String(value);
      if (text.length > MAX_VALUE_LENGTH)
        return fail(`variables.${name}`, `variables.${name} is longer than ${MAX_VALUE_LENGTH} characters`);
      variables[name] = text;
    }
  }
  return { ok: true, value: { to: phone.e164, variables } };
}

/** Same shape as deriveCallId's ids (call_ + 26 hex), so status callbacks accept it; random, since no contact names it. */
export function newTestCallId(): string {
  return `call_${randomBytes(13).toString('hex')}`;
}

export function newTestCall(input: {
  id: string;
  agent: Agent;
  portalId: string;
  to: string;
  variables: Record<string, string>;
  now: Date;
}): CallRecord {
  const call = newCall({
    id: input.id,
    workspaceId: input.agent.workspaceId,
    agentId: input.agent.id,
    portalId: input.portalId,
    contactId: '',
    timezone: input.agent.timezone,
    settings: { ...TEST_CALL_SETTINGS, gapHours: [...TEST_CALL_SETTINGS.gapHours] },
    variables: input.variables,
    phone: { ok: true, e164: input.to },
    now: input.now,
  });
  const reason = 'test call placed by an operator: calling now (call window and retries do not apply)';
  const history = call.history.map((h, i) => (i === call.history.length - 1 ? { ...h, reason } : h));
  return { ...call, test: true, reason, history };
}

function fail(parameter: string, message: string): { ok: false; error: ParamError } {
  return { ok: false, error: { parameter, message } };
}
