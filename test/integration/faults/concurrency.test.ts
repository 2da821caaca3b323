// Ten 100-contact deliveries in flight at once, each also redelivered while its first
// copy is still being handled, with contacts shared between deliveries: every contact
// still ends in exactly one call record, is claimed by exactly one 2xx answer, and is
// dialled exactly once.
import { deriveCallId } from '../../../functions/core/call-id';
import type { CallRecord } from '../../../functions/core/model';
import { makeContacts } from '../../fakes/fake-hubspot';
import type { FakeVoiceRequest } from '../../fakes/fake-voice';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../../support/local-stack';
import { countBy, waitForNoDialJobs } from '../../support/dial-queue';

const DELIVERIES = 10;
const PER_DELIVERY = 100;
/** Delivery i names contacts FIRST + i*STRIDE .. +99: each shares 60 contacts with the next. */
const STRIDE = 40;
const FIRST = 20_001;

describe('10 concurrent deliveries of 100 contacts, each redelivered concurrently (embedded stack)', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;

  beforeAll(async () => {
    // The default stack (SQLite store, queue and scheduler), as `npm start` runs it.
    t = await startTestStack();
    ({ key, agentId } = await t.setup());
  });
  afterAll(async () => {
    await t?.stop();
  });

  const callIdOf = (contactId: string) => deriveCallId(agentId, t.hubspot.portalId, contactId);

  async function deliver(events: unknown): Promise<{ status: number; body: any }> {
    const q = new URLSearchParams({ agent_id: agentId, type: 'hubspot', x_api_key: key });
    const res = await fetch(`${t.stack.publicUrl}/call/crm-webhook?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function agentCalls(): Promise<CallRecord[]> {
    const calls: CallRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.stack.deps.store.listCalls({ agentId, limit: 100, cursor });
      calls.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return calls;
  }

  it('stores and dials every contact exactly once, and every 2xx answer names only stored calls', async () => {
    const deliveries = Array.from({ length: DELIVERIES }, (_, i) => makeContacts(PER_DELIVERY, FIRST + i * STRIDE));
    for (const contacts of deliveries) for (const [id, props] of contacts) t.hubspot.contacts.set(id, props);
    const allContacts = [...new Set(deliveries.flatMap((contacts) => contacts.map(([id]) => id)))];
    expect(allContacts).toHaveLength((DELIVERIES - 1) * STRIDE + PER_DELIVERY);

    // A little HubSpot latency keeps all twenty requests in flight at the same time.
    t.hubspot.delayMs = 200;
    const bodies = deliveries.map((contacts, i) => ({
      ids: contacts.map(([id]) => id),
      events: creationEvents(
        contacts.map(([id]) => id),
        t.hubspot.portalId,
        1 + i * PER_DELIVERY,
      ),
    }));
    let replies: { ids: string[]; status: number; body: any }[];
    try {
      replies = await Promise.all([...bodies, ...bodies].map(async ({ ids, events }) => ({ ids, ...(await deliver(events)) })));
    } finally {
      t.hubspot.delayMs = 0;
    }

    // Every answer is a 2xx that accounts for each of its events, and claims only stored calls.
    const claimed: string[] = [];
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body.rejected).toEqual([]);
      expect(reply.body.accepted + reply.body.duplicates).toBe(PER_DELIVERY);
      expect(reply.body.calls).toHaveLength(reply.body.accepted);
      for (const call of reply.body.calls) {
        expect(reply.ids).toContain(call.objectId);
        expect(call.callId).toBe(callIdOf(call.objectId));
        claimed.push(call.objectId);
      }
      const stored = await t.stack.deps.store.getCalls(reply.ids.map(callIdOf));
      expect(reply.ids.filter((id) => !stored.has(callIdOf(id)))).toEqual([]);
    }
    // Of all the copies racing for a contact, exactly one answer accepted it.
    expect(claimed.sort()).toEqual([...allContacts].sort());

    // Exactly one call record per contact.
    const calls = await agentCalls();
    expect(calls).toHaveLength(allContacts.length);
    expect(new Set(calls.map((c) => c.contactId)).size).toBe(allContacts.length);
    for (const call of calls) expect(call.id).toBe(callIdOf(call.contactId));

    // Exactly one dial per contact, once every dial job has been handled.
    await waitForNoDialJobs(t.stack);
    const perAttempt = countBy(t.voice.requests.map((r) => `${r.body?.callId}#${r.body?.attempt}`));
    expect(perAttempt.size).toBe(allContacts.length);
    expect([...perAttempt].filter(([, n]) => n !== 1)).toEqual([]);
    for (const id of allContacts) expect(perAttempt.get(`${callIdOf(id)}#1`)).toBe(1);
  }, 120_000);

  it('settles every call once when each outcome callback arrives twice at the same moment', async () => {
    const requests = await waitFor(async () => {
      const calls = await agentCalls();
      return calls.length > 0 && calls.every((c) => c.attempts[0]?.providerCallId) ? t.voice.requests : undefined;
    }, 'every call to have its provider call id');
    const byCall = new Map<string, FakeVoiceRequest>(requests.map((r) => [r.body.callId, r]));

    const answers: number[] = [];
    const work = [...byCall.values()];
    for (let i = 0; i < work.length; i += 25) {
      const chunk = work.slice(i, i + 25);
      const sent = await Promise.all(
        chunk.flatMap((req) => [t.voice.sendOutcome(req, 'completed', 42), t.voice.sendOutcome(req, 'completed', 42)]),
      );
      answers.push(...sent.map((r) => r.status));
      await Promise.all(sent.map((r) => r.body?.cancel()));
    }
    expect(answers.filter((s) => s !== 200)).toEqual([]);

    const calls = await agentCalls();
    expect(calls.filter((c) => c.status !== 'completed').map((c) => `${c.contactId}:${c.status}`)).toEqual([]);
    for (const call of calls) {
      expect(call.attempts).toHaveLength(1);
      expect(call.history.map((h) => h.status)).toEqual(['scheduled', 'dialing', 'completed']);
    }
    await waitForNoDialJobs(t.stack);
    expect(t.voice.requests).toHaveLength(calls.length);
  }, 90_000);
});
