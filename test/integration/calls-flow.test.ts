import { deriveCallId } from '../../functions/core/call-id';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../support/local-stack';

// Wednesday 11:00 in New York: inside 09:00-18:00.
const START = new Date('2026-06-10T15:00:00Z');

describe('calls go out, retry and finish (embedded stack, fake voice back end)', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;
  let clock = START;

  beforeAll(async () => {
    t = await startTestStack({ now: () => clock, visibilityTimeoutSeconds: 1 });
    ({ key, agentId } = await t.setup());
  });
  afterAll(() => t.stop());

  const query = (extra: Record<string, string> = {}) => ({
    agent_id: agentId,
    type: 'hubspot',
    x_api_key: key,
    min_trigger_time: '09:00',
    max_trigger_time: '18:00',
    ...extra,
  });
  const callOf = async (contactId: string) =>
    (await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, contactId)}`)).body;
  const requestsFor = (contactId: string) =>
    t.voice.requests.filter((r: any) => r.body.callId === deriveCallId(agentId, t.hubspot.portalId, contactId));
  const nthRequest = (contactId: string, n: number) =>
    waitFor(async () => requestsFor(contactId)[n - 1], `voice request ${n} for contact ${contactId}`);
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('dials a new contact with its variables and E.164 number, retries on no answer, completes on connect', async () => {
    t.hubspot.contacts.set('501', { firstname: 'Ada', company: 'Analytical Engines', phone: '(415) 555-2671' });
    const res = await t.webhook(query({ num_of_retries: '2', gap_between_retries: '2' }), creationEvents(['501'], t.hubspot.portalId));
    expect(res.status).toBe(200);

    const first: any = await nthRequest('501', 1);
    expect(first.signatureValid).toBe(true);
    expect(first.body).toMatchObject({
      attempt: 1,
      agentId,
      to: '+14155552671',
      variables: { firstname: 'Ada', company: 'Analytical Engines' },
    });
    expect(first.body.statusCallbackUrl).toMatch(/\/call\/status\/http\?/);
    await waitFor(async () => ((await callOf('501')).attempts[0].providerCallId ? true : undefined), 'provider call id recorded');

    expect((await t.voice.sendOutcome(first, 'no-answer')).status).toBe(200);
    let call = await callOf('501');
    expect(call.status).toBe('scheduled');
    expect(call.attempts[0]).toMatchObject({ outcome: 'no-answer' });
    expect(call.attempts[1]).toMatchObject({ number: 2, scheduledAt: '2026-06-10T17:00:00.000Z' });

    // A repeated callback for the settled attempt changes nothing.
    const repeat = await t.voice.sendOutcome(first, 'completed');
    expect(repeat.status).toBe(200);
    expect((await callOf('501')).attempts).toHaveLength(2);

    clock = new Date('2026-06-10T17:00:01Z');
    const second: any = await nthRequest('501', 2);
    expect(second.body.attempt).toBe(2);
    await t.voice.sendOutcome(second, 'completed', 73);
    call = await callOf('501');
    expect(call.status).toBe('completed');
    expect(call.attempts[1]).toMatchObject({ outcome: 'completed', durationSeconds: 73 });
    expect(call.history.map((h: any) => h.status)).toEqual(['scheduled', 'dialing', 'scheduled', 'dialing', 'completed']);
    clock = START;
  });

  it('fails with a reason when retries run out, moving a retry that lands after hours to the next opening', async () => {
    clock = new Date('2026-06-10T21:30:00Z'); // 17:30 New York
    t.hubspot.contacts.set('502', { firstname: 'Bob', phone: '+14155550142' });
    await t.webhook(query({ num_of_retries: '1', gap_between_retries: '1' }), creationEvents(['502'], t.hubspot.portalId));
    const first: any = await nthRequest('502', 1);
    await t.voice.sendOutcome(first, 'busy');
    let call = await callOf('502');
    expect(call.attempts[1].scheduledAt).toBe('2026-06-11T13:00:00.000Z'); // 18:30 is after hours: next day 09:00

    clock = new Date('2026-06-11T13:00:05Z');
    const second: any = await nthRequest('502', 2);
    await t.voice.sendOutcome(second, 'no-answer');
    call = await callOf('502');
    expect(call.status).toBe('failed');
    expect(call.reason).toMatch(/2 attempts|retries/);
    clock = START;
  });

  it('never dials twice for duplicate dial jobs', async () => {
    t.hubspot.contacts.set('503', { phone: '+14155550143' });
    await t.webhook(query(), creationEvents(['503'], t.hubspot.portalId));
    await nthRequest('503', 1);
    const callId = deriveCallId(agentId, t.hubspot.portalId, '503');
    await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, clock, clock);
    await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, clock, clock);
    await settle(2500);
    expect(requestsFor('503')).toHaveLength(1);
  });

  it('never sends a create-call again after a provider 5xx: the attempt waits for its callback', async () => {
    t.hubspot.contacts.set('504', { phone: '+14155550144' });
    const callId = deriveCallId(agentId, t.hubspot.portalId, '504');
    const previous = t.voice.reply;
    t.voice.reply = (req: any) => (req.body.callId === callId ? { status: 503, body: { error: 'overloaded' } } : previous(req));
    try {
      await t.webhook(query({ num_of_retries: '0' }), creationEvents(['504'], t.hubspot.portalId));
      const call = await waitFor(
        async () => {
          const c = await callOf('504');
          return /waiting for the platform's callback/.test(c.reason) ? c : undefined;
        },
        'the 5xx to be recorded',
        20_000,
      );
      expect(call.status).toBe('dialing');
      expect(call.reason).toMatch(/HTTP 503/);
      await settle(2500);
      expect(requestsFor('504')).toHaveLength(1);
    } finally {
      t.voice.reply = previous;
    }
  });

  it('sends the same attempt again after a 429, at most 3 times, then ends in a stated status', async () => {
    t.hubspot.contacts.set('507', { phone: '+14155550147' });
    const callId = deriveCallId(agentId, t.hubspot.portalId, '507');
    const previous = t.voice.reply;
    t.voice.reply = (req: any) => (req.body.callId === callId ? { status: 429, body: { error: 'slow down' } } : previous(req));
    try {
      await t.webhook(query({ num_of_retries: '0' }), creationEvents(['507'], t.hubspot.portalId));
      const call = await waitFor(
        async () => {
          const c = await callOf('507');
          return c.status === 'failed' ? c : undefined;
        },
        'call to fail after refusals',
        30_000,
      );
      expect(requestsFor('507')).toHaveLength(4);
      expect(requestsFor('507').map((r: any) => r.body.attempt)).toEqual([1, 1, 1, 1]);
      expect(call.reason).toMatch(/refused the call 4 times/);
    } finally {
      t.voice.reply = previous;
    }
  });

  it('cancels a carried-over call: its schedule is removed and it is never dialled', async () => {
    clock = new Date('2026-06-10T23:00:00Z'); // 19:00 New York
    t.hubspot.contacts.set('505', { phone: '+14155550145' });
    await t.webhook(query({ carry_over: 'true' }), creationEvents(['505'], t.hubspot.portalId));
    const callId = deriveCallId(agentId, t.hubspot.portalId, '505');
    const cancelled = await t.admin('POST', `/admin/calls/${callId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await t.admin('POST', `/admin/calls/${callId}/cancel`)).status).toBe(409);
    clock = new Date('2026-06-11T13:00:05Z');
    await settle(1500);
    expect(requestsFor('505')).toHaveLength(0);
    clock = START;
  });

  it('refuses a status callback with a bad signature or token', async () => {
    t.hubspot.contacts.set('506', { phone: '+14155550146' });
    await t.webhook(query(), creationEvents(['506'], t.hubspot.portalId));
    const req: any = await nthRequest('506', 1);
    const body = JSON.stringify({ callId: req.body.callId, attempt: 1, outcome: 'completed' });
    const noSig = await fetch(req.body.statusCallbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(noSig.status).toBe(401);
    const forged = req.body.statusCallbackUrl.replace(/token=[^&]+/, 'token=forged');
    const badToken = await fetch(forged, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hubdial-signature': 'sha256=00' },
      body,
    });
    expect(badToken.status).toBe(401);
    expect((await callOf('506')).status).toBe('dialing');
  });

  it('writes each settled attempt back to HubSpot as a Call engagement when the agent asks for it', async () => {
    const agent = await t.admin('POST', '/admin/agents', {
      name: 'Write-back',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      writeBackToHubSpot: true,
      voice: { provider: 'http', url: `${t.voice.url}/calls`, secret: t.voice.secret },
    });
    t.hubspot.contacts.set('507', { phone: '+14155550147' });
    await t.webhook({ agent_id: agent.body.id, type: 'hubspot', x_api_key: key }, creationEvents(['507'], t.hubspot.portalId));
    const callId = deriveCallId(agent.body.id, t.hubspot.portalId, '507');
    const req: any = await waitFor(async () => t.voice.requests.find((r: any) => r.body.callId === callId), 'the call to be placed');
    const before = t.hubspot.engagements.length;
    await t.voice.sendOutcome(req, 'completed', 30);
    // Written through a queue task, after the callback was answered.
    await waitFor(async () => (t.hubspot.engagements.length > before ? true : undefined), 'the engagement');
    expect(t.hubspot.engagements.length).toBe(before + 1);
    expect(JSON.stringify(t.hubspot.engagements[before])).toMatch(/COMPLETED/);
    expect(JSON.stringify(t.hubspot.engagements[before])).toContain('507');
  });
});
