// Backfill after an outage, through the real admin handler, page task, intake and dial
// path on the embedded stack, against the fake HubSpot's search endpoint.
import { deriveCallId } from '../../functions/core/call-id';
import { createBackfillPageHandler } from '../../functions/handlers/backfill-page';
import { makeContacts } from '../fakes/fake-hubspot';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, waitFor, type TestStack } from '../support/local-stack';

const SEARCH = '/crm/v3/objects/contacts/search';
const DAY = 86_400_000;
const SINCE = '2026-11-27T00:00:00.000Z';
const UNTIL = '2026-11-30T00:00:00.000Z';

let t: TestStack;
let agentId: string;
let key: string;

beforeAll(async () => {
  t = await startTestStack();
  ({ agentId, key } = await t.setup());
});
afterAll(() => t.stop());

const callIdOf = (contactId: string, agent = agentId) => deriveCallId(agent, t.hubspot.portalId, contactId);
const searches = () => t.hubspot.requests.filter((r) => r.method === 'POST' && r.path === SEARCH);

async function finished(id: string, timeoutMs = 120_000): Promise<any> {
  return waitFor(
    async () => {
      const res = await t.admin('GET', `/admin/backfill/${id}`);
      return res.body.status === 'running' ? undefined : res.body;
    },
    `backfill ${id} to finish`,
    timeoutMs,
  );
}

/** `n` contacts with ids from `start`, created evenly over [since, since + spanMs). */
function addContacts(n: number, start: number, since: string, spanMs: number): string[] {
  const from = Date.parse(since);
  return makeContacts(n, start).map(([id, contact], i) => {
    t.hubspot.contacts.set(id, { ...contact, createdate: new Date(from + Math.floor((i * spanMs) / n)).toISOString() });
    return id;
  });
}

describe('backfilling 2,500 contacts created over three days', () => {
  let inRange: string[];
  let calledBefore: string[];
  let outside: string[];

  beforeAll(async () => {
    inRange = addContacts(2500, 100_001, SINCE, 3 * DAY);
    // Just outside [since, until): the millisecond before, and `until` itself (exclusive).
    outside = addContacts(20, 200_001, new Date(Date.parse(SINCE) - 20).toISOString(), 20);
    t.hubspot.contacts.set('200100', { ...makeContacts(1, 200_100)[0]?.[1], createdate: UNTIL });
    outside.push('200100');
    // 250 of them were called when their webhook arrived, before the outage.
    calledBefore = inRange.filter((_, i) => i % 10 === 0);
    for (let i = 0; i < calledBefore.length; i += 100) {
      const res = await t.webhook(
        { agent_id: agentId, type: 'hubspot', x_api_key: key },
        creationEvents(calledBefore.slice(i, i + 100), t.hubspot.portalId),
      );
      expect(res.body.accepted).toBe(Math.min(100, calledBefore.length - i));
    }
    await waitFor(async () => (t.voice.requests.length >= calledBefore.length ? true : undefined), 'the webhook calls to go out', 60_000);
    t.hubspot.contactReads = 0;
  }, 120_000);

  it('calls each uncalled contact exactly once, counts the duplicates and reads HubSpot only through search pages', async () => {
    const before = t.hubspot.requests.length;
    const started = await t.admin('POST', '/admin/backfill', { agentId, since: SINCE, until: UNTIL });
    expect(started.status).toBe(202);
    expect(started.body.id).toMatch(/^bf_/);
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'done', found: 2500, accepted: 2250, duplicates: 250, rejected: 0, total: 2500 });
    expect(done.error).toBeUndefined();

    // Only search pages: no batch read, no single read, 25 pages of 100.
    const sent = t.hubspot.requests.slice(before);
    expect(sent.every((r) => r.method === 'POST' && r.path === SEARCH)).toBe(true);
    expect(sent).toHaveLength(25);
    expect(t.hubspot.contactReads).toBe(0);
    expect(t.hubspot.searchRateLimited).toBe(0);
    expect(sent[0]?.body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'createdate', operator: 'GTE', value: String(Date.parse(SINCE)) },
            { propertyName: 'createdate', operator: 'LT', value: String(Date.parse(UNTIL)) },
          ],
        },
      ],
      sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
      properties: ['company', 'firstname', 'lastname', 'mobilephone', 'phone'],
      limit: 100,
    });
    expect(sent.slice(1).map((r: any) => r.body.after)).toEqual(Array.from({ length: 24 }, (_, i) => String((i + 1) * 100)));
    // At most 5 searches in any second.
    const times = sent.map((r) => r.at);
    for (let i = 5; i < times.length; i++) expect((times[i] as number) - (times[i - 5] as number)).toBeGreaterThanOrEqual(1000);

    // Every contact in the range is rung exactly once (the 250 by their webhook), nobody outside it.
    const byCall = new Map<string, number>();
    await waitFor(async () => (t.voice.requests.length >= 2500 ? true : undefined), 'every call at the voice back end', 120_000);
    for (const r of t.voice.requests as any[]) byCall.set(r.body.callId, (byCall.get(r.body.callId) ?? 0) + 1);
    for (const id of inRange) expect([id, byCall.get(callIdOf(id))]).toEqual([id, 1]);
    for (const id of outside) expect((await t.admin('GET', `/admin/calls/${callIdOf(id)}`)).status).toBe(404);
    const sample = (await t.admin('GET', `/admin/calls/${callIdOf(inRange[1] as string)}`)).body;
    expect(sample).toMatchObject({
      contactId: inRange[1],
      test: false,
      variables: { firstname: 'Grace', company: `Company ${inRange[1]}` },
    });
  }, 240_000);

  it('a second run over the same range accepts nothing new', async () => {
    const voiceBefore = t.voice.requests.length;
    const started = await t.admin('POST', '/admin/backfill', { agentId, since: SINCE, until: UNTIL });
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'done', found: 2500, accepted: 0, duplicates: 2500, rejected: 0 });
    expect(t.hubspot.contactReads).toBe(0);
    // Nothing was handed off again: every call is already past its first hand-off.
    const list = await t.admin('GET', `/admin/calls?agent_id=${agentId}&status=scheduled&limit=100`);
    expect(list.body.items).toEqual([]);
    expect(t.voice.requests.length).toBe(voiceBefore);
  }, 240_000);
});

