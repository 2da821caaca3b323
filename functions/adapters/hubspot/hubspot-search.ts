// HubSpot's CRM search, as the backfill uses it: contacts created in [since, until),
// oldest first, with the properties intake needs, paced to HubSpot's per-token limit.
import type { PublicObjectSearchRequest } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { createHash } from 'node:crypto';
import { SEARCH_SPACING_MS } from '../../core/backfill';

/**
 * `createdate` filters take epoch milliseconds. `sorts` is typed string[] by the SDK, but
 * HubSpot takes (and documents) {propertyName, direction} objects, which pass through as is.
 */
export function contactSearchRequest(
  range: { since: string; until: string },
  properties: string[],
  opts: { after?: string; limit: number },
): PublicObjectSearchRequest {
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: 'createdate', operator: 'GTE', value: String(Date.parse(range.since)) },
          { propertyName: 'createdate', operator: 'LT', value: String(Date.parse(range.until)) },
        ],
      },
    ],
    sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' } as unknown as string],
    properties,
    limit: opts.limit,
    ...(opts.after ? { after: opts.after } : {}),
  } as PublicObjectSearchRequest;
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
