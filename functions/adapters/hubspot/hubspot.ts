// HubSpot's REST API (over fetch, hubspot-http.ts) as the core's HubSpotApi port. Every
// failure leaves as a HubSpotError whose kind decides the webhook's answer (and so
// HubSpot's redelivery); nothing retries, so a slow HubSpot costs one bounded request.
import { HubSpotError } from '../../core/errors';
import { isObject } from '../../core/json';
import type { CallEngagementInput, ContactProperties, HubSpotApi } from '../../core/ports';
import { createHubSpotHttp, HttpFailure, type HubSpotRequest } from './hubspot-http';
import { contactSearchRequest, paceSearch } from './hubspot-search';

export const DEFAULT_HUBSPOT_BASE_URL = 'https://api.hubapi.com';
/** Per request: keeps a webhook delivery well inside HubSpot's 5 s reply limit. */
export const DEFAULT_HUBSPOT_TIMEOUT_MS = 3000;
/** HubSpot's batch read limit. */
export const MAX_BATCH_READ_IDS = 100;
/** HubSpot's association type id for call -> contact (HUBSPOT_DEFINED). */
const CALL_TO_CONTACT = 194;
/** One page of a contact's call engagements: a contact has few, and ours are found by title and time. */
const CALL_SEARCH_LIMIT = 100;

interface SimpleObject {
  id: string;
  properties: ContactProperties;
}
interface BatchReply {
  results: SimpleObject[];
}
interface SearchReply {
  total: number;
  results: SimpleObject[];
  paging?: { next?: { after?: string } };
}

export function createHubSpotApi(accessToken: string, opts: { basePath?: string; timeoutMs?: number } = {}): HubSpotApi {
  const basePath = (opts.basePath || process.env.HUBSPOT_BASE_URL || DEFAULT_HUBSPOT_BASE_URL).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HUBSPOT_TIMEOUT_MS;
  const send = createHubSpotHttp({ accessToken, basePath });

  async function attempt<T>(operation: string, request: HubSpotRequest): Promise<T> {
    const abort = new AbortController();
    try {
      return (await withDeadline(send({ ...request, signal: abort.signal }), timeoutMs, abort)) as T;
    } catch (err) {
      throw toHubSpotError(err, { operation, timeoutMs, accessToken });
    }
  }

  return {
    async getAccountDetails() {
      const details = await attempt<{ portalId?: unknown; timeZone?: unknown } | undefined>('account details read', {
        method: 'GET',
        path: '/account-info/v3/details',
      });
      if (typeof details?.portalId !== 'number' && typeof details?.portalId !== 'string') {
        throw new HubSpotError('unavailable', 'HubSpot answered the account details read without a portalId');
      }
      return {
        portalId: String(details.portalId),
        ...(typeof details.timeZone === 'string' && details.timeZone ? { timeZone: details.timeZone } : {}),
      };
    },

    async checkContactsAccess() {
      await attempt('contacts read', { method: 'GET', path: '/crm/v3/objects/contacts', query: [['limit', '1']] });
    },

    async batchReadContacts(ids, properties) {
      const unique = [...new Set(ids)];
      if (unique.length > MAX_BATCH_READ_IDS) {
        throw new RangeError(
          `batchReadContacts takes at most ${MAX_BATCH_READ_IDS} ids per request (HubSpot's batch limit); got ${unique.length}`,
        );
      }
      const found = new Map<string, ContactProperties>();
      if (unique.length === 0) return found;
      try {
        // A 207 (some ids deleted or unknown) resolves like a 200: `results` holds the found ones.
        const reply = await attempt<BatchReply>(`batch read of ${unique.length} contacts`, {
          method: 'POST',
          path: '/crm/v3/objects/contacts/batch/read',
          body: { inputs: unique.map((id) => ({ id })), properties, propertiesWithHistory: [] },
        });
        for (const contact of reply.results) found.set(contact.id, contact.properties);
        return found;
      } catch (err) {
        // None of the ids exists. A bare 404 (say, a wrong base URL) still fails.
        if (err instanceof HubSpotError && err.kind === 'not-found' && err.details.category === 'OBJECT_NOT_FOUND') return found;
        throw err;
      }
    },

    async getContact(id, properties) {
      try {
        const contact = await attempt<SimpleObject>(`read of contact ${id}`, {
          method: 'GET',
          path: `/crm/v3/objects/contacts/${encodeURIComponent(id)}`,
          query: properties.map((p): [string, string] => ['properties', p]),
        });
        return contact.properties;
      } catch (err) {
        if (err instanceof HubSpotError && err.kind === 'not-found') return undefined;
        throw err;
      }
    },

    async searchContactsCreated(range, properties, opts) {
      await paceSearch(accessToken);
      const reply = await attempt<SearchReply>(`contact search (created ${range.since} to ${range.until})`, {
        method: 'POST',
        path: '/crm/v3/objects/contacts/search',
        body: contactSearchRequest(range, properties, opts),
      });
      return {
        total: reply.total,
        results: reply.results.map((c) => ({ id: c.id, properties: c.properties })),
        ...(reply.paging?.next?.after ? { nextAfter: reply.paging.next.after } : {}),
      };
    },

    async createCallEngagement(input) {
      const associations = [
        {
          to: { id: input.contactId },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CALL_TO_CONTACT }],
        },
      ];
      const created = await attempt<{ id?: unknown }>(`call engagement write for contact ${input.contactId}`, {
        method: 'POST',
        path: '/crm/v3/objects/calls',
        body: { properties: callProperties(input), associations },
      });
      const id = created?.id;
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new HubSpotError('bad-request', `call engagement write for contact ${input.contactId}: HubSpot's reply carries no id`);
      }
      return { id: String(id) };
    },

    async findCallEngagement(contactId, match) {
      await paceSearch(accessToken);
      const reply = await attempt<SearchReply>(`call engagement search for contact ${contactId}`, {
        method: 'POST',
        path: '/crm/v3/objects/calls/search',
        body: {
          filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contactId }] }],
          properties: ['hs_call_title', 'hs_timestamp'],
          limit: CALL_SEARCH_LIMIT,
        },
      });
      // Compared here rather than filtered by HubSpot: hs_timestamp comes back in its own ISO form.
      const at = Date.parse(match.timestamp);
      const found = (reply.results ?? []).find(
        (c) => c.properties.hs_call_title === match.title && Date.parse(String(c.properties.hs_timestamp)) === at,
      );
      return found ? String(found.id) : undefined;
    },

    async updateCallEngagement(id, input) {
      await attempt(`call engagement update ${id}`, {
        method: 'PATCH',
        path: `/crm/v3/objects/calls/${encodeURIComponent(id)}`,
        body: { properties: callProperties(input) },
      });
    },
  };
}

