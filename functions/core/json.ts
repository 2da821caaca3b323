// Small helpers for values that arrived as JSON from outside: one home for each, used by
// core, adapters and the CLI alike.

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed value, or undefined for an empty or malformed text. */
export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A value quoted for a message, cut short so a hostile input cannot flood a reply or a log. */
export function shown(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Object.prototype.toString.call(raw);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
