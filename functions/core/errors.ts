// Named failures that cross the adapter boundary, so handlers decide the HTTP answer
// (and HubSpot's redelivery) by kind instead of by parsing messages.

export type HubSpotErrorKind =
  | 'unauthorized' // 401: token expired, revoked or wrong
  | 'missing-scopes' // 403: the private app lacks a scope
  | 'not-found' // 404
  | 'rate-limited' // 429
  | 'unavailable' // 5xx, timeout, network
  | 'bad-request'; // other 4xx

export class HubSpotError extends Error {
  override readonly name = 'HubSpotError';
  constructor(
    readonly kind: HubSpotErrorKind,
    message: string,
    readonly details: {
      status?: number;
      category?: string;
      correlationId?: string;
      policyName?: string;
      retryAfterSeconds?: number;
      requiredScopes?: string[];
    } = {},
  ) {
    super(message);
  }

  /** The `error` code an API reply carries, e.g. `hubspot_missing_scopes`. */
  get code(): string {
    return `hubspot_${this.kind.replace('-', '_')}`;
  }

  /** Worth retrying later (HubSpot redelivers on our non-2xx). */
  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable';
  }
}

export class VoiceProviderError extends Error {
  override readonly name = 'VoiceProviderError';
  constructor(
    message: string,
    /** true: a 5xx/timeout, let the queue redeliver; false: the request itself was refused. */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A listing cursor that is not one this service issued for the same query. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(detail: string) {
    super(`invalid cursor (${detail}): pass nextCursor from the previous page unchanged`);
  }
}
