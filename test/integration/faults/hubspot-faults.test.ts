// HubSpot misbehaving while a delivery is being taken in: rate limited, failing, slow,
// or refusing a revoked token. Each time the webhook must answer non-2xx and store
// nothing, so HubSpot's redelivery (not a half-stored batch) carries the work; after
// recovery that redelivery stores every contact once and each is dialled once.
import { deriveCallId } from '../../../functions/core/call-id';
import { makeContacts, type FakeReply } from '../../fakes/fake-hubspot';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, type TestStack } from '../../support/local-stack';
import { countBy, waitForNoDialJobs } from '../../support/dial-queue';

/** HubSpot gives up on a webhook reply after 5 s and counts it as failed. */
const HUBSPOT_REPLY_LIMIT_MS = 5000;
const BATCH_READ = '/crm/v3/objects/contacts/batch/read';

type Reply = { status: number; headers: Headers; body: any };

describe('HubSpot faults during a delivery (embedded stack)', () => {
  let t: TestStack;
  let key: string;
  let agentId: string;
  /** Every delivery HubSpot would still redeliver: its answer was not 2xx. */
  const unanswered: Record<string, unknown>[][] = [];
  /** Contacts stored before a failed delivery named them again: a redelivery counts them as duplicates. */
  const storedEarlier = new Set<string>();
  let nextContact = 7000;

  beforeAll(async () => {
    // The default stack (SQLite store, queue and scheduler), as `npm start` runs it.
    t = await startTestStack({ visibilityTimeoutSeconds: 1 });
    ({ key, agentId } = await t.setup());
  });
  afterAll(async () => {
    t.hubspot.delayMs = 0;
    await t?.stop();
  });

  const callIdOf = (contactId: string) => deriveCallId(agentId, t.hubspot.portalId, contactId);

  /** n new contacts known to HubSpot, and their contact.creation events. */
  function newContacts(n: number): { ids: string[]; events: Record<string, unknown>[] } {
    const contacts = makeContacts(n, nextContact);
    nextContact += n;
    for (const [id, props] of contacts) t.hubspot.contacts.set(id, props);
    const ids = contacts.map(([id]) => id);
    return { ids, events: creationEvents(ids, t.hubspot.portalId) };
  }

  /** Posts as HubSpot does: a reply slower than 5 s is a failure, whatever it says. */
  async function deliver(events: unknown): Promise<Reply> {
    const q = new URLSearchParams({ agent_id: agentId, type: 'hubspot', x_api_key: key });
    const res = await fetch(`${t.stack.publicUrl}/call/crm-webhook?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
      signal: AbortSignal.timeout(HUBSPOT_REPLY_LIMIT_MS),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function storedContacts(ids: string[]): Promise<string[]> {
    const stored = await t.stack.deps.store.getCalls(ids.map(callIdOf));
    return ids.filter((id) => stored.has(callIdOf(id)));
  }

  /** A delivery failed by `reply` from HubSpot: not 2xx, nothing stored, kept for redelivery. */
  async function expectRefused(reply: FakeReply, expectedStatus: number): Promise<Reply> {
    const { ids, events } = newContacts(5);
    const readsBefore = batchReads();
    t.hubspot.failNext(1, reply);
    const res = await deliver(events);
    expect(batchReads()).toBe(readsBefore + 1);
    expect(res.status).toBe(expectedStatus);
    expect(await storedContacts(ids)).toEqual([]);
    unanswered.push(events);
    return res;
  }

  const batchReads = () => t.hubspot.requests.filter((r) => r.path.startsWith(BATCH_READ)).length;

  describe('429 rate limits', () => {
    it('TEN_SECONDLY_ROLLING: 503 with Retry-After from the rolling interval, nothing stored', async () => {
      const res = await expectRefused(
        {
          status: 429,
          headers: {
            'x-hubspot-ratelimit-interval-milliseconds': '10000',
            'x-hubspot-ratelimit-max': '190',
            'x-hubspot-ratelimit-remaining': '0',
          },
          body: {
            status: 'error',
            message: 'You have reached your ten_secondly_rolling limit.',
            errorType: 'RATE_LIMIT',
            correlationId: 'c0a8f2d1-5b7e-4b9a-9f3e-000000000429',
            policyName: 'TEN_SECONDLY_ROLLING',
            groupName: 'publicapi:private-app:1160452',
          },
        },
        503,
      );
      expect(res.headers.get('retry-after')).toBe('10');
      expect(res.body.error).toBe('hubspot_rate_limited');
    });

    it('SECONDLY without rate-limit headers: 503 with a 1 s Retry-After, nothing stored', async () => {
      const res = await expectRefused(
        {
          status: 429,
          body: {
            status: 'error',
            message: 'You have reached your secondly limit.',
            errorType: 'RATE_LIMIT',
            correlationId: 'c-secondly',
            policyName: 'SECONDLY',
          },
        },
        503,
      );
      expect(res.headers.get('retry-after')).toBe('1');
    });

    it('a rate-limited delivery that mixes stored and new contacts stores none of the new ones and leaves the stored one alone', async () => {
      const earlier = newContacts(1);
      expect((await deliver(earlier.events)).status).toBe(200);
      const [earlierId] = earlier.ids as [string];
      storedEarlier.add(earlierId);
      const before = await t.stack.deps.store.getCall(callIdOf(earlierId));

      const fresh = newContacts(3);
      const mixed = creationEvents([earlierId, ...fresh.ids], t.hubspot.portalId);
      t.hubspot.failNext(1, {
        status: 429,
        body: {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
        },
      });
      const res = await deliver(mixed);
      expect(res.status).toBe(503);
      expect(await storedContacts(fresh.ids)).toEqual([]);
      const after = await t.stack.deps.store.getCall(callIdOf(earlierId));
      expect(after?.createdAt).toBe(before?.createdAt);
      unanswered.push(mixed);
    });
  });

  describe('5xx', () => {
    const cases: [string, FakeReply][] = [
      [
        "500 with HubSpot's JSON error",
        { status: 500, body: { status: 'error', message: 'internal error', correlationId: 'c-500', category: 'INTERNAL_ERROR' } },
      ],
      ['502 with an HTML page from the edge', { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }],
      ['503 with an empty body', { status: 503 }],
      [
        '504 with a JSON body that does not parse',
        { status: 504, body: '{"status":"error",', headers: { 'content-type': 'application/json' } },
      ],
    ];
    it.each(cases)('%s: 503, nothing stored', async (_name, reply) => {
      const res = await expectRefused(reply, 503);
      expect(res.body.error).toBe('hubspot_unavailable');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });

  it("a batch read slower than 4 s: the adapter gives up at 3 s, so the webhook answers 503 inside HubSpot's 5 s and stores nothing", async () => {
    const { ids, events } = newContacts(5);
    t.hubspot.delayMs = 4000;
    let res: Reply;
    try {
      res = await deliver(events);
    } finally {
      t.hubspot.delayMs = 0;
    }
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('hubspot_unavailable');
    expect(res.body.message).toMatch(/within 3000 ms/);
    expect(await storedContacts(ids)).toEqual([]);
    unanswered.push(events);
  });

  describe('401 after the token stops working', () => {
    afterAll(() => {
      // Later tests reconnect with a fresh token; this one stays dead, as a revoked token does.
      t.hubspot.tokens.delete(HUBSPOT_TOKEN);
    });

    it('expired token (EXPIRED_AUTHENTICATION): 502 naming the token, nothing stored, no retry hint', async () => {
      const { ids, events } = newContacts(5);
      t.hubspot.expireToken(HUBSPOT_TOKEN);
      const res = await deliver(events);
      expect(res.status).toBe(502);
      expect(res.body.error).toBe('hubspot_unauthorized');
      expect(res.body.message).toMatch(/token/i);
      expect(res.body.message).not.toContain(HUBSPOT_TOKEN);
      // Retrying sooner helps nothing: the operator has to rotate the token.
      expect(res.headers.get('retry-after')).toBeNull();
      expect(await storedContacts(ids)).toEqual([]);
      unanswered.push(events);
    });

    it('revoked token (INVALID_AUTHENTICATION): 502, nothing stored', async () => {
      t.hubspot.expiredTokens.delete(HUBSPOT_TOKEN);
      t.hubspot.tokens.delete(HUBSPOT_TOKEN);
      const { ids, events } = newContacts(5);
      const res = await deliver(events);
      expect(res.status).toBe(502);
      expect(res.body.message).toMatch(/token/i);
      expect(await storedContacts(ids)).toEqual([]);
      unanswered.push(events);
    });
  });

  it('after recovery (HubSpot healthy, token rotated) the redeliveries store every contact once and each is dialled once', async () => {
    const rotated = 'pat-na1-99999999-8888-7777-6666-555555555555';
    t.hubspot.tokens.add(rotated);
    expect((await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: rotated })).status).toBe(200);

    // HubSpot redelivers each failed delivery; with its retries overlapping, some arrive
    // twice at the same moment, and a third copy comes later.
    const copies = [...unanswered, ...unanswered];
    const replies = await Promise.all(copies.map((events) => deliver(events)));
    for (const res of replies) expect(res.status).toBe(200);
    const late = await Promise.all(unanswered.map((events) => deliver(events)));
    for (const res of late) expect(res.body).toMatchObject({ accepted: 0, rejected: [] });

    const contactIds = [...new Set(unanswered.flatMap((events) => events.map((e) => String(e.objectId))))];
    const accepted = [...replies, ...late].flatMap((r) => r.body.calls.map((c: { objectId: string }) => c.objectId));
    expect(accepted.sort()).toEqual(contactIds.filter((id) => !storedEarlier.has(id)).sort());
    expect(await storedContacts(contactIds)).toEqual(contactIds);

    await waitForNoDialJobs(t.stack);
    const requestsPerCall = countBy(t.voice.requests.map((r) => `${r.body?.callId}#${r.body?.attempt}`));
    for (const id of contactIds) expect([id, requestsPerCall.get(`${callIdOf(id)}#1`)]).toEqual([id, 1]);
  });
});
