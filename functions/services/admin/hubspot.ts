// The HubSpot connection: the token checked against HubSpot (which names the portal) and
// stored; never shown back.
import { connectionView, type HubSpotConnectionView } from '../../core/admin-views';
import { HubSpotError } from '../../core/errors';
import { connectHubSpot } from '../../core/hubspot-connection';
import { DEFAULT_WORKSPACE } from '../../core/model';
import { logger } from '../../commons/logger';
import { failure, invalidParameter, reply, type UseCase } from './result';

export const connect: UseCase<HubSpotConnectionView> = async (deps, { body }) => {
  if (typeof body.accessToken !== 'string' || body.accessToken.trim().length < 10) {
    return invalidParameter('accessToken', 'accessToken is required: the private app access token from HubSpot (Auth tab)');
  }
  if (body.clientSecret !== undefined && (typeof body.clientSecret !== 'string' || !body.clientSecret.trim())) {
    return invalidParameter('clientSecret', 'clientSecret, when given, must be the app client secret string');
  }
  try {
    const connection = await connectHubSpot(deps, {
      workspaceId: DEFAULT_WORKSPACE,
      accessToken: body.accessToken.trim(),
      clientSecret: typeof body.clientSecret === 'string' ? body.clientSecret.trim() : undefined,
      now: deps.now(),
    });
    logger.info('hubspot connected', { portalId: connection.portalId });
    return reply(connectionView(connection));
  } catch (err) {
    if (!(err instanceof HubSpotError)) throw err;
    logger.warn('hubspot connection refused', {
      hubspotError: err.kind,
      status: err.details.status,
      correlationId: err.details.correlationId,
    });
    return failure(
      err.retryable ? 503 : 400,
      err.code,
      err.message,
      'accessToken',
      err.details.requiredScopes ? { requiredScopes: err.details.requiredScopes } : {},
    );
  }
};

export const getConnection: UseCase<HubSpotConnectionView> = async (deps) => {
  const connection = await deps.store.getHubSpotConnection(DEFAULT_WORKSPACE);
  return connection
    ? reply(connectionView(connection))
    : failure(404, 'hubspot_not_connected', 'HubSpot is not connected: PUT /admin/integrations/hubspot {accessToken}');
};
