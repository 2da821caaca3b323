// HubSpot keeps a contact's time zone in `hs_timezone` as an encoded IANA name
// ("america_slash_new_york", "america_slash_port_minus_au_minus_prince"). The runtime's
// time zone data matches names without regard to case and returns the canonical
// spelling, so decoding the separators is all that is needed.

export const CONTACT_TIMEZONE_PROPERTY = 'hs_timezone';

/** The canonical IANA zone for a HubSpot `hs_timezone` value, or undefined when it names none. */
export function zoneFromHubSpot(value: string | null | undefined): string | undefined {
  const name = value?.trim().toLowerCase().replaceAll('_slash_', '/').replaceAll('_minus_', '-');
  if (!name?.includes('/')) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
