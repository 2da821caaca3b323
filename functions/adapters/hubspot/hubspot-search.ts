// HubSpot's CRM search, as the backfill uses it: contacts created in [since, until),
// oldest first, with the properties intake needs, paced to HubSpot's per-token limit.
import { createHash } from 'node:crypto';
import { SEARCH_SPACING_MS } from '../../core/backfill';

/** The body of POST /crm/v3/objects/contacts/search, as far as the backfill fills it. */
export interface ContactSearchRequest {
  filterGroups: { filters: { propertyName: string; operator: 'GTE' | 'LT'; value: string }[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties: string[];
  limit: number;
  after?: string;
}

/** `createdate` filters take epoch milliseconds; HubSpot documents `sorts` as {propertyName, direction}. */
export function contactSearchRequest(
  range: { since: string; until: string },
  properties: string[],
  opts: { after?: string; limit: number },
): ContactSearchRequest {
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: 'createdate', operator: 'GTE', value: String(Date.parse(range.since)) },
          { propertyName: 'createdate', operator: 'LT', value: String(Date.parse(range.until)) },
        ],
      },
    ],
    sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
    properties,
    limit: opts.limit,
    ...(opts.after ? { after: opts.after } : {}),
  };
}

// Searches of one token in this process go out at least SEARCH_SPACING_MS apart, so
// several backfills sharing a token still stay under HubSpot's 5 per second. Keyed by a
// hash so the map never holds a token.
const nextSlot = new Map<string, number>();

export async function paceSearch(accessToken: string): Promise<void> {
  const key = createHash('sha256').update(accessToken).digest('hex').slice(0, 16);
  const now = performance.now();
  const slot = Math.max(now, nextSlot.get(key) ?? 0);
  nextSlot.set(key, slot + SEARCH_SPACING_MS);
  if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
}
