/**
 * Secrets and URL query strings are never shown back, so a PUT built from a GET would
 * wipe them. A voice setting left out, or sent back exactly as the admin API showed it
 * (`shown`, the stored settings redacted), keeps its stored value.
 */
export function keepStoredVoiceSettings(
  sent: Record<string, unknown>,
  stored: Record<string, unknown>,
  shown: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...sent };
  for (const [key, value] of Object.entries(stored)) {
    if (merged[key] === undefined || (merged[key] === shown[key] && shown[key] !== value)) merged[key] = value;
  }
  return merged;
}
