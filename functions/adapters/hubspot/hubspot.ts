// HubSpot through @hubspot/api-client v14, as the core's HubSpotApi port. Every failure
// leaves as a HubSpotError whose kind decides the webhook's answer (and so HubSpot's
// redelivery); no SDK retry or limiter runs, so a slow HubSpot costs one bounded request.
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/calls';
import { AssociationTypes } from '@hubspot/api-client/lib/src/enums/AssociationTypes';
import { HubSpotError } from '../../core/errors';
import { isObject, parseJson } from '../../core/json';
import type { CallEngagementInput, ContactProperties, HubSpotApi } from '../../core/ports';
import { createHubSpotSdk } from './hubspot-sdk';
import { contactSearchRequest, paceSearch } from './hubspot-search';

export const DEFAULT_HUBSPOT_BASE_URL = 'https://api.hubapi.com';
/** Per request: keeps a webhook delivery well inside HubSpot's 5 s reply limit. */
export const DEFAULT_HUBSPOT_TIMEOUT_MS = 3000;
/** HubSpot's batch read limit. */
export const MAX_BATCH_READ_IDS = 100;

export function createHubSpotApi(accessToken: string, opts: { basePath?: string; timeoutMs?: number } = {}): HubSpotApi {
  const basePath = (opts.basePath || process.env.HUBSPOT_BASE_URL || DEFAULT_HUBSPOT_BASE_URL).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HUBSPOT_TIMEOUT_MS;
  const { contacts, calls, get } = createHubSpotSdk({ accessToken, basePath, middleware: [keepStatusOfUnparsableErrors] });

  async function attempt<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(work(), timeoutMs);
    } catch (err) {
      throw toHubSpotError(err, { operation, timeoutMs, accessToken });
    }
  }

  return {
    async getAccountDetails() {
      const details = await attempt('account details read', async () => {
        const res = await get('/account-info/v3/details');
        const text = await res.text();
        const body = parseJson(text);
        if (!res.ok) throw new HttpFailure(res.status, body ?? text, headersOf(res));
        return body as { portalId?: unknown; timeZone?: unknown } | undefined;
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
      await attempt('contacts read', () => contacts.basicApi.getPage(1));
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
        const reply = await attempt(`batch read of ${unique.length} contacts`, () =>
          contacts.batchApi.read({ inputs: unique.map((id) => ({ id })), properties, propertiesWithHistory: [] }),
        );
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
        const contact = await attempt(`read of contact ${id}`, () => contacts.basicApi.getById(id, properties));
        return contact.properties;
      } catch (err) {
        if (err instanceof HubSpotError && err.kind === 'not-found') return undefined;
        throw err;
      }
    },

    async searchContactsCreated(range, properties, opts) {
      await paceSearch(accessToken);
      const reply = await attempt(`contact search (created ${range.since} to ${range.until})`, () =>
        contacts.searchApi.doSearch(contactSearchRequest(range, properties, opts)),
      );
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
          types: [
            {
              associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
              associationTypeId: AssociationTypes.callToContact,
            },
          ],
        },
      ];
      const created = await attempt(`call engagement write for contact ${input.contactId}`, () =>
        calls.basicApi.create({ properties: callProperties(input), associations }),
      );
      return { id: String(created.id) };
    },

    async updateCallEngagement(id, input) {
      await attempt(`call engagement update ${id}`, () => calls.basicApi.update(id, { properties: callProperties(input) }));
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

/** A non-2xx reply, in the shape the SDK's ApiException carries it. */
class HttpFailure extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${code}`);
  }
}

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

// Matched by shape, not class: the SDK throws one ApiException class per generated module,
// and fetch's errors may come from another realm (under jest), failing `instanceof Error`.
function isHttpFailure(err: unknown): err is { code: number; body: unknown; headers?: Record<string, string> } {
  return isObject(err) && typeof err.code === 'number' && 'body' in err;
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

/**
 * The SDK parses an error reply by its content type and throws a bare Error (losing the
 * status) when there is none, or when "JSON" does not parse: a proxy's empty 503, an empty
 * 404. Relabelled as text, the reply reaches us as an ApiException with its status.
 */
const keepStatusOfUnparsableErrors = {
  pre: (context: unknown) => context,
  post: async (context: unknown) => {
    const res = context as { httpStatusCode: number; headers: Record<string, string>; body: { text(): Promise<string> } };
    if (res.httpStatusCode >= 400) {
      const type = res.headers['content-type'];
      if (!type || (/json/i.test(type) && parseJson(await res.body.text()) === undefined)) res.headers['content-type'] = 'text/plain';
    }
    return res;
  },
};

/** Rejects at the deadline; the SDK takes no abort signal, so a late reply is simply ignored. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
