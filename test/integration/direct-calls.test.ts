import { deriveCallId } from '../../functions/core/call-id';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../support/local-stack';

// Test calls and one contact by hand, through the real admin handler, intake and dial
// path on the embedded stack (fake HubSpot, fake voice back end).
describe('calls that do not wait for a webhook: test call and one contact by hand', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestStack();
    ({ key, agentId } = await t.setup({
      // A window that is always closed right now, with carry-over: a test call ignores it.
      callDefaults: closedWindowNow(),
      writeBackToHubSpot: true,
    }));
  });
  afterAll(() => t.stop());

  it('a test call rings the voice back end now, ignoring the window, marked as a test everywhere', async () => {
    const before = t.hubspot.requests.length;
    const res = await t.admin('POST', `/admin/agents/${agentId}/test-call`, { to: '(415) 555-2671', variables: { firstname: 'Ada' } });
    expect(res.status).toBe(201);
    const callId: string = res.body.callId;
    expect(callId).toMatch(/^call_[0-9a-f]{26}$/);

    const request: any = await waitFor(
      async () => t.voice.requests.find((r: any) => r.body.callId === callId),
      'the test call at the voice back end',
    );
    expect(request.body).toMatchObject({ attempt: 1, agentId, to: '+14155552671', variables: { firstname: 'Ada' } });

    const detail = await t.admin('GET', `/admin/calls/${callId}`);
    expect(detail.body).toMatchObject({ id: callId, test: true, status: 'dialing', contactId: '' });
    expect(detail.body.settings).toEqual({ carryOver: true, numOfRetries: 0, gapHours: [2] });
    const listed = await t.admin('GET', `/admin/calls?agent_id=${agentId}`);
    expect(listed.body.items.find((c: any) => c.id === callId)).toMatchObject({ test: true });

    // The outcome settles it (no retry) and nothing reaches HubSpot, write-back or not.
    await waitFor(
      async () => ((await t.admin('GET', `/admin/calls/${callId}`)).body.attempts[0].providerCallId ? true : undefined),
      'placed',
    );
    expect((await t.voice.sendOutcome(request, 'no-answer')).status).toBe(200);
    const settled = await t.admin('GET', `/admin/calls/${callId}`);
    expect(settled.body).toMatchObject({ status: 'failed', test: true });
    expect(t.hubspot.requests.slice(before)).toEqual([]);
    expect(t.hubspot.engagements).toEqual([]);
  });

  it('with the simulator (the README quick start) the test call settles by itself', async () => {
    const sim = await t.admin('POST', '/admin/agents', {
      name: 'Try',
      timezone: 'Europe/London',
      defaultCountry: 'GB',
      variables: [],
      voice: { provider: 'simulator', outcomes: ['completed'] },
      writeBackToHubSpot: true,
    });
    expect(sim.status).toBe(201);
    const before = t.hubspot.requests.length;
    const res = await t.admin('POST', `/admin/agents/${sim.body.id}/test-call`, { to: '+442079460018' });
    expect(res.status).toBe(201);
    const settled = await waitFor(async () => {
      const call = (await t.admin('GET', `/admin/calls/${res.body.callId}`)).body;
      return call.status === 'completed' ? call : undefined;
    }, 'the simulated test call to complete');
    expect(settled).toMatchObject({ test: true, attempts: [{ number: 1, outcome: 'completed' }] });
    expect(t.hubspot.requests.slice(before)).toEqual([]);
  });

  it('a test call with a bad number is a 400 naming `to`, and stores nothing', async () => {
    const before = (await t.admin('GET', '/admin/calls?limit=100')).body.items.length;
    for (const body of [{}, { to: '12' }, { to: 'not a number' }, { to: 14155552671 }]) {
      const res = await t.admin('POST', `/admin/agents/${agentId}/test-call`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_parameter', parameter: 'to' });
    }
    const badVars = await t.admin('POST', `/admin/agents/${agentId}/test-call`, { to: '+14155552671', variables: ['x'] });
    expect(badVars.body).toMatchObject({ error: 'invalid_parameter', parameter: 'variables' });
    expect((await t.admin('GET', '/admin/calls?limit=100')).body.items.length).toBe(before);
    const missing = await t.admin('POST', '/admin/agents/agt_nope/test-call', { to: '+14155552671' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('agent_not_found');
  });

  it('a number on the do-not-call list is refused with 409 do_not_call', async () => {
    const added = await t.admin('POST', '/admin/do-not-call', { numbers: ['+14155550100'], reason: 'asked not to be called' });
    expect(added).toMatchObject({ status: 200, body: { added: 1 } });
    const before = t.voice.requests.length;
    const callsBefore = (await t.admin('GET', '/admin/calls?limit=100')).body.items.length;
    const res = await t.admin('POST', `/admin/agents/${agentId}/test-call`, { to: '+1 415 555 0100' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'do_not_call', parameter: 'to' });
    expect(t.voice.requests.length).toBe(before);
    expect((await t.admin('GET', '/admin/calls?limit=100')).body.items.length).toBe(callsBefore);
    expect((await t.admin('DELETE', '/admin/do-not-call/%2B14155550100')).status).toBe(204);
  });

  it('one contact by hand goes through intake with the agent defaults; the later webhook is a duplicate', async () => {
    t.hubspot.contacts.set('701', { firstname: 'Grace', company: 'Navy', phone: '+14155550701' });
    const res = await t.admin('POST', '/admin/calls', { agentId, contactId: '701' });
    expect(res.status).toBe(201);
    const callId = deriveCallId(agentId, t.hubspot.portalId, '701');
    expect(res.body).toEqual({ callId, status: 'scheduled', reason: expect.stringMatching(/carried over/) });
    const call = (await t.admin('GET', `/admin/calls/${callId}`)).body;
    expect(call).toMatchObject({ contactId: '701', test: false, variables: { firstname: 'Grace', company: 'Navy' } });
    expect(call.settings.window).toEqual({ min: closedWindowNow().min_trigger_time, max: closedWindowNow().max_trigger_time });

    const again = await t.admin('POST', '/admin/calls', { agentId, contactId: 701 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    const hook = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['701'], t.hubspot.portalId));
    expect(hook.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('by hand: bad input 400s, unknown agent and unknown contact 404 naming the field', async () => {
    const noContact = await t.admin('POST', '/admin/calls', { agentId });
    expect(noContact.body).toMatchObject({ error: 'invalid_parameter', parameter: 'contactId' });
    const badContact = await t.admin('POST', '/admin/calls', { agentId, contactId: 'abc' });
    expect(badContact.body).toMatchObject({ error: 'invalid_parameter', parameter: 'contactId' });
    const noAgent = await t.admin('POST', '/admin/calls', { contactId: '1' });
    expect(noAgent.body).toMatchObject({ error: 'invalid_parameter', parameter: 'agentId' });
    const unknownAgent = await t.admin('POST', '/admin/calls', { agentId: 'agt_nope', contactId: '1' });
    expect(unknownAgent.status).toBe(404);
    expect(unknownAgent.body).toMatchObject({ error: 'agent_not_found', parameter: 'agentId' });
    const unknownContact = await t.admin('POST', '/admin/calls', { agentId, contactId: '999999' });
    expect(unknownContact.status).toBe(404);
    expect(unknownContact.body).toMatchObject({ error: 'contact_not_found', parameter: 'contactId' });
    expect((await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, '999999')}`)).status).toBe(404);
  });
});

describe('one contact by hand without HubSpot', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t.stop());

  it('is a 409 like the webhook; a test call still works', async () => {
    const agent = await t.admin('POST', '/admin/agents', {
      name: 'Try',
      timezone: 'Europe/London',
      defaultCountry: 'GB',
      variables: [],
      voice: { provider: 'http', url: `${t.voice.url}/calls`, secret: t.voice.secret },
    });
    const res = await t.admin('POST', '/admin/calls', { agentId: agent.body.id, contactId: '1' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('hubspot_not_connected');
    const test = await t.admin('POST', `/admin/agents/${agent.body.id}/test-call`, { to: '020 7946 0018' });
    expect(test.status).toBe(201);
    const request: any = await waitFor(async () => t.voice.requests.find((r: any) => r.body.callId === test.body.callId), 'test call');
    expect(request.body.to).toBe('+442079460018');
    expect((await t.admin('GET', `/admin/calls/${test.body.callId}`)).body).toMatchObject({ test: true, portalId: '' });
  });
});

/** A one-hour window that opens two hours from now in New York: closed now, whatever the time. */
function closedWindowNow() {
  const hour =
    (Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', hourCycle: 'h23' }).format(new Date())) + 2) %
    24;
  const hh = (h: number) => String(h).padStart(2, '0');
  return { min_trigger_time: `${hh(hour)}:00`, max_trigger_time: `${hh((hour + 1) % 24)}:00`, carry_over: true };
}
