// The real adapter (HubSpot's REST API over fetch) against the fake HubSpot over HTTP.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHubSpotApi } from '../../functions/adapters/hubspot/hubspot';
import { HubSpotError } from '../../functions/core/errors';
import type { HubSpotApi } from '../../functions/core/ports';
import { makeContacts, startFakeHubSpot, type FakeHubSpot } from '../fakes/fake-hubspot';

const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const PROPS = ['firstname', 'lastname', 'phone', 'company'];

let hubspot: FakeHubSpot;
let api: HubSpotApi;

beforeAll(async () => {
  hubspot = await startFakeHubSpot({ token: TOKEN, portalId: '62515', timeZone: 'US/Eastern' });
});
afterAll(() => hubspot.stop());

beforeEach(() => {
  hubspot.tokens = new Set([TOKEN]);
  hubspot.expiredTokens.clear();
  hubspot.scopes = new Set(['crm.objects.contacts.read', 'crm.objects.contacts.write']);
  hubspot.contacts.clear();
  hubspot.engagements.length = 0;
  hubspot.requests.length = 0;
  hubspot.delayMs = 0;
  api = createHubSpotApi(TOKEN, { basePath: hubspot.url });
});

/** The HubSpotError a call rejects with, checked never to carry the token. */
async function failure(work: Promise<unknown>): Promise<HubSpotError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HubSpotError);
  const hs = err as HubSpotError;
  expect(hs.message).not.toContain(TOKEN);
  expect(JSON.stringify(hs.details)).not.toContain(TOKEN);
  return hs;
}

