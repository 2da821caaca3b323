// Connecting a workspace to HubSpot: prove the token works and can read contacts
// before storing it, so a bad token fails here and not on the first delivery.
import type { HubSpotConnection } from './model';
import type { HubSpotApiFactory, Store } from './ports';

export async function connectHubSpot(
  deps: { store: Store; hubspotFor: HubSpotApiFactory },
  input: { workspaceId: string; accessToken: string; clientSecret?: string; now: Date },
): Promise<HubSpotConnection> {
  const hubspot = deps.hubspotFor(input.accessToken);
  const account = await hubspot.getAccountDetails();
  await hubspot.checkContactsAccess();
  const connection: HubSpotConnection = {
    workspaceId: input.workspaceId,
    portalId: account.portalId,
    accessToken: input.accessToken,
    status: 'connected',
    connectedAt: input.now.toISOString(),
    ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}),
    ...(account.timeZone ? { timeZone: account.timeZone } : {}),
  };
  await deps.store.putHubSpotConnection(connection);
  return connection;
}
