// A backfill interrupted by a SIGKILL of `npm start` finishes after the restart on the
// same data folder: its state is on the stored job and its next page in the durable
// queue, so nobody is missed and nobody is called twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCallId } from '../../../functions/core/call-id';
import { makeContacts, startFakeHubSpot, type FakeHubSpot } from '../../fakes/fake-hubspot';
import { startFakeVoice, type FakeVoice } from '../../fakes/fake-voice';
import { freePorts, startChildStack, type ChildStack, type ChildStackOptions } from '../../support/child-stack';
import { HUBSPOT_TOKEN, waitFor } from '../../support/local-stack';

const SINCE = '2026-11-20T00:00:00.000Z';
const UNTIL = '2026-11-23T00:00:00.000Z';
const COUNT = 1000;

let hubspot: FakeHubSpot;
let voice: FakeVoice;
let child: ChildStack | undefined;
let dataDir: string;

beforeAll(async () => {
  hubspot = await startFakeHubSpot({ token: HUBSPOT_TOKEN });
  voice = await startFakeVoice({ secret: 'voice-secret-0123456789' });
  dataDir = mkdtempSync(join(tmpdir(), 'hubdial-backfill-restart-'));
});
afterAll(async () => {
  await child?.stop();
  await voice?.stop();
  await hubspot?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${child?.adminUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

it('finishes after a kill of npm start without calling anyone twice', async () => {
  const [port, adminPort] = (await freePorts(2)) as [number, number];
  const options: ChildStackOptions = { dataDir, port, adminPort, hubspotBaseUrl: hubspot.url };
  child = await startChildStack(options);
  const agent = await admin('POST', '/admin/agents', {
    name: 'Sales',
    timezone: 'America/New_York',
    defaultCountry: 'US',
    variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
    voice: { provider: 'http', url: `${voice.url}/calls`, secret: voice.secret },
  });
  expect(agent.status).toBe(201);
  const agentId: string = agent.body.id;
  expect((await admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN })).status).toBe(200);

  const from = Date.parse(SINCE);
  const span = Date.parse(UNTIL) - from;
  const ids = makeContacts(COUNT, 50_001).map(([id, contact], i) => {
    hubspot.contacts.set(id, { ...contact, createdate: new Date(from + Math.floor((i * span) / COUNT)).toISOString() });
    return id;
  });

  // A slow HubSpot keeps the job mid-way long enough to kill it there.
  hubspot.delayMs = 400;
  const started = await admin('POST', '/admin/backfill', { agentId, since: SINCE, until: UNTIL });
  expect(started.status).toBe(202);
  const jobId: string = started.body.id;
  const midway = await waitFor(
    async () => {
      const job = (await admin('GET', `/admin/backfill/${jobId}`)).body;
      return job.found >= 300 ? job : undefined;
    },
    'the backfill to be part-way',
    60_000,
  );
  expect(midway.status).toBe('running');
  expect(midway.found).toBeLessThan(COUNT);
  await child.kill();
  hubspot.delayMs = 0;

  child = await startChildStack(options);
  const done = await waitFor(
    async () => {
      const job = (await admin('GET', `/admin/backfill/${jobId}`)).body;
      return job.status === 'running' ? undefined : job;
    },
    'the backfill to finish after the restart',
    90_000,
  );
  // A page cut off mid-intake runs again: what it had stored counts as duplicates then.
  expect(done).toMatchObject({ status: 'done', found: COUNT, rejected: 0 });
  expect(done.accepted + done.duplicates).toBe(COUNT);
  expect(done.accepted).toBeGreaterThan(0);
  expect(hubspot.contactReads).toBe(0);

  const callIds = new Set(ids.map((id) => deriveCallId(agentId, hubspot.portalId, id)));
  // Every call handed off: none still waiting for its first attempt.
  await waitFor(
    async () =>
      (await admin('GET', `/admin/calls?agent_id=${agentId}&status=scheduled&limit=1`)).body.items.length === 0 ? true : undefined,
    'every stored call to be handed to the voice back end',
    120_000,
  );
  // Dials handed off just now may still be on their way to the voice back end: count what
  // it received once that number has stopped moving.
  let seen = -1;
  await waitFor(
    async () => {
      const now = voice.requests.length;
      if (now === seen) return true;
      seen = now;
      await new Promise((r) => setTimeout(r, 1000));
      return undefined;
    },
    'the voice back end to stop receiving calls',
    60_000,
  );
  const rung = new Map<string, number>();
  for (const r of voice.requests as any[]) rung.set(r.body.callId, (rung.get(r.body.callId) ?? 0) + 1);
  expect([...rung.keys()].filter((id) => !callIds.has(id))).toEqual([]);
  expect([...callIds].filter((id) => (rung.get(id) ?? 0) > 1)).toEqual([]);
  // A dial the kill cut off between "dialing" stored and the request sent is the dial
  // path's own crash window (the sweeper settles it once no callback comes); it is never
  // re-dialled blindly. Anything else not rung would be a contact the backfill lost.
  const notRung = [...callIds].filter((id) => !rung.has(id));
  for (const id of notRung) {
    const call = (await admin('GET', `/admin/calls/${id}`)).body;
    expect([id, call.status, call.attempts[0]?.providerCallId]).toEqual([id, 'dialing', undefined]);
  }
  expect(notRung.length).toBeLessThanOrEqual(20); // at most what the poller had in flight
}, 240_000);
