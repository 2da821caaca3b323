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

/**
 * How a failed create-call request leaves the attempt. No platform takes an idempotency
 * key, so only a request the platform certainly did not act on may be sent again:
 * - "retry": certainly refused for now (429, connection refused): send again later;
 * - "busy": the platform's own concurrency limit: wait for a pacing slot, not a try;
 * - "uncertain": it may have been placed (timeout, 5xx, reset): never sent again;
 * - "refused": refused for good (other 4xx, bad settings): the attempt failed.
 */
export type VoiceErrorKind = 'retry' | 'busy' | 'uncertain' | 'refused';

export class VoiceProviderError extends Error {
  override readonly name = 'VoiceProviderError';
  constructor(
    message: string,
    readonly kind: VoiceErrorKind,
    readonly status?: number,
    /** From Retry-After, when the platform sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** true: the same attempt may be sent again later. */
  get retryable(): boolean {
    return this.kind === 'retry' || this.kind === 'busy';
  }
}

/** A listing cursor that is not one this service issued for the same query. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(detail: string) {
    super(`invalid cursor (${detail}): pass nextCursor from the previous page unchanged`);
  }
}

/** Why a delivery did not land; every one is worth another try later (the task bounds the tries). */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
