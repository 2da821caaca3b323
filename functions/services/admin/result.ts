// What an admin use case hands back to the handler: a reply view with its status, or an
// error the operator reads. The handler turns it into HTTP; the use cases never see HTTP.
import type { ErrorView } from '../../core/admin-views';
import type { AppDeps } from '../../commons/deps';

export type AdminDeps = Pick<AppDeps, 'store' | 'dispatcher' | 'hubspotFor' | 'voiceSettings' | 'now'> &
  Partial<Pick<AppDeps, 'publicBaseUrl'>>;

/** A request as the use cases read it: the handler has parsed the body and checked the ids. */
export interface AdminRequest {
  /** The JSON object body ({} for routes that take none). */
  body: Record<string, unknown>;
  /** Query parameters, first value wins. */
  query: Record<string, string>;
  /** Path parameters: ids decoded and checked; a do-not-call `number` as it arrived. */
  params: Record<string, string>;
  /** The host the request reached (the public base on AWS without PUBLIC_BASE_URL). */
  host: string;
}

export type AdminResult<T> =
  | { ok: true; status: 200 | 201 | 202; view: T }
  | { ok: true; status: 204 }
  | { ok: false; status: number; error: ErrorView };

export type UseCase<T> = (deps: AdminDeps, req: AdminRequest) => Promise<AdminResult<T>>;

export function reply<T>(view: T, status: 200 | 201 | 202 = 200): AdminResult<T> {
  return { ok: true, status, view };
}

export function noContent(): AdminResult<undefined> {
  return { ok: true, status: 204 };
}

export function failure(
  status: number,
  error: string,
  message: string,
  parameter?: string,
  extra?: Partial<ErrorView>,
): AdminResult<never> {
  return { ok: false, status, error: { error, message, ...(parameter ? { parameter } : {}), ...extra } };
}

export function invalidParameter(parameter: string, message: string): AdminResult<never> {
  return failure(400, 'invalid_parameter', message, parameter);
}

export function invalidCursor(): AdminResult<never> {
  return invalidParameter('cursor', 'cursor is not valid: pass nextCursor from the previous page unchanged');
}

export function agentNotFound(id: string, parameter?: string): AdminResult<never> {
  return failure(404, 'agent_not_found', `agent ${id} was not found`, parameter);
}

export function hubSpotNotConnected(): AdminResult<never> {
  return failure(
    409,
    'hubspot_not_connected',
    'HubSpot is not connected: save the private app access token first (PUT /admin/integrations/hubspot or `hubdial hubspot connect`)',
  );
}