/** HubSpot's call properties; absent values are left out so a PATCH never blanks them. */
function callProperties(input: Omit<CallEngagementInput, 'contactId'>): Record<string, string> {
  return {
    hs_timestamp: input.timestamp,
    hs_call_title: input.title,
    hs_call_body: input.body,
    hs_call_status: input.status,
    hs_call_direction: 'OUTBOUND',
    ...(input.disposition ? { hs_call_disposition: input.disposition } : {}),
    ...(input.toNumber ? { hs_call_to_number: input.toNumber } : {}),
    ...(input.durationMs !== undefined ? { hs_call_duration: String(Math.round(input.durationMs)) } : {}),
    ...(input.recordingUrl ? { hs_call_recording_url: input.recordingUrl } : {}),
  };
}

// ---- failures -> HubSpotError -------------------------------------------------------------

class DeadlineExceeded extends Error {}

interface FailureContext {
  operation: string;
  timeoutMs: number;
  accessToken: string;
}

function toHubSpotError(err: unknown, ctx: FailureContext): HubSpotError {
  if (err instanceof HubSpotError) return err;
  if (err instanceof DeadlineExceeded) {
    return new HubSpotError('unavailable', `HubSpot did not answer the ${ctx.operation} within ${ctx.timeoutMs} ms`);
  }
  if (isHttpFailure(err)) return fromReply(err.code, err.body, err.headers ?? {}, ctx);
  const what = networkCause(err) ?? messageOf(err);
  return new HubSpotError('unavailable', redact(`HubSpot could not be reached for the ${ctx.operation} (${what})`, ctx.accessToken));
}

