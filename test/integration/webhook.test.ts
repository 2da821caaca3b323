import { createHmac } from 'node:crypto';
import { deriveCallId } from '../../functions/core/call-id';
import { makeContacts } from '../fakes/fake-hubspot';
import { creationEvents, startTestStack, type TestStack } from '../support/local-stack';

// 11:00 in New York on a weekday: inside a 09:00-18:00 window.
const NOW = new Date('2026-06-10T15:00:00Z');

describe('POST /call/crm-webhook on the embedded stack', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestStack({ now: () => NOW });
    ({ key, agentId } = await t.setup());
  });
  afterAll(() => t.stop());

  const batchReads = () => t.hubspot.requests.filter((r) => r.path.startsWith('/crm/v3/objects/contacts/batch/read')).length;
  const allCalls = async () => {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: any } = await t.admin('GET', `/admin/calls?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };
  const query = (extra: Record<string, string> = {}) => ({ agent_id: agentId, type: 'hubspot', x_api_key: key, ...extra });

  it('stores one call per contact of a 100-event delivery with one HubSpot read, and a redelivery stores nothing new', async () => {
    const contacts = makeContacts(100, 1000);
    for (const [id, props] of contacts) t.hubspot.contacts.set(id, props);
    const events = creationEvents(
      contacts.map(([id]) => id),
      t.hubspot.portalId,
    );
    const before = batchReads();

    const first = await t.webhook(query(), events);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 100, duplicates: 0, rejected: [] });
    expect(batchReads() - before).toBe(1);

    const calls = await allCalls();
    const ours = calls.filter((c) => Number(c.contactId) >= 1000 && Number(c.contactId) < 1100);
    expect(ours).toHaveLength(100);
    const one = ours.find((c) => c.contactId === '1000');
    expect(one.id).toBe(deriveCallId(agentId, t.hubspot.portalId, '1000'));
    expect(one.to).toMatch(/^\+1\d{10}$/);
    expect(one.variables.firstname).toBe(contacts[0]![1].firstname);
    expect(one.attempts[0].scheduledAt).toBe(NOW.toISOString());

    const again = await t.webhook(query(), events);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 100 });
    expect(batchReads() - before).toBe(1); // known contacts are not read again
    expect((await allCalls()).length).toBe(calls.length);
  });

  it('counts a repeated event inside one delivery as a duplicate', async () => {
    t.hubspot.contacts.set('2001', { firstname: 'Rep', phone: '+1 415 555 2671' });
    const events = creationEvents(['2001', '2001'], t.hubspot.portalId);
    const res = await t.webhook(query(), events);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('stores a contact without a usable phone as failed, naming the phone', async () => {
    t.hubspot.contacts.set('2101', { firstname: 'NoPhone', phone: null, mobilephone: null });
    t.hubspot.contacts.set('2102', { firstname: 'BadPhone', phone: '12' });
    const res = await t.webhook(query(), creationEvents(['2101', '2102'], t.hubspot.portalId));
    expect(res.body.accepted).toBe(2);
    for (const id of ['2101', '2102']) {
      const call = await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, id)}`);
      expect(call.body.status).toBe('failed');
      expect(call.body.reason).toMatch(/phone/);
    }
  });

  it('skips a contact outside the window with carry_over off, and carries it over when on', async () => {
    t.hubspot.contacts.set('2201', { firstname: 'Late', phone: '+14155550101' });
    t.hubspot.contacts.set('2202', { firstname: 'Later', phone: '+14155550102' });
    const evening = { min_trigger_time: '18:00', max_trigger_time: '20:00' };
    const skipped = await t.webhook(query({ ...evening, carry_over: 'false' }), creationEvents(['2201'], t.hubspot.portalId));
    expect(skipped.body.calls[0]).toMatchObject({ status: 'skipped' });
    const s = await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, '2201')}`);
    expect(s.body.status).toBe('skipped');
    expect(s.body.reason).toMatch(/18:00/);

    const carried = await t.webhook(query({ ...evening, carry_over: 'true' }), creationEvents(['2202'], t.hubspot.portalId));
    expect(carried.body.calls[0]).toMatchObject({ status: 'scheduled' });
    const c = await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, '2202')}`);
    expect(c.body.attempts[0].scheduledAt).toBe('2026-06-10T22:00:00.000Z'); // 18:00 New York (EDT)
  });

  it("plans in the contact's own HubSpot time zone when the agent asks for it", async () => {
    const agent = await t.admin('POST', '/admin/agents', {
      name: 'Local time',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      useContactTimezone: true,
      callDefaults: { min_trigger_time: '09:00', max_trigger_time: '18:00' },
      voice: { provider: 'simulator' },
    });
    // 15:00 UTC is 11:00 in New York but 17:00 in Berlin and 00:00 in Tokyo.
    t.hubspot.contacts.set('2501', { phone: '+4930123456', hs_timezone: 'europe_slash_berlin' });
    t.hubspot.contacts.set('2502', { phone: '+81312345678', hs_timezone: 'asia_slash_tokyo' });
    t.hubspot.contacts.set('2503', { phone: '+14155550150', hs_timezone: null });
    const q = { agent_id: agent.body.id, type: 'hubspot', x_api_key: key };
    expect((await t.webhook(q, creationEvents(['2501', '2502', '2503'], t.hubspot.portalId))).body.accepted).toBe(3);
    const callOf = async (id: string) => (await t.admin('GET', `/admin/calls/${deriveCallId(agent.body.id, t.hubspot.portalId, id)}`)).body;
    expect(await callOf('2501')).toMatchObject({ timezone: 'Europe/Berlin', attempts: [{ scheduledAt: NOW.toISOString() }] });
    expect(await callOf('2502')).toMatchObject({ timezone: 'Asia/Tokyo', attempts: [{ scheduledAt: '2026-06-11T00:00:00.000Z' }] }); // 09:00 Tokyo
    expect(await callOf('2503')).toMatchObject({ timezone: 'America/New_York' });
  });

  it('accepts a workflow "Send a webhook" body for one record', async () => {
    t.hubspot.contacts.set('2301', { firstname: 'Flow', phone: '+14155550103' });
    const res = await t.webhook(query(), { objectId: 2301, properties: { hs_object_id: '2301' } });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
  });

  it('rejects an event from another portal without storing it', async () => {
    const res = await t.webhook(query(), creationEvents(['2401'], '999'));
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected[0]).toMatchObject({ objectId: '2401' });
    expect(res.body.rejected[0].reason).toMatch(/portal 999/);
  });

  describe('bad input answers 4xx and stores nothing', () => {
    const cases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
      ['missing API key', () => t.webhook({ agent_id: agentId, type: 'hubspot' }, creationEvents(['3001'], '62515')), 401, /x_api_key/],
      ['wrong API key', () => t.webhook(query({ x_api_key: 'hd_wrong' }), creationEvents(['3002'], '62515')), 401, /API key/],
      ['unknown agent', () => t.webhook(query({ agent_id: 'agt_missing' }), creationEvents(['3003'], '62515')), 404, /agt_missing/],
      [
        'bad window time',
        () => t.webhook(query({ min_trigger_time: '25:99', max_trigger_time: '18:00' }), creationEvents(['3004'], '62515')),
        400,
        /min_trigger_time/,
      ],
      ['retries out of range', () => t.webhook(query({ num_of_retries: '11' }), creationEvents(['3005'], '62515')), 400, /num_of_retries/],
      ['unsupported type', () => t.webhook(query({ type: 'salesforce' }), creationEvents(['3006'], '62515')), 400, /type/],
      ['malformed JSON', () => t.webhook(query(), '[{"objectId": 3007,'), 400, /JSON/],
      ['oversized body', () => t.webhook(query(), JSON.stringify([{ objectId: 3008, pad: 'x'.repeat(1_200_000) }])), 400, /bytes/],
      ['empty body', () => t.webhook(query(), ''), 400, /./],
    ];
    it.each(cases)('%s', async (_name, send, status, message) => {
      for (const id of ['3001', '3002', '3003', '3004', '3005', '3006', '3007', '3008'])
        t.hubspot.contacts.set(id, { phone: '+14155550111' });
      const before = (await allCalls()).length;
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body.message).toMatch(message);
      expect((await allCalls()).length).toBe(before);
    });
  });

  it('answers non-2xx on HubSpot 429 and 5xx so HubSpot redelivers, then stores on redelivery', async () => {
    t.hubspot.contacts.set('4001', { firstname: 'Retry', phone: '+14155550120' });
    const events = creationEvents(['4001'], t.hubspot.portalId);
    t.hubspot.failNext(1, {
      status: 429,
      body: {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'c-1',
        policyName: 'TEN_SECONDLY_ROLLING',
      },
    });
    const limited = await t.webhook(query(), events);
    expect(limited.status).toBe(503);
    t.hubspot.failNext(1, { status: 502, body: { status: 'error', message: 'Bad gateway' } });
    expect((await t.webhook(query(), events)).status).toBe(503);
    const callId = deriveCallId(agentId, t.hubspot.portalId, '4001');
    expect((await t.admin('GET', `/admin/calls/${callId}`)).status).toBe(404);
    const ok = await t.webhook(query(), events);
    expect(ok.body).toMatchObject({ accepted: 1 });
  });

  it('answers 502 with the reason when HubSpot says the token expired', async () => {
    t.hubspot.contacts.set('4101', { phone: '+14155550121' });
    t.hubspot.failNext(1, {
      status: 401,
      body: {
        status: 'error',
        message: 'The OAuth token used to make this call expired 1 day ago.',
        correlationId: 'c-2',
        category: 'EXPIRED_AUTHENTICATION',
      },
    });
    const res = await t.webhook(query(), creationEvents(['4101'], t.hubspot.portalId));
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/token/i);
  });
});

