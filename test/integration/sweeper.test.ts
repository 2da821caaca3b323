import { deriveCallId } from '../../functions/core/call-id';
import { newCall } from '../../functions/core/call-state';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../support/local-stack';

const START = new Date('2026-06-10T15:00:00Z'); // 11:00 New York

describe('sweeper: calls stuck past their time move on', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;
  let clock = START;

  beforeAll(async () => {
    t = await startTestStack({ now: () => clock });
    ({ key, agentId } = await t.setup());
  });
  afterAll(() => t.stop());

  it('re-dispatches a scheduled attempt whose dial job was lost, and it is dialled once', async () => {
    const callId = deriveCallId(agentId, t.hubspot.portalId, '801');
    // Stored as intake would, but the hand-off never happened (a crash in between).
    const call = newCall({
      id: callId,
      workspaceId: 'default',
      agentId,
      portalId: t.hubspot.portalId,
      contactId: '801',
      timezone: 'America/New_York',
      settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
      variables: {},
      phone: { ok: true, e164: '+14155550801' },
      now: START,
    });
    expect(await t.stack.deps.store.createCall(call)).toBe('created');

    clock = new Date(START.getTime() + 5 * 60_000);
    expect(await t.stack.sweep()).toEqual({ redispatched: 0, expired: 0, slotsFreed: 0 }); // not late enough yet
    clock = new Date(START.getTime() + 11 * 60_000);
    expect(await t.stack.sweep()).toEqual({ redispatched: 1, expired: 0, slotsFreed: 0 });
    await waitFor(async () => t.voice.requests.find((r: any) => r.body.callId === callId), 'the lost call to be dialled');
    expect(await t.stack.sweep()).toEqual({ redispatched: 0, expired: 0, slotsFreed: 0 });
    expect(t.voice.requests.filter((r: any) => r.body.callId === callId)).toHaveLength(1);
    clock = START;
  });

  it('a redelivery hands off again a first attempt that is still waiting', async () => {
    t.hubspot.contacts.set('803', { phone: '+14155550803' });
    const callId = deriveCallId(agentId, t.hubspot.portalId, '803');
    const call = newCall({
      id: callId,
      workspaceId: 'default',
      agentId,
      portalId: t.hubspot.portalId,
      contactId: '803',
      timezone: 'America/New_York',
      settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
      variables: {},
      phone: { ok: true, e164: '+14155550803' },
      now: clock,
    });
    await t.stack.deps.store.createCall(call);
    const res = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['803'], t.hubspot.portalId));
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 1 });
    await waitFor(async () => t.voice.requests.find((r: any) => r.body.callId === callId), 'the stored call to be dialled');
  });

  it('fails an attempt whose status callback never came, with the reason', async () => {
    t.hubspot.contacts.set('802', { phone: '+14155550802' });
    await t.webhook(
      { agent_id: agentId, type: 'hubspot', x_api_key: key, num_of_retries: '0' },
      creationEvents(['802'], t.hubspot.portalId),
    );
    const callId = deriveCallId(agentId, t.hubspot.portalId, '802');
    await waitFor(
      async () => ((await t.stack.deps.store.getCall(callId))?.attempts[0]?.providerCallId ? true : undefined),
      'the call to be placed',
    );

    clock = new Date(START.getTime() + 30 * 60_000);
    await t.stack.sweep();
    expect((await t.stack.deps.store.getCall(callId))?.status).toBe('dialing');
    clock = new Date(START.getTime() + 61 * 60_000);
    await t.stack.sweep();
    const call = await t.stack.deps.store.getCall(callId);
    expect(call?.status).toBe('failed');
    expect(call?.reason).toMatch(/no status callback/);
    clock = START;
  });
});
