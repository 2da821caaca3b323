// Validates the admin body for an agent. The voice check is passed in because the
// registered providers live with the adapters, outside core.
import * as v from 'valibot';
import { isSupportedCountry } from 'libphonenumber-js';
import { parseCallDefaults, shown } from './call-settings';
import { canonicalTimeZone, isValidTimeZone } from './call-window';
import type { Agent, CallDefaults, NotifyTarget, VoiceConfig } from './model';
import { parseNotifyTarget } from './notify-target';
import { parsePacing } from './pacing';
import { parseVariableMappings } from './variables';

/** An agent as an operator sends it: everything but what the service assigns. */
export type AgentInput = Omit<Agent, 'id' | 'workspaceId' | 'createdAt' | 'updatedAt'>;

export type FieldError = { parameter: string; message: string };
export type VoiceValidator = (input: unknown) => { ok: true; value: VoiceConfig } | { ok: false; error: FieldError };

const Name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100));

export function parseAgentInput(
  body: Record<string, unknown>,
  validateVoice: VoiceValidator,
  storedNotify?: NotifyTarget,
): { ok: true; value: AgentInput } | { ok: false; error: FieldError } {
  const name = v.safeParse(Name, body.name);
  if (!name.success) return fail('name', 'name is required: a string of 1 to 100 characters');
  const timezone = typeof body.timezone === 'string' && isValidTimeZone(body.timezone) ? canonicalTimeZone(body.timezone) : undefined;
  if (!timezone) {
    return fail(
      'timezone',
      `timezone must be an IANA time zone such as "Europe/Berlin" or "America/New_York", got ${shown(body.timezone ?? null)}`,
    );
  }
  let defaultCountry: string | undefined;
  if (body.defaultCountry !== undefined && body.defaultCountry !== null) {
    const code = typeof body.defaultCountry === 'string' ? body.defaultCountry.toUpperCase() : '';
    if (!isSupportedCountry(code)) {
      return fail(
        'defaultCountry',
        `defaultCountry must be an ISO 3166 two-letter country code such as "US" or "DE", got ${shown(body.defaultCountry)}`,
      );
    }
    defaultCountry = code;
  }
  const variables = parseVariableMappings(body.variables ?? []);
  if (!variables.ok) return variables;
  let callDefaults: CallDefaults | undefined;
  if (body.callDefaults !== undefined && body.callDefaults !== null) {
    const parsed = parseCallDefaults(body.callDefaults);
    if (!parsed.ok) return parsed;
    callDefaults = parsed.value;
  }
  if (body.voice === undefined)
    return fail('voice', 'voice is required, e.g. {"provider": "simulator"} or {"provider": "http", "url": "...", "secret": "..."}');
  const voice = validateVoice(body.voice);
  if (!voice.ok) return voice;
  const pacing = parsePacing(body.pacing);
  if (!pacing.ok) return pacing;
  for (const flag of ['writeBackToHubSpot', 'useContactTimezone'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') return fail(flag, `${flag} must be true or false`);
  }
  const notify = parseNotifyTarget(body.notify, storedNotify);
  if (!notify.ok) return notify;
  let doNotCallProperty: string | undefined;
  if (body.doNotCallProperty !== undefined && body.doNotCallProperty !== null) {
    if (typeof body.doNotCallProperty !== 'string' || !/^[a-z0-9_]{1,100}$/.test(body.doNotCallProperty)) {
      return fail(
        'doNotCallProperty',
        `doNotCallProperty must be a HubSpot contact property's internal name (lowercase letters, digits and "_"), got ${shown(body.doNotCallProperty)}`,
      );
    }
    doNotCallProperty = body.doNotCallProperty;
  }
  return {
    ok: true,
    value: {
      ...(doNotCallProperty ? { doNotCallProperty } : {}),
      // null switches notifications off on a PUT (left out, the stored target stays).
      ...(notify.value ? { notify: notify.value } : body.notify === null ? { notify: undefined } : {}),
      name: name.output,
      timezone,
      defaultCountry,
      variables: variables.value,
      callDefaults,
      voice: voice.value,
      writeBackToHubSpot: body.writeBackToHubSpot === true,
      useContactTimezone: body.useContactTimezone === true,
      ...(pacing.value && Object.keys(pacing.value).length > 0 ? { pacing: pacing.value } : {}),
    },
  };
}

function fail(parameter: string, message: string): { ok: false; error: FieldError } {
  return { ok: false, error: { parameter, message } };
}