describe('connecting', () => {
  it('reads the portal id (as a string) and time zone from /account-info/v3/details', async () => {
    await expect(api.getAccountDetails()).resolves.toEqual({ portalId: '62515', timeZone: 'US/Eastern' });
    expect(hubspot.requests).toEqual([{ method: 'GET', path: '/account-info/v3/details' }]);
  });

  it('proves the contacts scope with GET /crm/v3/objects/contacts?limit=1', async () => {
    hubspot.contacts.set('1', { firstname: 'Ada' });
    await expect(api.checkContactsAccess()).resolves.toBeUndefined();
    expect(hubspot.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /crm/v3/objects/contacts?limit=1']);
  });

  it('turns 403 MISSING_SCOPES into missing-scopes naming the scope HubSpot asked for', async () => {
    hubspot.scopes.delete('crm.objects.contacts.read');
    const err = await failure(api.checkContactsAccess());
    expect(err.kind).toBe('missing-scopes');
    expect(err.retryable).toBe(false);
    expect(err.details).toMatchObject({ status: 403, category: 'MISSING_SCOPES', requiredScopes: ['crm.objects.contacts.read'] });
    expect(err.details.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toContain('crm.objects.contacts.read');
    expect(err.message).toMatch(/Scopes tab/);
  });

  it('reads the older errors[].context.requiredScopes shape too', async () => {
    hubspot.failNext(1, {
      status: 403,
      body: {
        status: 'error',
        message: "This app hasn't been granted all required scopes to make this call.",
        correlationId: 'c-403',
        errors: [
          {
            message: 'One or more of the following scopes are required.',
            context: { requiredScopes: ['contacts', 'crm.objects.contacts.read'] },
          },
        ],
        category: 'MISSING_SCOPES',
      },
    });
    const err = await failure(api.checkContactsAccess());
    expect(err.details).toMatchObject({ requiredScopes: ['contacts', 'crm.objects.contacts.read'], correlationId: 'c-403' });
    expect(err.message).toContain('one of the scopes contacts, crm.objects.contacts.read');
  });

  it('turns an expired token (401 EXPIRED_AUTHENTICATION) into unauthorized with the fix, never the token', async () => {
    hubspot.expireToken(TOKEN);
    const err = await failure(api.getAccountDetails());
    expect(err.kind).toBe('unauthorized');
    expect(err.details).toMatchObject({ status: 401, category: 'EXPIRED_AUTHENTICATION' });
    expect(err.message).toMatch(/expired, revoked or invalid/);
    expect(err.message).toMatch(/regenerate or rotate it in the HubSpot private app/);
    expect(err.message).toContain('expired 1 day(s) ago');
  });

  it('turns an unknown token into unauthorized on the CRM object endpoints as well', async () => {
    const stranger = 'pat-na1-99999999-8888-7777-6666-555555555555';
    const err = await failure(createHubSpotApi(stranger, { basePath: hubspot.url }).checkContactsAccess());
    expect(err).toMatchObject({ kind: 'unauthorized', details: { status: 401, category: 'INVALID_AUTHENTICATION' } });
    expect(err.message).not.toContain(stranger);
  });

  it('uses HUBSPOT_BASE_URL when no basePath is given', async () => {
    const saved = process.env.HUBSPOT_BASE_URL;
    process.env.HUBSPOT_BASE_URL = `${hubspot.url}/`;
    try {
      await expect(createHubSpotApi(TOKEN).getAccountDetails()).resolves.toMatchObject({ portalId: '62515' });
    } finally {
      if (saved === undefined) delete process.env.HUBSPOT_BASE_URL;
      else process.env.HUBSPOT_BASE_URL = saved;
    }
  });
});

describe('reading contacts', () => {
  it('reads 100 contacts in exactly one POST /crm/v3/objects/contacts/batch/read', async () => {
    const contacts = makeContacts(100, 1000);
    for (const [id, props] of contacts) hubspot.contacts.set(id, props);
    const ids = contacts.map(([id]) => id);

    const found = await api.batchReadContacts(ids, PROPS);

    expect(hubspot.requests).toHaveLength(1);
    const [req] = hubspot.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/crm/v3/objects/contacts/batch/read' });
    expect((req!.body as { inputs: unknown[] }).inputs).toEqual(ids.map((id) => ({ id })));
    expect((req!.body as { properties: string[] }).properties).toEqual(PROPS);
    expect(found.size).toBe(100);
    const [firstId, first] = contacts[0]!;
    expect(found.get(firstId)).toMatchObject({
      firstname: first.firstname,
      lastname: first.lastname,
      phone: first.phone,
      company: first.company,
      hs_object_id: firstId,
    });
  });

  it('returns the found contacts of a 207 multi-status reply and leaves the missing ones out', async () => {
    hubspot.contacts.set('11', { firstname: 'Ada', phone: '+1 415 555 0011' });
    hubspot.contacts.set('13', { firstname: 'Alan', phone: null });
    const found = await api.batchReadContacts(['11', '12', '13'], ['firstname', 'phone']);
    expect([...found.keys()].sort()).toEqual(['11', '13']);
    expect(found.get('13')).toMatchObject({ firstname: 'Alan', phone: null });
    expect(hubspot.requests).toHaveLength(1);
  });

  it('reads an all-missing batch answered 404 OBJECT_NOT_FOUND as none found, but fails on a bare 404', async () => {
    const notFound = {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
      context: { ids: ['14'] },
    };
    hubspot.failNext(1, { status: 404, body: notFound });
    await expect(api.batchReadContacts(['14'], PROPS)).resolves.toEqual(new Map());
    hubspot.failNext(1, { status: 404 });
    expect(await failure(api.batchReadContacts(['14'], PROPS))).toMatchObject({ kind: 'not-found', details: { status: 404 } });
  });

  it('refuses more than 100 ids without calling HubSpot, and skips the call for none', async () => {
    const ids = makeContacts(101).map(([id]) => id);
    await expect(api.batchReadContacts(ids, PROPS)).rejects.toThrow(/at most 100 ids/);
    await expect(api.batchReadContacts([], PROPS)).resolves.toEqual(new Map());
    expect(hubspot.requests).toHaveLength(0);
  });

  it('reads one contact, and answers undefined for a contact HubSpot does not have', async () => {
    hubspot.contacts.set('21', { firstname: 'Grace', company: 'Navy' });
    await expect(api.getContact('21', ['firstname', 'company'])).resolves.toMatchObject({ firstname: 'Grace', company: 'Navy' });
    await expect(api.getContact('22', ['firstname'])).resolves.toBeUndefined();
    expect(hubspot.requests.map((r) => r.path)).toEqual([
      '/crm/v3/objects/contacts/21?properties=firstname&properties=company',
      '/crm/v3/objects/contacts/22?properties=firstname',
    ]);
  });

  it('treats an empty 404 (no body, no content type) as not found too', async () => {
    hubspot.failNext(1, { status: 404 });
    await expect(api.getContact('23', ['firstname'])).resolves.toBeUndefined();
  });
});

describe('HubSpot failures', () => {
  it('turns 429 TEN_SECONDLY_ROLLING into rate-limited with the policy and a 10 s wait, with no SDK retry', async () => {
    hubspot.failNext(1, {
      status: 429,
      body: {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'c-429',
        policyName: 'TEN_SECONDLY_ROLLING',
        groupName: 'publicapi:private-app:1',
      },
    });
    const err = await failure(api.batchReadContacts(['1'], PROPS));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({
      status: 429,
      category: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      retryAfterSeconds: 10,
      correlationId: 'c-429',
    });
    expect(hubspot.requests).toHaveLength(1);
  });

  it('reports the DAILY policy and honours a Retry-After header', async () => {
    hubspot.failNext(1, {
      status: 429,
      body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' },
    });
    const daily = await failure(api.batchReadContacts(['1'], PROPS));
    expect(daily.details).toMatchObject({ policyName: 'DAILY' });
    expect(daily.message).toMatch(/daily limit resets at midnight/);

    hubspot.failNext(1, { status: 429, body: { status: 'error', message: 'Too many requests' }, headers: { 'retry-after': '7' } });
    expect((await failure(api.batchReadContacts(['1'], PROPS))).details.retryAfterSeconds).toBe(7);
  });

  it("turns 500, a proxy's HTML 502 and an empty 503 into unavailable, keeping status and correlation id", async () => {
    hubspot.failNext(1, { status: 500, body: { status: 'error', message: 'internal error', correlationId: 'c-500' } });
    hubspot.failNext(1, { status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    hubspot.failNext(1, { status: 503 });
    const e500 = await failure(api.batchReadContacts(['1'], PROPS));
    const e502 = await failure(api.getContact('1', PROPS));
    const e503 = await failure(api.getAccountDetails());
    expect([e500, e502, e503].map((e) => [e.kind, e.details.status])).toEqual([
      ['unavailable', 500],
      ['unavailable', 502],
      ['unavailable', 503],
    ]);
    expect(e500.details.correlationId).toBe('c-500');
    expect(e502.details.correlationId).toMatch(/^[0-9a-f-]{36}$/); // from the X-HubSpot-Correlation-Id header
    expect(hubspot.requests).toHaveLength(3);
  });

  it('turns a reply slower than the timeout into unavailable after a single request', async () => {
    hubspot.contacts.set('31', { firstname: 'Slow' });
    hubspot.delayMs = 1500;
    const quick = createHubSpotApi(TOKEN, { basePath: hubspot.url, timeoutMs: 100 });
    const err = await failure(quick.batchReadContacts(['31'], PROPS));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/did not answer the batch read of 1 contacts within 100 ms/);
    expect(hubspot.requests).toHaveLength(1);
  });

  it('turns a refused connection into unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(createHubSpotApi(TOKEN, { basePath: `http://127.0.0.1:${port}` }).getAccountDetails());
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/could not be reached .*ECONNREFUSED/);
  });

  it('turns other 4xx into bad-request and a 403 without MISSING_SCOPES too', async () => {
    hubspot.failNext(1, {
      status: 400,
      body: { status: 'error', message: 'Invalid input JSON on line 1', category: 'VALIDATION_ERROR', correlationId: 'c-400' },
    });
    hubspot.failNext(1, { status: 403, body: { status: 'error', message: 'Forbidden', category: 'FORBIDDEN' } });
    expect(await failure(api.batchReadContacts(['1'], PROPS))).toMatchObject({
      kind: 'bad-request',
      details: { status: 400, category: 'VALIDATION_ERROR' },
    });
    expect(await failure(api.batchReadContacts(['1'], PROPS))).toMatchObject({ kind: 'bad-request', details: { status: 403 } });
  });

  it('never leaks the token even when HubSpot echoes it back', async () => {
    hubspot.failNext(1, {
      status: 401,
      body: { status: 'error', message: `token ${TOKEN} is not valid`, category: 'INVALID_AUTHENTICATION' },
    });
    const err = await failure(api.checkContactsAccess());
    expect(err.message).toContain('[redacted token]');
  });
});

describe('writing call outcomes', () => {
  it("POSTs a call with HubSpot's call properties and the call->contact association (194)", async () => {
    hubspot.contacts.set('41', { firstname: 'Ada' });
    await api.createCallEngagement({
      contactId: '41',
      timestamp: '2026-06-10T15:04:05.000Z',
      title: 'hubdial: Sales agent call',
      body: 'Connected after 1 attempt.',
      status: 'COMPLETED',
      toNumber: '+14155550041',
      durationMs: 65_000,
    });
    expect(hubspot.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /crm/v3/objects/calls']);
    expect(hubspot.engagements).toEqual([
      {
        properties: {
          hs_timestamp: '2026-06-10T15:04:05.000Z',
          hs_call_title: 'hubdial: Sales agent call',
          hs_call_body: 'Connected after 1 attempt.',
          hs_call_status: 'COMPLETED',
          hs_call_direction: 'OUTBOUND',
          hs_call_to_number: '+14155550041',
          hs_call_duration: '65000',
        },
        associations: [{ to: { id: '41' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] }],
      },
    ]);
  });

  it("finds a contact's call engagement by title and timestamp with one search of its calls", async () => {
    hubspot.contacts.set('44', {});
    hubspot.contacts.set('45', {});
    const at = '2026-06-10T15:00:00.000Z';
    const one = { timestamp: at, body: 'b', status: 'COMPLETED' as const };
    const { id } = await api.createCallEngagement({ contactId: '44', title: 'hubdial AI call, attempt 1', ...one });
    await api.createCallEngagement({ contactId: '44', title: 'hubdial AI call, attempt 2', ...one });
    await api.createCallEngagement({ contactId: '45', title: 'hubdial AI call, attempt 1', ...one });
    hubspot.requests.length = 0;

    // HubSpot may hand hs_timestamp back in another ISO form: compared as instants.
    expect(await api.findCallEngagement('44', { title: 'hubdial AI call, attempt 1', timestamp: '2026-06-10T15:00:00Z' })).toBe(id);
    expect(hubspot.requests).toEqual([
      {
        method: 'POST',
        path: '/crm/v3/objects/calls/search',
        body: {
          filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: '44' }] }],
          properties: ['hs_call_title', 'hs_timestamp'],
          limit: 100,
        },
      },
    ]);
    expect(
      await api.findCallEngagement('44', { title: 'hubdial AI call, attempt 1', timestamp: '2026-06-10T15:00:01.000Z' }),
    ).toBeUndefined();
    expect(await api.findCallEngagement('46', { title: 'hubdial AI call, attempt 1', timestamp: at })).toBeUndefined();
  });

  it("leaves out the number and duration when unknown, and surfaces HubSpot's refusal", async () => {
    hubspot.contacts.set('42', {});
    await api.createCallEngagement({ contactId: '42', timestamp: '2026-06-10T15:00:00.000Z', title: 't', body: 'b', status: 'NO_ANSWER' });
    expect((hubspot.engagements[0] as { properties: Record<string, string> }).properties).not.toHaveProperty('hs_call_duration');
    expect((hubspot.engagements[0] as { properties: Record<string, string> }).properties).not.toHaveProperty('hs_call_to_number');

    const err = await failure(
      api.createCallEngagement({ contactId: '404404', timestamp: '2026-06-10T15:00:00.000Z', title: 't', body: 'b', status: 'FAILED' }),
    );
    expect(err).toMatchObject({ kind: 'bad-request', details: { status: 400, category: 'VALIDATION_ERROR' } });
  });

  it('returns the engagement id, and PATCHes /crm/v3/objects/calls/{id} with disposition and https recording', async () => {
    hubspot.contacts.set('43', {});
    const base = { timestamp: '2026-06-10T15:00:00.000Z', title: 't', body: 'first', status: 'COMPLETED' as const };
    const { id } = await api.createCallEngagement({ contactId: '43', ...base, disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7' });
    expect(hubspot.calls.has(id)).toBe(true);
    await api.updateCallEngagement(id, { ...base, body: 'Summary:\nlater', recordingUrl: 'https://rec.example/1.wav' });
    expect(hubspot.requests.map((r) => `${r.method} ${r.path}`).slice(-1)).toEqual([`PATCH /crm/v3/objects/calls/${id}`]);
    expect(hubspot.calls.get(id)).toMatchObject({
      hs_call_body: 'Summary:\nlater',
      hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
      hs_call_recording_url: 'https://rec.example/1.wav',
    });
    const missing = await failure(api.updateCallEngagement('999', base));
    expect(missing).toMatchObject({ details: { status: 404 } });
    hubspot.failCallWrites(1, {
      status: 429,
      headers: { 'retry-after': '3' },
      body: { status: 'error', message: 'limit', errorType: 'RATE_LIMIT' },
    });
    const limited = await failure(api.updateCallEngagement(id, base));
    expect(limited).toMatchObject({ kind: 'rate-limited', retryable: true, details: { status: 429, retryAfterSeconds: 3 } });
  });
});
