// Agent variables filled from the HubSpot contact. A field that is empty on the contact
// is not an error: the call still goes out, and the record lists what was missing.
import type { ParamError } from './call-settings';
import { shown } from './json';
import type { VariableMapping } from './model';
import type { ContactProperties } from './ports';

/** Always read, whatever the mapping: the phone to dial and a name for the call history. */
export const BASE_CONTACT_PROPERTIES = ['phone', 'mobilephone', 'firstname', 'lastname'] as const;

export const MAX_VARIABLE_MAPPINGS = 50;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const HUBSPOT_PROPERTY = /^[a-z0-9_]{1,100}$/;

export function hubspotPropertiesToRead(mappings: VariableMapping[]): string[] {
  return [...new Set([...BASE_CONTACT_PROPERTIES, ...mappings.map((m) => m.field)])].sort();
}

export function mapVariables(
  mappings: VariableMapping[],
  properties: ContactProperties,
): { variables: Record<string, string>; missing: string[] } {
  const variables: Record<string, string> = {};
  const missing: string[] = [];
  for (const mapping of mappings) {
    const value = Object.hasOwn(properties, mapping.field) ? properties[mapping.field] : undefined;
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      if (!missing.includes(mapping.name)) missing.push(mapping.name);
    } else {
      variables[mapping.name] = text;
    }
  }
  return { variables, missing };
}

/** The number to dial: `phone`, else `mobilephone`. */
export function contactPhone(properties: ContactProperties): string | undefined {
  for (const field of ['phone', 'mobilephone']) {
    const value = Object.hasOwn(properties, field) ? properties[field] : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** The agent admin body's `variables`: [{name, source: "hubspot", field}]. */
export function parseVariableMappings(input: unknown): { ok: true; value: VariableMapping[] } | { ok: false; error: ParamError } {
  if (!Array.isArray(input)) {
    return fail(
      'variables',
      `variables must be a list such as [{"name": "firstname", "source": "hubspot", "field": "firstname"}], got ${shown(input)}`,
    );
  }
  if (input.length > MAX_VARIABLE_MAPPINGS)
    return fail('variables', `variables may have at most ${MAX_VARIABLE_MAPPINGS} mappings, got ${input.length}`);
  const mappings: VariableMapping[] = [];
  const seen = new Set<string>();
  for (const [index, item] of input.entries()) {
    const at = `variables[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return fail(at, `${at} must be an object {"name", "source": "hubspot", "field"}, got ${shown(item)}`);
    }
    const { name, source, field } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !VARIABLE_NAME.test(name)) {
      return fail(
        `${at}.name`,
        `${at}.name must be the agent variable name: a letter or "_" then up to 63 letters, digits or "_", got ${shown(name)}`,
      );
    }
    if (seen.has(name)) return fail(`${at}.name`, `${at}.name "${name}" is mapped twice; each agent variable takes one HubSpot field`);
    // The guide tells operators to set the source to hubspot; leaving it out means the same.
    if (source !== undefined && source !== 'hubspot') {
      return fail(`${at}.source`, `${at}.source ${shown(source)} is not supported; the only variable source is "hubspot"`);
    }
    if (typeof field !== 'string' || !HUBSPOT_PROPERTY.test(field)) {
      return fail(
        `${at}.field`,
        `${at}.field must be a HubSpot property's internal name (lowercase letters, digits and "_", e.g. "firstname" not "First name"; see Settings > Properties > the property > internal name), got ${shown(field)}`,
      );
    }
    seen.add(name);
    mappings.push({ name, source: 'hubspot', field });
  }
  return { ok: true, value: mappings };
}

function fail(parameter: string, message: string): { ok: false; error: ParamError } {
  return { ok: false, error: { parameter, message } };
}
