// A backfill range holding more than HubSpot's 10,000-result search cap is split into
// smaller ranges (HubSpot refuses paging past 10,000), and every contact is still found once.
import { deriveCallId } from '../../functions/core/call-id';
import { makeContacts } from '../fakes/fake-hubspot';
import { startTestStack, waitFor, type TestStack } from '../support/local-stack';

const SEARCH = '/crm/v3/objects/contacts/search';
const SINCE = '2026-11-01T00:00:00.000Z';
const UNTIL = '2026-11-03T00:00:00.000Z';
const COUNT = 10_050;

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t.stop());

it('splits a range of 10,050 contacts and pages each half, never past the cap', async () => {
  // A window that has just closed, without carry-over: the calls are stored as skipped, so
  // the test measures the search and intake rather than 10,000 dials.
  const { agentId } = await t.setup({ callDefaults: closedWindowNow() });
  const from = Date.parse(SINCE);
  const span = Date.parse(UNTIL) - from;
  for (const [i, [id, contact]] of makeContacts(COUNT, 1).entries()) {
    t.hubspot.contacts.set(id, { ...contact, createdate: new Date(from + Math.floor((i * span) / COUNT)).toISOString() });
  }
  const started = await t.admin('POST', '/admin/backfill', { agentId, since: SINCE, until: UNTIL });
  expect(started.status).toBe(202);
  const done = await waitFor(
    async () => {
      const res = await t.admin('GET', `/admin/backfill/${started.body.id}`);
      return res.body.status === 'running' ? undefined : res.body;
    },
    'the backfill to finish',
    240_000,
  );
  expect(done).toMatchObject({ status: 'done', found: COUNT, accepted: COUNT, duplicates: 0, rejected: 0, total: COUNT });

  const sent = t.hubspot.requests.filter((r) => r.path === SEARCH).map((r) => r.body as any);
  const rangeOf = (body: any) => body.filterGroups[0].filters.map((f: any) => Number(f.value));
  // The first search saw 10,050 > 10,000 and paged no further: the halves come next.
  expect(rangeOf(sent[0])).toEqual([from, from + span]);
  expect(rangeOf(sent[1])).toEqual([from, from + span / 2]);
  expect(sent.every((b) => b.after === undefined || Number(b.after) < 10_000)).toBe(true);
  const halves = sent.slice(1).map((b) => rangeOf(b).join('-'));
  expect(new Set(halves)).toEqual(new Set([`${from}-${from + span / 2}`, `${from + span / 2}-${from + span}`]));
  expect(sent).toHaveLength(1 + 2 * Math.ceil(COUNT / 2 / 100));
  expect(t.hubspot.contactReads).toBe(0);
  expect(t.hubspot.searchRateLimited).toBe(0);
  for (const id of ['1', '5025', '5026', String(COUNT)]) {
    const call = await t.admin('GET', `/admin/calls/${deriveCallId(agentId, t.hubspot.portalId, id)}`);
    expect(call.body).toMatchObject({ contactId: id, status: 'skipped' });
  }
}, 300_000);

/** A one-hour window that closed an hour ago in New York, without carry-over. */
function closedWindowNow() {
  const hour =
    (Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', hourCycle: 'h23' }).format(new Date())) +
      22) %
    24;
  const hh = (h: number) => String(h).padStart(2, '0');
  return { min_trigger_time: `${hh(hour)}:00`, max_trigger_time: `${hh((hour + 1) % 24)}:00`, carry_over: false };
}
