// The baseline the batch read is measured against: the intake a first version would
// write, one GET /crm/v3/objects/contacts/{id} per contact. Only the HubSpot read
// changes; the webhook handler, the writes and the hand-offs are the same code.
import type { ContactProperties, HubSpotApi, HubSpotApiFactory } from '../functions/core/ports';

/** `concurrency` 1 is a plain `for ... await` loop over the ids. */
export function oneReadPerContact(api: HubSpotApi, concurrency = 1): HubSpotApi {
  return {
    ...api,
    async batchReadContacts(ids, properties) {
      const found = new Map<string, ContactProperties>();
      const unique = [...new Set(ids)];
      let next = 0;
      const lanes = Array.from({ length: Math.min(concurrency, unique.length) }, async () => {
        while (next < unique.length) {
          const id = unique[next++] as string;
          const contact = await api.getContact(id, properties);
          if (contact) found.set(id, contact);
        }
      });
      await Promise.all(lanes);
      return found;
    },
  };
}

export function naiveHubSpotFor(real: HubSpotApiFactory, concurrency = 1): HubSpotApiFactory {
  return (token) => oneReadPerContact(real(token), concurrency);
}