function fromReply(status: number, rawBody: unknown, headers: Record<string, string>, ctx: FailureContext): HubSpotError {
  const body = isObject(rawBody) ? rawBody : {};
  const category = text(body.category) ?? text(body.errorType);
  const correlationId = text(body.correlationId) ?? headers['x-hubspot-correlation-id'];
  const said = text(body.message) ?? (typeof rawBody === 'string' && rawBody.trim() ? rawBody.trim().slice(0, 200) : undefined);
  const reply = `${status}${category ? ` ${category}` : ''}${said ? `: ${said}` : ''}`;
  const details = { status, ...(category ? { category } : {}), ...(correlationId ? { correlationId } : {}) };
  const make = (kind: HubSpotError['kind'], message: string, extra: Partial<HubSpotError['details']> = {}) =>
    new HubSpotError(kind, redact(message, ctx.accessToken), { ...details, ...extra });

  if (status === 401) {
    return make(
      'unauthorized',
      `HubSpot rejected the access token for the ${ctx.operation} (${reply}). The token is expired, revoked or invalid: ` +
        'regenerate or rotate it in the HubSpot private app (Auth tab) and reconnect hubdial with the new token.',
    );
  }
  if (status === 403) {
    const scopes = requiredScopes(body);
    if (category === 'MISSING_SCOPES' || scopes.length > 0) {
      const need =
        scopes.length === 0
          ? 'a scope HubSpot did not name'
          : scopes.length === 1
            ? `the scope ${scopes[0]}`
            : `one of the scopes ${scopes.join(', ')}`;
      return make(
        'missing-scopes',
        `The HubSpot private app lacks ${need}, needed for the ${ctx.operation}. ` +
          "Add it in the private app's Scopes tab, commit the change, then reconnect hubdial.",
        scopes.length ? { requiredScopes: scopes } : {},
      );
    }
    return make('bad-request', `HubSpot refused the ${ctx.operation} (${reply})`);
  }
  if (status === 404) return make('not-found', `HubSpot found nothing for the ${ctx.operation} (${reply})`);
  if (status === 429) return rateLimited(body, headers, reply, ctx, make);
  if (status >= 500 || status === 408)
    return make('unavailable', `HubSpot failed the ${ctx.operation} (${reply}); it is worth retrying later`);
  return make('bad-request', `HubSpot refused the ${ctx.operation} (${reply})`);
}

function rateLimited(
  body: Record<string, unknown>,
  headers: Record<string, string>,
  reply: string,
  ctx: FailureContext,
  make: (kind: 'rate-limited', message: string, extra: Partial<HubSpotError['details']>) => HubSpotError,
): HubSpotError {
  const policyName = text(body.policyName);
  const retryAfterSeconds = retryAfter(policyName, headers);
  const wait =
    policyName === 'DAILY'
      ? "the daily limit resets at midnight in the HubSpot account's time zone"
      : retryAfterSeconds !== undefined
        ? `retry after ${retryAfterSeconds} s`
        : 'retry shortly';
  return make('rate-limited', `HubSpot rate limit reached during the ${ctx.operation} (${reply}); ${wait}`, {
    ...(policyName ? { policyName } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** Retry-After when HubSpot sends one, else the policy's own window. DAILY has no useful hint. */
function retryAfter(policyName: string | undefined, headers: Record<string, string>): number | undefined {
  const header = Number(headers['retry-after']);
  if (headers['retry-after'] && Number.isFinite(header) && header >= 0) return Math.ceil(header);
  if (policyName === 'TEN_SECONDLY_ROLLING') {
    const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
    return Number.isFinite(interval) && interval > 0 ? Math.ceil(interval / 1000) : 10;
  }
  if (policyName === 'SECONDLY') return 1;
  return undefined;
}

/**
 * HubSpot names missing scopes in `errors[].context.requiredGranularScopes` (the names a
 * private app's Scopes tab shows) and, on older endpoints, `requiredScopes`.
 */
function requiredScopes(body: Record<string, unknown>): string[] {
  const contexts = [
    body.context,
    ...(Array.isArray(body.errors) ? body.errors.map((e) => (isObject(e) ? e.context : undefined)) : []),
  ].filter(isObject);
  const collect = (key: string) => [
    ...new Set(contexts.flatMap((c) => (Array.isArray(c[key]) ? c[key].filter((s): s is string => typeof s === 'string') : []))),
  ];
  const granular = collect('requiredGranularScopes');
  return granular.length ? granular : collect('requiredScopes');
}

function isHttpFailure(err: unknown): err is HttpFailure {
  return err instanceof HttpFailure;
}

/** fetch fails with "fetch failed"; the socket's reason (ECONNREFUSED, ENOTFOUND...) is in `cause`. */
function networkCause(err: unknown): string | undefined {
  const cause = isObject(err) ? err.cause : undefined;
  if (!isObject(cause)) return undefined;
  if (typeof cause.code === 'string') return cause.code;
  const first = Array.isArray(cause.errors) ? cause.errors[0] : undefined;
  return isObject(first) && typeof first.code === 'string' ? first.code : undefined;
}

function messageOf(err: unknown): string {
  return isObject(err) && typeof err.message === 'string' ? err.message : String(err);
}

function redact(message: string, token: string): string {
  return token.length >= 4 ? message.split(token).join('[redacted token]') : message;
}

// ---- plumbing --------------------------------------------------------------------------------

/** Rejects at the deadline and aborts the request, so a late reply holds no socket. */
function withDeadline<T>(work: Promise<T>, ms: number, abort: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineExceeded());
      abort.abort();
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
