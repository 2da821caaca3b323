// Contact deletion, privacy deletion, merge and the do-not-call list, through the real
// webhook handler on the embedded stack, with the fake HubSpot sending each event form.
import { deriveCallId } from '../../functions/core/call-id';
import { contactEvent, deleteContact, mergeContacts, type EventForm } from '../fakes/fake-hubspot';
import { startTestStack, waitFor, type TestStack } from '../support/local-stack';

// 11:00 in New York: outside the evening window used below, so calls wait (carried over).
const NOW = new Date('2026-06-10T15:00:00Z');
const EVENING = { min_trigger_time: '18:00', max_trigger_time: '20:00', carry_over: 'true' };

describe('HubSpot contact lifecycle and do-not-call', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;
  let nextId = 5000;

  beforeAll(async () => {
    t = await startTestStack({ now: () => NOW });
    ({ key, agentId } = await t.setup({ doNotCallProperty: 'do_not_call' }));
  });
  afterAll(() => t.stop());

  const query = (extra: Record<string, string> = EVENING) => ({ agent_id: agentId, type: 'hubspot', x_api_key: key, ...extra });
  const callOf = async (contactId: string) =>
    (await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, contactId)}`)).body;
  const batchReads = () => t.hubspot.requests.filter((r) => r.path.startsWith('/crm/v3/objects/contacts/batch/read')).length;

  function newContact(props: Record<string, string | null> = {}): string {
    const id = String(nextId++);
    t.hubspot.contacts.set(id, {
      firstname: `Zelda${id}`,
      lastname: 'Quarry',
      phone: `+1 415 555 ${String(Number(id) % 10_000).padStart(4, '0')}`,
      company: 'Acme',
      ...props,
    });
    return id;
  }

  async function created(id: string, form: EventForm) {
    const res = await t.webhook(query(), [contactEvent(t.hubspot, 'creation', id, form)]);
    expect(res.status).toBe(200);
    return res;
  }

  describe.each<EventForm>(['legacy', 'generic'])('%s event form', (form) => {
    it('a deletion cancels the waiting call, which is never dialled; a second deletion changes nothing', async () => {
      const id = newContact();
      await created(id, form);
      expect((await callOf(id)).status).toBe('scheduled');

      const deleted = await t.webhook(query(), deleteContact(t.hubspot, id, form));
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ accepted: 0, cancelled: 1, erased: 0 });
      const call = await callOf(id);
      expect(call.status).toBe('cancelled');
      expect(call.reason).toBe('contact deleted in HubSpot');
      expect(call.attempts).toEqual([]);

      const again = await t.webhook(query(), deleteContact(t.hubspot, id, form));
      expect(again.body).toMatchObject({ cancelled: 0, erased: 0 });
      expect(await callOf(id)).toEqual(call);

      // Even a dial job that was already on its way does not ring.
      await t.stack.deps.dispatcher.dispatch({ callId: call.id, attempt: 1 }, NOW, NOW);
      await new Promise((r) => setTimeout(r, 400));
      expect(t.voice.requests.filter((r) => r.body?.callId === call.id)).toEqual([]);
    });

    it('a deletion that arrives before the creation leaves the same end state, with no HubSpot read', async () => {
      const id = newContact();
      const deleted = await t.webhook(query(), deleteContact(t.hubspot, id, form));
      expect(deleted.body).toMatchObject({ cancelled: 0, erased: 0 });
      const reads = batchReads();
      t.hubspot.contacts.set(id, { firstname: 'Late', phone: '+1 415 555 0199' }); // even if HubSpot still answered
      const late = await created(id, form);
      expect(late.body).toMatchObject({ accepted: 1, cancelled: 1 });
      expect(batchReads()).toBe(reads);
      const call = await callOf(id);
      expect(call.status).toBe('cancelled');
      expect(call.reason).toMatch(/^contact deleted in HubSpot/);
      expect(call.to).toBeNull();
      const redelivered = await created(id, form);
      expect(redelivered.body).toMatchObject({ accepted: 0, duplicates: 1 });
    });

    it('a privacy deletion erases number, variables and reasons from the stored record, keeping ids, status and a history line', async () => {
      const id = newContact();
      const phone = t.hubspot.contacts.get(id)!.phone as string;
      await created(id, form);
      const before = await callOf(id);
      expect(before.to).toMatch(/^\+1415555/);

      const res = await t.webhook(query(), deleteContact(t.hubspot, id, form, { privacy: true }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ cancelled: 1, erased: 1 });
      const after = await callOf(id);
      expect(after).toMatchObject({
        id: before.id,
        agentId,
        contactId: id,
        status: 'cancelled',
        to: null,
        variables: {},
        missingVariables: [],
      });
      expect(after.history.at(-1).reason).toMatch(
        /^personal data erased at 2026-06-10T15:00:00.000Z: contact erased in HubSpot \(privacy deletion\)/,
      );

      const stored = await t.stack.deps.store.getCall(before.id);
      const text = JSON.stringify(stored);
      expect(text).not.toContain(before.to);
      expect(text).not.toContain(`Zelda${id}`);
      expect(text).not.toContain(phone.replace(/\D/g, '').slice(-7));
      expect(stored?.erasedAt).toBe(NOW.toISOString());

      // Redelivered (and its creation arriving late again): same end state.
      const again = await t.webhook(query(), deleteContact(t.hubspot, id, form, { privacy: true }));
      expect(again.body).toMatchObject({ cancelled: 0, erased: 0 });
      expect(await callOf(id)).toEqual(after);
    });

    it('a merge cancels the merged-away contact waiting call when the primary already has one from the agent', async () => {
      const primary = newContact();
      const mergedAway = newContact();
      const loner = newContact();
      await created(primary, form);
      await created(mergedAway, form);
      await created(loner, form);
      const res = await t.webhook(query(), mergeContacts(t.hubspot, primary, [mergedAway], form));
      expect(res.body).toMatchObject({ cancelled: 1 });
      expect((await callOf(mergedAway)).status).toBe('cancelled');
      expect((await callOf(mergedAway)).reason).toBe(
        `contact merged into contact ${primary} in HubSpot, which already has a call from this agent`,
      );
      expect((await callOf(primary)).status).toBe('scheduled');

      // Merged into a contact without a call: the merged-away call stays.
      const other = newContact();
      const kept = await t.webhook(query(), mergeContacts(t.hubspot, other, [loner], form));
      expect(kept.body).toMatchObject({ cancelled: 0 });
      expect((await callOf(loner)).status).toBe('scheduled');
    });

    it('a restore is counted and changes nothing', async () => {
      const id = newContact();
      await created(id, form);
      const res = await t.webhook(query(), [contactEvent(t.hubspot, 'restore', id, form)]);
      expect(res.status).toBe(200);
      expect(res.body.rejected).toEqual([{ objectId: id, reason: expect.stringContaining('needs no action') }]);
      expect((await callOf(id)).status).toBe('scheduled');
    });
  });

  it('a deleted contact whose attempt is ringing keeps the call but gets no retry', async () => {
    const id = newContact();
    const res = await t.webhook(query({ num_of_retries: '2' }), [contactEvent(t.hubspot, 'creation', id, 'legacy')]);
    expect(res.body.accepted).toBe(1);
    const callId = deriveCallId(agentId, t.hubspot.portalId, id);
    const placed = await waitFor(async () => {
      const c = await callOf(id);
      return c.status === 'dialing' && c.attempts[0]?.providerCallId ? c : undefined;
    }, 'the call to be placed');
    const deleted = await t.webhook(query(), deleteContact(t.hubspot, id, 'legacy'));
    expect(deleted.body).toMatchObject({ cancelled: 0 });
    expect((await callOf(id)).status).toBe('dialing');

    const body = JSON.stringify({ callId, attempt: 1, providerCallId: placed.attempts[0].providerCallId, outcome: 'no-answer' });
    const { createHmac } = await import('node:crypto');
    const sig = `sha256=${createHmac('sha256', t.voice.secret).update(body).digest('hex')}`;
    const url = new URL(t.voice.requests.find((r) => r.body?.callId === callId)!.body.statusCallbackUrl);
    const cb = await fetch(`${t.stack.publicUrl}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hubdial-signature': sig },
      body,
    });
    expect(cb.status).toBe(200);
    const after = await callOf(id);
    expect(after.status).toBe('cancelled');
    expect(after.attempts).toHaveLength(1);
    expect(after.reason).toContain('no retry: contact deleted in HubSpot');
  });

  describe('do-not-call', () => {
    it('adds, lists pages and removes numbers; invalid ones are named', async () => {
      const add = await t.admin('POST', '/admin/do-not-call', {
        numbers: ['+1 415 555 7001', '+14155557002', 'not a number', '12'],
        reason: 'asked by phone',
      });
      expect(add.status).toBe(200);
      expect(add.body.added).toBe(2);
      expect(add.body.invalid.map((i: any) => i.number)).toEqual(['not a number', '12']);
      expect(add.body.invalid[0].reason).toMatch(/country code|not a valid/);
      const again = await t.admin('POST', '/admin/do-not-call', { numbers: ['+14155557001'] });
      expect(again.body).toEqual({ added: 0, invalid: [] });

      const first = await t.admin('GET', '/admin/do-not-call?limit=1');
      expect(first.body.items).toEqual([{ number: '+14155557001', reason: 'asked by phone', addedAt: NOW.toISOString() }]);
      const second = await t.admin('GET', `/admin/do-not-call?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((i: any) => i.number)).toEqual(['+14155557002']);
      expect((await t.admin('GET', '/admin/do-not-call?limit=0')).body.parameter).toBe('limit');
      expect((await t.admin('GET', '/admin/do-not-call?cursor=zzz')).body.parameter).toBe('cursor');
      expect((await t.admin('POST', '/admin/do-not-call', { numbers: [] })).body.parameter).toBe('numbers');

      expect((await t.admin('DELETE', '/admin/do-not-call/%2B14155557001')).status).toBe(204);
      expect((await t.admin('DELETE', '/admin/do-not-call/+14155557002')).status).toBe(204);
      expect((await t.admin('DELETE', '/admin/do-not-call/+14155557002')).status).toBe(404);
      expect((await t.admin('DELETE', '/admin/do-not-call/abc')).body.parameter).toBe('number');
      expect((await t.admin('GET', '/admin/do-not-call')).body.items).toEqual([]);
    });

    it('a listed number is skipped when the call is stored, naming the list', async () => {
      const id = newContact({ phone: '+1 415 555 7101' });
      await t.admin('POST', '/admin/do-not-call', { numbers: ['+14155557101'] });
      await created(id, 'legacy');
      const call = await callOf(id);
      expect(call.status).toBe('skipped');
      expect(call.reason).toBe('number is on the workspace do-not-call list');
      expect(call.attempts).toEqual([]);
    });

    it('a number listed after its call was scheduled is not dialled', async () => {
      const id = newContact({ phone: '+1 415 555 7201' });
      await created(id, 'generic');
      const callId = deriveCallId(agentId, t.hubspot.portalId, id);
      expect((await callOf(id)).status).toBe('scheduled');
      await t.admin('POST', '/admin/do-not-call', { numbers: ['+14155557201'], reason: 'complaint' });
      await t.stack.deps.dispatcher.dispatch({ callId, attempt: 1 }, NOW, NOW);
      const call = await waitFor(async () => {
        const c = await callOf(id);
        return c.status === 'skipped' ? c : undefined;
      }, 'the dial-time check');
      expect(call.reason).toBe('number is on the workspace do-not-call list (complaint)');
      expect(t.voice.requests.filter((r) => r.body?.callId === callId)).toEqual([]);
    });

    it("the agent's doNotCallProperty skips the contact, read in the same single batch read", async () => {
      const yes = newContact({ do_not_call: 'true' });
      const no = newContact({ do_not_call: 'false' });
      const reads = batchReads();
      const res = await t.webhook(query(), [
        contactEvent(t.hubspot, 'creation', yes, 'legacy'),
        contactEvent(t.hubspot, 'creation', no, 'legacy'),
      ]);
      expect(res.body.accepted).toBe(2);
      expect(batchReads()).toBe(reads + 1);
      const read = t.hubspot.requests.filter((r) => r.path.startsWith('/crm/v3/objects/contacts/batch/read')).at(-1);
      expect((read?.body as any).properties).toContain('do_not_call');
      expect((await callOf(yes)).status).toBe('skipped');
      expect((await callOf(yes)).reason).toBe('contact is marked do-not-call in HubSpot (property do_not_call)');
      expect((await callOf(no)).status).toBe('scheduled');
    });
  });
});