describe('backfill limits and failures', () => {
  it('a 429 waits as long as Retry-After says, then the same page again', async () => {
    const since = '2026-10-01T00:00:00.000Z';
    const ids = addContacts(150, 300_001, since, DAY);
    t.hubspot.failNext(1, {
      status: 429,
      body: {
        status: 'error',
        message: 'You have reached your secondly limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'c-429',
        policyName: 'SECONDLY',
      },
      headers: { 'retry-after': '2' },
    });
    const before = searches().length;
    const started = await t.admin('POST', '/admin/backfill', { agentId, since, until: new Date(Date.parse(since) + DAY).toISOString() });
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'done', found: 150, accepted: 150, duplicates: 0, rejected: 0 });
    const sent = searches().slice(before);
    expect(sent).toHaveLength(3); // the refused first page, then pages 1 and 2
    expect((sent[0]?.body as any)?.after).toBeUndefined();
    expect((sent[1]?.body as any)?.after).toBeUndefined();
    expect((sent[1]?.at as number) - (sent[0]?.at as number)).toBeGreaterThanOrEqual(2000);
    for (const id of ids) expect((await t.admin('GET', `/admin/calls/${callIdOf(id)}`)).status).toBe(200);
  }, 60_000);

  it('a page task delivered twice (or run again by hand) adds its counts once', async () => {
    const since = '2026-07-01T00:00:00.000Z';
    const ids = addContacts(300, 400_001, since, DAY);
    const started = await t.admin('POST', '/admin/backfill', { agentId, since, until: new Date(Date.parse(since) + DAY).toISOString() });
    const jobId: string = started.body.id;
    // The queue's at-least-once delivery, exaggerated: every page handed to the queue twice
    // more, and page 0 run three times at once beside the queued copy.
    const page = createBackfillPageHandler(t.stack.deps);
    const task = (n: number) => ({ kind: 'backfill-page', jobId, page: n });
    await Promise.all([page(task(0)), page(task(0)), page(task(0))]);
    for (const n of [0, 1, 2, 0, 1, 2]) await t.stack.deps.dispatcher.dispatchTask(task(n), 0);
    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'done', found: 300, rejected: 0, pages: 3 });
    expect(done.accepted + done.duplicates).toBe(300);
    for (const id of ids) expect((await t.admin('GET', `/admin/calls/${callIdOf(id)}`)).body.contactId).toBe(id);
    await waitFor(
      async () => (ids.every((id) => t.voice.requests.some((r: any) => r.body.callId === callIdOf(id))) ? true : undefined),
      'every contact rung',
    );
    for (const id of ids) expect(t.voice.requests.filter((r: any) => r.body.callId === callIdOf(id))).toHaveLength(1);
    // The queued copies may still be running after the job is done: let them finish, so
    // the next test's HubSpot failures are not spent on their searches.
    await waitFor(async () => ((await t.stack.dialJobsPending()) === 0 ? true : undefined), 'every queued copy handled');
  }, 60_000);

  it('HubSpot unavailable (503) for a page: the page is tried again later, nothing is lost', async () => {
    const since = '2026-06-01T00:00:00.000Z';
    const ids = addContacts(120, 500_001, since, DAY);
    t.hubspot.failNext(1, { status: 503, body: { status: 'error', message: 'Service Unavailable', category: 'SERVICE_UNAVAILABLE' } });
    const before = searches().length;
    const started = await t.admin('POST', '/admin/backfill', { agentId, since, until: new Date(Date.parse(since) + DAY).toISOString() });
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'done', found: 120, accepted: 120, duplicates: 0 });
    const sent = searches().slice(before);
    expect(sent).toHaveLength(3);
    expect((sent[1]?.at as number) - (sent[0]?.at as number)).toBeGreaterThanOrEqual(5000);
    for (const id of ids) expect((await t.admin('GET', `/admin/calls/${callIdOf(id)}`)).status).toBe(200);
  }, 60_000);

  it('bad input is a 400 naming the field and starts nothing', async () => {
    const before = searches().length;
    const cases: [unknown, string][] = [
      [{ since: SINCE }, 'agentId'],
      [{ agentId }, 'since'],
      [{ agentId, since: 'yesterday' }, 'since'],
      [{ agentId, since: '2026-11-27T00:00:00' }, 'since'], // no zone
      [{ agentId, since: 1_764_201_600_000 }, 'since'],
      [{ agentId, since: SINCE, until: '2026-13-01T00:00:00Z' }, 'until'],
      [{ agentId, since: UNTIL, until: SINCE }, 'since'],
      [{ agentId, since: SINCE, until: SINCE }, 'since'],
    ];
    for (const [body, parameter] of cases) {
      const res = await t.admin('POST', '/admin/backfill', body);
      expect([JSON.stringify(body), res.status, res.body.error, res.body.parameter]).toEqual([
        JSON.stringify(body),
        400,
        'invalid_parameter',
        parameter,
      ]);
    }
    const unknown = await t.admin('POST', '/admin/backfill', { agentId: 'agt_unknown', since: SINCE });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'agent_not_found', parameter: 'agentId' });
    expect((await t.admin('POST', '/admin/backfill', 'not json')).body.error).toBe('invalid_body');
    expect((await t.admin('GET', '/admin/backfill/bf_nothing')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(searches().length).toBe(before);
  });

  it('a date-only since is midnight UTC, and until defaults to now', async () => {
    const started = await t.admin('POST', '/admin/backfill', { agentId, since: '2026-09-01' });
    expect(started.status).toBe(202);
    expect(started.body.since).toBe('2026-09-01T00:00:00.000Z');
    expect(Date.parse(started.body.until)).toBeGreaterThan(Date.now() - 60_000);
    expect((await finished(started.body.id)).status).toBe('done');
  }, 240_000);

  it("a revoked token ends the job failed with HubSpot's reason", async () => {
    t.hubspot.expireToken(HUBSPOT_TOKEN);
    const started = await t.admin('POST', '/admin/backfill', { agentId, since: SINCE, until: UNTIL });
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'failed', found: 0, accepted: 0 });
    expect(done.error).toMatch(/401 EXPIRED_AUTHENTICATION: The OAuth token used to make this call expired/);
    expect(done.error).toMatch(/reconnect hubdial/);
    expect(done.error).not.toContain(HUBSPOT_TOKEN);
  });
});
