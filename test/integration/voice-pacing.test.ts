// Pacing on the embedded stack: an agent with {maxLiveCalls: 3, callsPerSecond: 2} and
// 30 contacts delivered at once. The fake Retell counts what a platform would: calls
// unsettled at once and create-call requests in any sliding second. Each call ends a
// moment after it is placed; all 30 must be placed as callbacks free the slots.
import { deriveCallId } from '../../functions/core/call-id';
import { makeContacts } from '../fakes/fake-hubspot';
import { startFakeRetell, type FakeRetell } from '../fakes/fake-retell';
import type { PlatformRequest } from '../fakes/platform-fake';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../support/local-stack';

describe('pacing: 30 contacts at once against {maxLiveCalls: 3, callsPerSecond: 2}', () => {
  let t: TestStack;
  let retell: FakeRetell;

  beforeAll(async () => {
    t = await startTestStack();
    retell = await startFakeRetell();
  });
  afterAll(async () => {
    await retell?.stop();
    await t?.stop();
  });

  it('never has more than 3 unsettled or 2 starts in any second, waits instead of failing, and places all 30', async () => {
    const { key } = await t.setup();
    const agent = await t.admin('POST', '/admin/agents', {
      name: 'Paced',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      voice: { provider: 'retell', apiKey: retell.apiKey, agentId: 'agent_1', fromNumber: '+14155550100', apiBaseUrl: retell.url },
      pacing: { maxLiveCalls: 3, callsPerSecond: 2 },
    });
    expect(agent.status).toBe(201);
    expect(agent.body.pacing).toEqual({ maxLiveCalls: 3, callsPerSecond: 2 });
    retell.webhookUrl = agent.body.voice.webhookUrl;

    // Each placed call ends 1.5 s later (longer than 3 starts take, so maxLiveCalls is what binds) with call_ended, as a short conversation would.
    const ended: Promise<unknown>[] = [];
    const previous = retell.script;
    retell.script = (req: PlatformRequest) => {
      setTimeout(() => {
        if (req.callId) ended.push(retell.sendEvent(req, 'call_ended', { disconnection_reason: 'user_hangup', duration_ms: 300 }));
      }, 1500);
      return previous?.(req);
    };

    const contacts = makeContacts(30, 8001);
    for (const [id, props] of contacts) t.hubspot.contacts.set(id, props);
    const res = await t.webhook(
      { agent_id: agent.body.id, type: 'hubspot', x_api_key: key },
      creationEvents(
        contacts.map(([id]) => id),
        t.hubspot.portalId,
      ),
    );
    expect(res.body.accepted).toBe(30);
    const callIds = contacts.map(([id]) => deriveCallId(agent.body.id, t.hubspot.portalId, id));

    // Some attempt is seen waiting for pacing, in the words `calls show` prints.
    const waiting = await waitFor(async () => {
      for (const id of callIds) {
        const c = await t.stack.deps.store.getCall(id);
        if (c?.attempts[0]?.waiting) return c;
      }
      return undefined;
    }, 'an attempt waiting for pacing');
    expect(waiting.status).toBe('scheduled');
    expect(waiting.reason).toMatch(/waiting (for a free slot|to start)/);
    const detail = await t.admin('GET', `/admin/calls/${waiting.id}`);
    expect(detail.body.attempts[0].waiting.reason).toMatch(/waiting/);

    await waitFor(
      async () => {
        const calls = await t.stack.deps.store.getCalls(callIds);
        return [...calls.values()].filter((c) => c.status === 'completed').length === 30 ? true : undefined;
      },
      'all 30 calls to complete',
      90_000,
    );
    await Promise.all(ended);
    const creates = retell.requests.filter((r) => r.path === '/v2/create-phone-call');
    expect(creates).toHaveLength(30);
    expect(new Set(creates.map((r) => r.body.metadata.hubdial_call_id)).size).toBe(30);
    expect(retell.maxLive).toBeLessThanOrEqual(3);
    expect(retell.maxStartsPerSecond()).toBeLessThanOrEqual(2);
    const calls = await t.stack.deps.store.getCalls(callIds);
    for (const c of calls.values()) {
      expect(c.attempts).toHaveLength(1);
      expect(c.attempts[0]?.dialErrors).toBeUndefined();
    }
    // Every slot was freed.
    const state = await t.stack.deps.store.getPacing(agent.body.id);
    expect(Object.keys(state?.leases ?? {})).toEqual([]);
    retell.script = previous;
  }, 120_000);

  it('the sweeper frees a slot whose callback never came, and the waiting attempt is placed', async () => {
    const { key } = await t.setup();
    const agent = await t.admin('POST', '/admin/agents', {
      name: 'One at a time',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      voice: { provider: 'retell', apiKey: retell.apiKey, agentId: 'agent_1', fromNumber: '+14155550100', apiBaseUrl: retell.url },
      pacing: { maxLiveCalls: 1 },
    });
    const contacts = makeContacts(2, 8101);
    for (const [id, props] of contacts) t.hubspot.contacts.set(id, props);
    const [a, b] = contacts.map(([id]) => deriveCallId(agent.body.id, t.hubspot.portalId, id)) as [string, string];
    await t.webhook(
      { agent_id: agent.body.id, type: 'hubspot', x_api_key: key },
      creationEvents([contacts[0]![0]], t.hubspot.portalId, 500),
    );
    await waitFor(async () => ((await t.stack.deps.store.getCall(a))?.attempts[0]?.providerCallId ? true : undefined), 'a placed');
    await t.webhook(
      { agent_id: agent.body.id, type: 'hubspot', x_api_key: key },
      creationEvents([contacts[1]![0]], t.hubspot.portalId, 501),
    );
    await waitFor(async () => ((await t.stack.deps.store.getCall(b))?.attempts[0]?.waiting ? true : undefined), 'b waiting');
    // a's callback is lost; the call is cancelled by an operator while it rings, and its slot must not leak.
    await t.admin('POST', `/admin/calls/${a}/cancel`);
    const summary: any = await t.stack.sweep();
    expect(summary.slotsFreed).toBe(1);
    await waitFor(
      async () => ((await t.stack.deps.store.getCall(b))?.attempts[0]?.providerCallId ? true : undefined),
      'b placed after the sweep',
    );
  });
});