describe('HubSpot signature v3 on the webhook', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;
  const secret = 'client-secret-abc';

  beforeAll(async () => {
    t = await startTestStack();
    ({ key, agentId } = await t.setup());
    const res = await t.admin('PUT', '/admin/integrations/hubspot', {
      accessToken: 'pat-na1-11111111-2222-3333-4444-555555555555',
      clientSecret: secret,
    });
    expect(res.body.signatureVerification).toBe(true);
  });
  afterAll(() => t.stop());

  /** HubSpot's v3 signature over the URL it called (`base` + path). */
  function signedHeaders(path: string, body: string, timestamp = Date.now(), base = t.stack.publicUrl) {
    const uri = `${base}${path}`;
    const signature = createHmac('sha256', secret).update(`POST${uri}${body}${timestamp}`).digest('base64');
    return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
  }

  function delivery(contactId: string) {
    t.hubspot.contacts.set(contactId, { phone: '+14155550130' });
    const q = { agent_id: agentId, type: 'hubspot', x_api_key: key };
    return {
      q,
      path: `/call/crm-webhook?${new URLSearchParams(q)}`,
      body: JSON.stringify(creationEvents([contactId], t.hubspot.portalId)),
    };
  }

  it('accepts a correctly signed delivery and rejects a bad, stale or missing signature with 401', async () => {
    t.hubspot.contacts.set('5001', { phone: '+14155550130' });
    const q = { agent_id: agentId, type: 'hubspot', x_api_key: key };
    const path = `/call/crm-webhook?${new URLSearchParams(q)}`;
    const body = JSON.stringify(creationEvents(['5001'], t.hubspot.portalId));

    expect((await t.webhook(q, body, { 'x-hubspot-signature-v3': 'AAAA', 'x-hubspot-request-timestamp': String(Date.now()) })).status).toBe(
      401,
    );
    expect((await t.webhook(q, body, signedHeaders(path, body, Date.now() - 10 * 60_000))).status).toBe(401);
    expect((await t.webhook(q, body)).status).toBe(401);
    expect((await t.admin('GET', '/admin/calls')).body.items).toHaveLength(0);

    const ok = await t.webhook(q, body, signedHeaders(path, body));
    expect(ok.status).toBe(200);
    expect(ok.body.accepted).toBe(1);
  });

  it('checks the URL HubSpot called on the plain-HTTP local listener when PUBLIC_BASE_URL is not set', async () => {
    const { q, path, body } = delivery('5002');
    expect(t.stack.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const httpsInstead = signedHeaders(path, body, Date.now(), t.stack.publicUrl.replace('http:', 'https:'));
    const refused = await t.webhook(q, body, httpsInstead);
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });

    const accepted = await t.webhook(q, body, signedHeaders(path, body));
    expect(accepted).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it('checks the URL a tunnel forwarded (X-Forwarded-Proto / X-Forwarded-Host)', async () => {
    const { q, path, body } = delivery('5003');
    const tunnel = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hubdial.tunnel.example' };
    const forLocal = await t.webhook(q, body, { ...tunnel, ...signedHeaders(path, body) });
    expect(forLocal.status).toBe(401);

    const signed = signedHeaders(path, body, Date.now(), 'https://hubdial.tunnel.example');
    expect((await t.webhook(q, body, { ...tunnel, ...signed })).status).toBe(200);
    // The scheme alone forwarded: the Host header names the host.
    const { q: q2, path: path2, body: body2 } = delivery('5004');
    const host = new URL(t.stack.publicUrl).host;
    const schemeOnly = await t.webhook(q2, body2, {
      'x-forwarded-proto': 'https',
      ...signedHeaders(path2, body2, Date.now(), `https://${host}`),
    });
    expect(schemeOnly.status).toBe(200);
  });

  it('checks the URL under PUBLIC_BASE_URL when the operator set one', async () => {
    const { q, path, body } = delivery('5005');
    const before = process.env.PUBLIC_BASE_URL;
    process.env.PUBLIC_BASE_URL = 'https://calls.example.com/';
    try {
      expect((await t.webhook(q, body, signedHeaders(path, body))).status).toBe(401);
      expect((await t.webhook(q, body, signedHeaders(path, body, Date.now(), 'https://calls.example.com'))).status).toBe(200);
    } finally {
      if (before === undefined) delete process.env.PUBLIC_BASE_URL;
      else process.env.PUBLIC_BASE_URL = before;
    }
  });
});
