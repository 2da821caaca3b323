// call.finished for calls that end before they ever ring (a deletion or merge in HubSpot, a
// number on the do-not-call list when its dial comes up, no usable phone), through the
// real handlers on the embedded stack, and at least once: when the try that ended the call
// dies before handing the event to the queue, the repeat of that try (HubSpot's
// redelivery, the queue's redelivery of the dial job) hands it off again.
import { deriveCallId } from '../../functions/core/call-id';
import { DEFAULT_WORKSPACE, type QueueTask } from '../../functions/core/model';
import { contactEvent, deleteContact, mergeContacts } from '../fakes/fake-hubspot';
import { startFakeNotifyReceiver, type FakeNotifyReceiver } from '../fakes/fake-notify-receiver';
import { startTestStack, waitFor, type TestStack } from '../support/local-stack';

// 11:00 in New York: outside the evening window used below, so calls wait (carried over).
const NOW = new Date('2026-06-10T15:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const EVENING = { min_trigger_time: '18:00', max_trigger_time: '20:00', carry_over: 'true' };

describe('call.finished for calls that end before they ring', () => {
  let t: TestStack;
  let receiver: FakeNotifyReceiver;
  let key: string;
  let agentId: string;
  let nextId = 8100;
  /** Set by a test: the next call.finished hand-off to the queue fails, as if the process died there. */
  let failNextFinished = false;
  let clock = NOW;

  beforeAll(async () => {
    t = await startTestStack({ now: () => clock });
    receiver = await startFakeNotifyReceiver();
    ({ key, agentId } = await t.setup({ notify: { url: receiver.url, secret: receiver.secret } }));
    const dispatcher = t.stack.deps.dispatcher;
    const dispatchTask = dispatcher.dispatchTask.bind(dispatcher);
    dispatcher.dispatchTask = async (task: QueueTask, delaySeconds: number) => {
      if (failNextFinished && task.type === 'call.finished') {
        failNextFinished = false;
        throw new Error('queue unavailable (test)');
      }
      return dispatchTask(task, delaySeconds);
    };
  });
  afterAll(async () => {
    await t.stop();
    await receiver.stop();
  });
  afterEach(() => {
    failNextFinished = false;
    clock = NOW;
  });

  const query = (extra: Record<string, string> = EVENING) => ({ agent_id: agentId, type: 'hubspot', x_api_key: key, ...extra });
  const callIdOf = (contactId: string) => deriveCallId(agentId, t.hubspot.portalId, contactId);
  const callOf = async (contactId: string) => (await t.admin('GET', `/admin/calls/${callIdOf(contactId)}`)).body;
  const finishedEvents = (callId: string) => receiver.received.filter((e) => e.body?.eventId === `${callId}:call.finished`);
  const waitForFinished = (callId: string, count = 1) =>
    waitFor(
      async () => (finishedEvents(callId).filter((e) => e.signatureValid && e.answered === 200).length >= count ? true : undefined),
      `${count} call.finished event(s) for ${callId}`,
    );

  function newContact(props: Record<string, string | null> = {}): string {
    const id = String(nextId++);
    t.hubspot.contacts.set(id, { firstname: `Zelda${id}`, phone: `+1 415 555 ${id.padStart(4, '0')}`, ...props });
    return id;
  }

  async function waitingCall(): Promise<string> {
    const id = newContact();
    const res = await t.webhook(query(), [contactEvent(t.hubspot, 'creation', id, 'legacy')]);
    expect(res.body).toMatchObject({ accepted: 1 });
    expect((await callOf(id)).status).toBe('scheduled');
    return id;
  }

  it('a deletion that cancels a waiting call sends call.finished, again when its first answer failed', async () => {
    const id = await waitingCall();
    const callId = callIdOf(id);
    const events = deleteContact(t.hubspot, id, 'legacy');

    failNextFinished = true;
    const first = await t.webhook(query(), events);
    expect(first.status).toBeGreaterThanOrEqual(500);
    // The cancellation was stored; its event never reached the queue.
    expect(await callOf(id)).toMatchObject({ status: 'cancelled', reason: 'contact deleted in HubSpot' });
    await new Promise((r) => setTimeout(r, 300));
    expect(finishedEvents(callId)).toEqual([]);

    const redelivered = await t.webhook(query(), events);
    expect(redelivered.status).toBe(200);
    await waitForFinished(callId);
    expect(finishedEvents(callId)[0]?.body.call).toMatchObject({ id: callId, status: 'cancelled', reason: 'contact deleted in HubSpot' });
  });

  it('a privacy deletion that cancels and erases a waiting call sends call.finished, again when its first answer failed', async () => {
    const id = await waitingCall();
    const callId = callIdOf(id);
    const events = deleteContact(t.hubspot, id, 'legacy', { privacy: true });
    failNextFinished = true;
    expect((await t.webhook(query(), events)).status).toBeGreaterThanOrEqual(500);
    expect(await callOf(id)).toMatchObject({ status: 'cancelled', reason: 'contact erased in HubSpot (privacy deletion)' });
    expect((await t.webhook(query(), events)).status).toBe(200);
    await waitForFinished(callId);
    const event = finishedEvents(callId)[0];
    expect(event?.body.call).toMatchObject({ status: 'cancelled', variables: {} });
    // The contact's number was erased before the event was built.
    expect(event?.rawBody).not.toContain(`555${id.padStart(4, '0')}`);
  });

  it('a merge that cancels the merged-away call sends call.finished, once per delivery', async () => {
    const primary = await waitingCall();
    const mergedAway = await waitingCall();
    const callId = callIdOf(mergedAway);
    const events = mergeContacts(t.hubspot, primary, [mergedAway], 'legacy');
    expect((await t.webhook(query(), events)).body).toMatchObject({ cancelled: 1 });
    await waitForFinished(callId);
    expect(finishedEvents(callIdOf(primary))).toEqual([]);
    // HubSpot's retry of the same merge repeats the event under the same id.
    expect((await t.webhook(query(), events)).body).toMatchObject({ cancelled: 0 });
    await waitForFinished(callId, 2);
    expect(new Set(finishedEvents(callId).map((e) => e.body.eventId)).size).toBe(1);
  });

  it('a deletion of a contact whose call already finished sends nothing', async () => {
    const id = newContact({ phone: null });
    await t.webhook(query(), [contactEvent(t.hubspot, 'creation', id, 'legacy')]);
    await waitForFinished(callIdOf(id));
    expect((await t.webhook(query(), deleteContact(t.hubspot, id, 'legacy'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(finishedEvents(callIdOf(id))).toHaveLength(1);
  });

  it('a call final from the start whose event was lost gets it from HubSpot redelivering the creation', async () => {
    const id = newContact({ phone: null });
    const callId = callIdOf(id);
    const events = [contactEvent(t.hubspot, 'creation', id, 'legacy')];
    failNextFinished = true;
    expect((await t.webhook(query(), events)).status).toBeGreaterThanOrEqual(500);
    expect((await callOf(id)).status).toBe('failed');
    const again = await t.webhook(query(), events);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    await waitForFinished(callId);
  });

  it('a repeat of the creation more than a day later (no HubSpot redelivery) sends nothing again', async () => {
    const id = newContact({ phone: null });
    const events = [contactEvent(t.hubspot, 'creation', id, 'legacy')];
    await t.webhook(query(), events);
    await waitForFinished(callIdOf(id));
    clock = new Date(NOW.getTime() + DAY_MS + 60_000);
    expect((await t.webhook(query(), events)).body).toMatchObject({ duplicates: 1 });
    // Within the day the same repeat does send it again (the test before): here it must not.
    await new Promise((r) => setTimeout(r, 1000));
    expect(finishedEvents(callIdOf(id))).toHaveLength(1);
  });

  it('a contact deleted while its dial job was on its way: the check before the dial cancels and sends call.finished', async () => {
    const id = await waitingCall();
    const callId = callIdOf(id);
    // The deletion's tombstone without its delivery's cancel (a creation that raced with it).
    await t.stack.deps.store.putContactTombstone({
      workspaceId: DEFAULT_WORKSPACE,
      portalId: t.hubspot.portalId,
      contactId: id,
      kind: 'deleted',
      at: NOW.toISOString(),
    });
    await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, NOW, NOW);
    await waitForFinished(callId);
    expect(finishedEvents(callId)[0]?.body.call).toMatchObject({ status: 'cancelled', reason: 'contact deleted in HubSpot' });
    expect(t.voice.requests.filter((r) => r.body?.callId === callId)).toEqual([]);
  });

  it('an attempt the platform refuses, the last one: its events again when the dial job comes back', async () => {
    const id = newContact();
    const callId = callIdOf(id);
    const normal = t.voice.reply;
    t.voice.reply = (req) => (req.body?.callId === callId ? { status: 400, body: { error: 'number not allowed' } } : normal(req));
    try {
      failNextFinished = true;
      const res = await t.webhook(query({ num_of_retries: '0' }), [contactEvent(t.hubspot, 'creation', id, 'legacy')]);
      expect(res.body).toMatchObject({ accepted: 1 });
      await waitFor(async () => ((await callOf(id)).status === 'failed' ? true : undefined), 'the refused call to fail');
      await waitFor(async () => (failNextFinished ? undefined : true), 'the failed hand-off');
      expect(finishedEvents(callId)).toEqual([]);

      await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, NOW, NOW);
      await waitForFinished(callId);
      expect(finishedEvents(callId)[0]?.body.call).toMatchObject({ status: 'failed' });
      expect(receiver.acceptedEventIds().has(`${callId}:1:attempt.settled`)).toBe(true);
      expect(t.voice.requests.filter((r) => r.body?.callId === callId)).toHaveLength(1);
    } finally {
      t.voice.reply = normal;
    }
  });

  it("an operator's cancel whose event was lost sends it when the operator cancels again", async () => {
    const id = await waitingCall();
    const callId = callIdOf(id);
    failNextFinished = true;
    expect((await t.admin('POST', `/admin/calls/${callId}/cancel`)).status).toBe(500);
    expect((await callOf(id)).status).toBe('cancelled');
    const again = await t.admin('POST', `/admin/calls/${callId}/cancel`);
    expect(again).toMatchObject({ status: 409, body: { error: 'not_cancellable' } });
    await waitForFinished(callId);
  });

  it('a number put on the do-not-call list before its dial sends call.finished, again when the dial job comes back', async () => {
    const id = await waitingCall();
    const callId = callIdOf(id);
    const call = await callOf(id);
    expect((await t.admin('POST', '/admin/do-not-call', { numbers: [call.to], reason: 'asked by phone' })).status).toBe(200);

    // The dial job comes up; handing off the event fails, so the job stays for redelivery.
    failNextFinished = true;
    await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, NOW, NOW);
    await waitFor(async () => ((await callOf(id)).status === 'skipped' ? true : undefined), 'the call to be skipped');
    await waitFor(async () => (failNextFinished ? undefined : true), 'the failed hand-off');
    expect(finishedEvents(callId)).toEqual([]);

    // The queue's redelivery of that job (played here by the same job again).
    await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, NOW, NOW);
    await waitForFinished(callId);
    expect(finishedEvents(callId)[0]?.body.call).toMatchObject({ status: 'skipped', reason: expect.stringContaining('do-not-call') });
    expect(t.voice.requests.filter((r) => r.body?.callId === callId)).toEqual([]);
  });
});
