import { deriveCallId } from '../../functions/core/call-id';
import { createAdminHandler } from '../../functions/handlers/admin';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, type TestStack } from '../support/local-stack';

describe('admin API on the loopback listener', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ now: () => new Date('2026-06-10T15:00:00Z') });
  });
  afterAll(() => t.stop());

  const agentBody = (over: Record<string, unknown> = {}) => ({
    name: 'Sales',
    timezone: 'Europe/Berlin',
    defaultCountry: 'de',
    variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
    callDefaults: {
      min_trigger_time: '9:00',
      max_trigger_time: '18:00',
      carry_over: true,
      num_of_retries: 3,
      gap_between_retries: [2, 4, 6],
    },
    voice: { provider: 'http', url: 'https://voice.example/place?auth=q-secret', secret: 'a-long-voice-secret-123' },
    ...over,
  });

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(t.stack.adminUrl).hostname).toBe('127.0.0.1');
  });

  it('creates an API key shown once', async () => {
    const res = await t.admin('POST', '/admin/api-keys', { name: 'hubspot' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'hubspot' });
    expect(res.body.key).toMatch(/^hd_[A-Za-z0-9_-]{32}$/);
    expect((await t.admin('POST', '/admin/api-keys', {})).body).toMatchObject({ parameter: 'name' });
  });

  it('creates, reads, updates and deletes an agent without ever showing its voice secret', async () => {
    const created = await t.admin('POST', '/admin/agents', agentBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Sales',
      timezone: 'Europe/Berlin',
      defaultCountry: 'DE',
      callDefaults: { min_trigger_time: '09:00', gap_between_retries: [2, 4, 6] },
    });
    expect(JSON.stringify(created.body)).not.toMatch(/a-long-voice-secret|q-secret/);
    const id = created.body.id;

    const shown = await t.admin('GET', `/admin/agents/${id}`);
    expect(shown.body.voice).toEqual({
      provider: 'http',
      url: 'https://voice.example/place',
      secret: '***',
      webhookUrl: `${t.stack.publicUrl}/call/status/http`,
    });
    expect(shown.body.pacing).toEqual({ maxLiveCalls: null, callsPerSecond: null });

    // Sending back what GET showed keeps the stored secret and URL.
    const updated = await t.admin('PUT', `/admin/agents/${id}`, { ...shown.body, name: 'Sales EU' });
    expect(updated.status).toBe(200);
    const stored = await t.stack.deps.store.getAgent(id);
    expect(stored?.name).toBe('Sales EU');
    expect(stored?.voice).toMatchObject({ url: 'https://voice.example/place?auth=q-secret', secret: 'a-long-voice-secret-123' });

    expect((await t.admin('GET', '/admin/agents')).body.items.map((a: any) => a.id)).toContain(id);
    expect((await t.admin('DELETE', `/admin/agents/${id}`)).status).toBe(204);
    expect((await t.admin('GET', `/admin/agents/${id}`)).status).toBe(404);
    expect((await t.admin('DELETE', `/admin/agents/${id}`)).status).toBe(404);
  });

  it.each([
    ['timezone', { timezone: 'Mars/Olympus' }],
    ['defaultCountry', { defaultCountry: 'XX' }],
    ['voice.provider', { voice: { provider: 'carrier-pigeon' } }],
    ['callDefaults.min_trigger_time', { callDefaults: { min_trigger_time: '25:99', max_trigger_time: '18:00' } }],
  ])('rejects an agent with a bad %s, naming it', async (parameter, over) => {
    const res = await t.admin('POST', '/admin/agents', agentBody(over));
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe(parameter);
    expect(res.body.message).toBeTruthy();
  });

  it('answers unknown routes and methods clearly', async () => {
    expect((await t.admin('GET', '/admin/nope')).status).toBe(404);
    expect((await t.admin('PATCH', '/admin/agents')).status).toBe(405);
    expect((await t.admin('POST', '/admin/agents', '{not json')).body.error).toBe('invalid_body');
    // Malformed or oversized ids name nothing stored: 404, never a 5xx from DynamoDB's key limits.
    // (The local gateway already refuses bad encoding; on AWS the handler sees it.)
    const admin = createAdminHandler(t.stack.deps);
    const event = {
      rawPath: '/admin/agents/%E0%A4%A',
      rawQueryString: '',
      headers: {},
      requestContext: { http: { method: 'GET' } },
    } as unknown as Parameters<typeof admin>[0];
    expect((await admin(event)).statusCode).toBe(404);
    expect((await t.admin('GET', `/admin/calls/${'x'.repeat(3000)}`)).status).toBe(404);
  });

  it('connects HubSpot, learning the portal, and never returns the token', async () => {
    const res = await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ portalId: t.hubspot.portalId, status: 'connected', signatureVerification: false });
    expect(JSON.stringify(res.body)).not.toContain(HUBSPOT_TOKEN);
    expect(JSON.stringify((await t.admin('GET', '/admin/integrations/hubspot')).body)).not.toContain(HUBSPOT_TOKEN);
  });

  it("refuses an expired token and a token without the contacts scope with HubSpot's reason", async () => {
    const expired = 'pat-na1-expired-0000-0000-0000-000000000000';
    t.hubspot.tokens.add(expired);
    t.hubspot.expireToken(expired);
    const res = await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: expired });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'hubspot_unauthorized', parameter: 'accessToken' });
    expect(res.body.message).not.toContain(expired);

    t.hubspot.scopes.delete('crm.objects.contacts.read');
    try {
      const scoped = await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN });
      expect(scoped.status).toBe(400);
      expect(scoped.body.error).toBe('hubspot_missing_scopes');
      expect(scoped.body.requiredScopes).toContain('crm.objects.contacts.read');
    } finally {
      t.hubspot.scopes.add('crm.objects.contacts.read');
    }
    expect((await t.admin('PUT', '/admin/integrations/hubspot', {})).body.parameter).toBe('accessToken');
  });

  it('lists calls by agent and status across pages, shows one, and rejects a bad cursor', async () => {
    const key = (await t.admin('POST', '/admin/api-keys', { name: 'k' })).body.key;
    const agentId = (
      await t.admin(
        'POST',
        '/admin/agents',
        agentBody({ timezone: 'America/New_York', defaultCountry: 'US', voice: { provider: 'simulator', outcomes: ['completed'] } }),
      )
    ).body.id;
    const ids = Array.from({ length: 7 }, (_, i) => String(7000 + i));
    for (const [i, id] of ids.entries())
      t.hubspot.contacts.set(id, { firstname: `C${i}`, phone: i === 0 ? null : `+1415555${String(1000 + i)}` });
    const res = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(ids, t.hubspot.portalId));
    expect(res.body.accepted).toBe(7);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await t.admin(
        'GET',
        `/admin/calls?agent_id=${agentId}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((c: any) => c.contactId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(ids);

    const failed = await t.admin('GET', `/admin/calls?agent_id=${agentId}&status=failed`);
    expect(failed.body.items.map((c: any) => c.contactId)).toEqual(['7000']);

    const detail = await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, '7001')}`);
    expect(detail.body).toMatchObject({
      agentId,
      portalId: t.hubspot.portalId,
      contactId: '7001',
      to: '+14155551001',
      variables: { firstname: 'C1' },
    });
    expect(detail.body.attempts[0]).toMatchObject({ number: 1, scheduledAt: '2026-06-10T15:00:00.000Z' });

    expect((await t.admin('GET', '/admin/calls?cursor=garbage')).body.parameter).toBe('cursor');
    expect((await t.admin('GET', '/admin/calls?status=ringing')).body.parameter).toBe('status');
    expect((await t.admin('GET', '/admin/calls?limit=0')).body.parameter).toBe('limit');
    expect((await t.admin('GET', '/admin/calls/call_nope')).status).toBe(404);
  });
});
