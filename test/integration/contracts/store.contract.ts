// The Store port's contract: what every Store adapter (SQLite files, DynamoDB on dynalite)
// does the same way, so the embedded default and the AWS table cannot drift. Each adapter
// runs it from a small *.test.ts file beside this one; checks of one adapter's own storage
// (DynamoDB item shapes, request counts, the SQLite file) stay in that adapter's test.
import { randomUUID } from 'node:crypto';
import { newBackfillJob, recordPage, splitCurrentRange, type BackfillJob } from '../../../functions/core/backfill';
import { eraseForPrivacyDeletion } from '../../../functions/core/contact-lifecycle';
import type { Agent, ApiKeyRecord, CallRecord, CallStatus, HubSpotConnection } from '../../../functions/core/model';
import type { CallQuery, Store } from '../../../functions/core/ports';
import { pacingStoreContract } from '../../support/pacing-store-contract';

export interface StoreHarness {
  /** A store on storage of its own, empty. */
  fresh(): Promise<Store>;
  /** A second store over the storage `fresh` made last (a restart, or a second process). */
  reopen(): Promise<Store>;
  stop(): Promise<void>;
}

export const minute = (n: number) => new Date(Date.UTC(2026, 5, 10, 12, 0) + n * 60_000).toISOString();

export function call(id: string, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    workspaceId: 'default',
    agentId: 'agt_1',
    portalId: '123',
    contactId: `c-${id}`,
    to: '+14155552671',
    variables: { firstname: 'Ada', company: '' },
    status: 'scheduled',
    reason: 'first attempt scheduled',
    settings: { window: { min: '09:00', max: '18:00' }, carryOver: true, numOfRetries: 2, gapHours: [2, 4] },
    timezone: 'America/New_York',
    attempts: [{ number: 1, scheduledAt: minute(0) }],
    history: [{ at: minute(0), status: 'scheduled', reason: 'first attempt scheduled' }],
    createdAt: minute(0),
    updatedAt: minute(0),
    version: 1,
    ...over,
  };
}

function agent(id: string, over: Partial<Agent> = {}): Agent {
  return {
    id,
    workspaceId: 'default',
    name: `Agent ${id}`,
    timezone: 'Europe/Berlin',
    variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
    callDefaults: { min_trigger_time: '09:00', max_trigger_time: '18:00', carry_over: false, gap_between_retries: [1, 3] },
    voice: { provider: 'http', url: 'https://voice.example/calls', secret: 's3cret-value' },
    createdAt: minute(0),
    updatedAt: minute(0),
    ...over,
  };
}

/** Every page of a listing, checking each cursor leads on and that pages respect the limit. */
async function allPages(s: Store, query: Omit<CallQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await s.listCalls({ ...query, cursor });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 500) throw new Error('listing does not end');
  } while (cursor);
  return { ids, pages };
}

export function storeContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  /** Shared by tests that only look up what they wrote themselves. */
  let store: Store;
  beforeAll(async () => {
    harness = await makeHarness();
    store = await harness.fresh();
  });
  afterAll(async () => {
    await harness?.stop();
  });
  const freshStore = () => harness.fresh();

  describe(`${name}: API keys, agents and the HubSpot connection`, () => {
    it('stores an API key by its hash and refuses a second key with the same hash', async () => {
      const key: ApiKeyRecord = { id: 'key_1', workspaceId: 'default', name: 'zapier', keyHash: 'ab'.repeat(32), createdAt: minute(0) };
      await store.putApiKey(key);
      expect(await store.getApiKeyByHash(key.keyHash)).toEqual(key);
      expect(await store.getApiKeyByHash('cd'.repeat(32))).toBeUndefined();
      await expect(store.putApiKey({ ...key, id: 'key_2' })).rejects.toThrow(/already stored/);
      expect(await store.getApiKeyByHash(key.keyHash)).toEqual(key);
    });

    it("lists a workspace's API keys oldest first and revokes one by id", async () => {
      const s = await freshStore();
      await s.putApiKey({ id: 'key_b', workspaceId: 'default', name: 'b', keyHash: 'h2', createdAt: minute(2) });
      await s.putApiKey({ id: 'key_a', workspaceId: 'default', name: 'a', keyHash: 'h1', createdAt: minute(1) });
      await s.putApiKey({ id: 'key_c', workspaceId: 'other', name: 'c', keyHash: 'h3', createdAt: minute(2) });
      expect((await s.listApiKeys('default')).map((k) => k.id)).toEqual(['key_a', 'key_b']);
      expect(await s.deleteApiKey('default', 'key_a')).toBe(true);
      expect(await s.getApiKeyByHash('h1')).toBeUndefined();
      expect(await s.deleteApiKey('default', 'key_a')).toBe(false);
      expect(await s.deleteApiKey('default', 'key_c')).toBe(false);
      expect(await s.getApiKeyByHash('h3')).toBeDefined();
      expect((await s.listApiKeys('default')).map((k) => k.id)).toEqual(['key_b']);
      expect(await s.listApiKeys('nobody')).toEqual([]);
    });

    it('round-trips an agent, updates it only when it exists, and deletes it once', async () => {
      const a = agent('agt_rt', { defaultCountry: 'DE' });
      expect(await store.putAgent(a)).toBe(true);
      expect(await store.getAgent('agt_rt')).toEqual(a);
      const renamed = { ...a, name: 'Renamed', updatedAt: minute(5) };
      expect(await store.putAgent(renamed, { mustExist: true })).toBe(true);
      expect(await store.getAgent('agt_rt')).toEqual(renamed);
      expect(await store.putAgent(agent('agt_missing'), { mustExist: true })).toBe(false);
      expect(await store.getAgent('agt_missing')).toBeUndefined();
      expect(await store.deleteAgent('agt_rt')).toBe(true);
      expect(await store.getAgent('agt_rt')).toBeUndefined();
      expect(await store.deleteAgent('agt_rt')).toBe(false);
    });

    it('lists the agents of one workspace only, oldest first', async () => {
      await store.putAgent(agent('agt_w2', { workspaceId: 'ws-list', createdAt: minute(2) }));
      await store.putAgent(agent('agt_w1', { workspaceId: 'ws-list', createdAt: minute(1) }));
      await store.putAgent(agent('agt_other', { workspaceId: 'ws-other', createdAt: minute(1) }));
      expect((await store.listAgents('ws-list')).map((a) => a.id)).toEqual(['agt_w1', 'agt_w2']);
      expect((await store.listAgents('ws-other')).map((a) => a.id)).toEqual(['agt_other']);
      expect(await store.listAgents('ws-empty')).toEqual([]);
      await store.deleteAgent('agt_w1');
      expect((await store.listAgents('ws-list')).map((a) => a.id)).toEqual(['agt_w2']);
    });

    it('round-trips the HubSpot connection per workspace, replacing it on a second put', async () => {
      const connection: HubSpotConnection = {
        workspaceId: 'default',
        portalId: '4242',
        accessToken: 'pat-na1-x',
        clientSecret: 'cs',
        timeZone: 'US/Eastern',
        status: 'connected',
        connectedAt: minute(0),
      };
      await store.putHubSpotConnection(connection);
      expect(await store.getHubSpotConnection('default')).toEqual(connection);
      const reconnected: HubSpotConnection = {
        workspaceId: 'default',
        portalId: '4243',
        accessToken: 'pat-na1-y',
        status: 'connected',
        connectedAt: minute(9),
      };
      await store.putHubSpotConnection(reconnected);
      expect(await store.getHubSpotConnection('default')).toEqual(reconnected);
      expect(await store.getHubSpotConnection('elsewhere')).toBeUndefined();
    });
  });

  describe(`${name}: call records`, () => {
    it('round-trips a call with nested fields, omitting undefined ones', async () => {
      const c = call('call_rt', {
        to: undefined,
        missingVariables: ['company'],
        attempts: [
          {
            number: 1,
            scheduledAt: minute(0),
            startedAt: minute(1),
            endedAt: minute(2),
            outcome: 'no-answer',
            providerCallId: 'p-1',
            durationSeconds: 0,
            dialErrors: 1,
          },
          { number: 2, scheduledAt: minute(120) },
        ],
        settings: { carryOver: false, numOfRetries: 0, gapHours: [] },
      });
      expect(await store.createCall(c)).toBe('created');
      const { to: _absent, ...withoutTo } = c;
      const read = await store.getCall('call_rt');
      expect(read).toEqual(withoutTo);
      expect(read && 'to' in read).toBe(false);
    });

    it("answers 'exists' for a second create and keeps the first record", async () => {
      expect(await store.createCall(call('call_twice'))).toBe('created');
      expect(await store.createCall(call('call_twice', { contactId: 'other' }))).toBe('exists');
      expect((await store.getCall('call_twice'))?.contactId).toBe('c-call_twice');
      expect(await store.getCall('call_never')).toBeUndefined();
    });

    it('updates only over the version the change was decided on; of two racing updates exactly one wins', async () => {
      await store.createCall(call('call_race'));
      const dialing = call('call_race', { status: 'dialing', reason: 'dialling', updatedAt: minute(1), version: 2 });
      const cancelled = call('call_race', { status: 'cancelled', reason: 'cancelled by operator', updatedAt: minute(1), version: 2 });
      const results = await Promise.all([store.updateCall(dialing), store.updateCall(cancelled)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? dialing : cancelled;
      expect(await store.getCall('call_race')).toEqual(winner);
      expect(await store.updateCall({ ...winner, reason: 'stale', version: 2 })).toBe(false);
      expect(await store.updateCall({ ...winner, reason: 'skipped', version: 4 })).toBe(false);
      expect(await store.updateCall({ ...winner, reason: 'next', version: 3 })).toBe(true);
      expect((await store.getCall('call_race'))?.reason).toBe('next');
      // Nothing to update: absent calls are not created by an update.
      expect(await store.updateCall(call('call_absent', { version: 2 }))).toBe(false);
      expect(await store.getCall('call_absent')).toBeUndefined();
    });

    it('moves a call between status listings when its status changes', async () => {
      const s = await freshStore();
      await s.createCall(call('call_move'));
      expect(await s.updateCall(call('call_move', { status: 'completed', updatedAt: minute(3), version: 2 }))).toBe(true);
      expect((await s.listCalls({ status: 'scheduled', limit: 10 })).items).toEqual([]);
      expect((await s.listCalls({ status: 'completed', limit: 10 })).items.map((c) => c.id)).toEqual(['call_move']);
    });

    it('reads the stored calls among many ids (more than 100, with repeats)', async () => {
      const s = await freshStore();
      const stored = Array.from({ length: 130 }, (_, i) => `call_batch_${i}`).filter((_, i) => i % 3 === 0);
      for (const id of stored) await s.createCall(call(id));
      const asked = [...Array.from({ length: 260 }, (_, i) => `call_batch_${i}`), 'call_batch_0'];
      const found = await s.getCalls(asked);
      expect([...found.keys()].sort()).toEqual([...stored].sort());
      expect(found.get('call_batch_3')).toEqual(call('call_batch_3'));
      expect((await s.getCalls([])).size).toBe(0);
    });
  });

  describe(`${name}: call listings`, () => {
    const STATUSES: CallStatus[] = ['scheduled', 'dialing', 'completed', 'failed', 'skipped', 'cancelled'];
    let s: Store;
    const written: CallRecord[] = [];

    beforeAll(async () => {
      s = await harness.fresh();
      // Agent A: 23 calls over every status; agent B: 130 calls, few of them completed, so a
      // filtered page has to look past many non-matching calls.
      for (let i = 0; i < 23; i++) {
        written.push(
          call(`call_a_${String(i).padStart(3, '0')}`, {
            agentId: 'agt_A',
            status: STATUSES[i % 6]!,
            createdAt: minute(i),
            updatedAt: minute(1000 - 7 * i),
            attempts: [{ number: 1, scheduledAt: minute(1000 - 7 * i) }],
          }),
        );
      }
      for (let i = 0; i < 130; i++) {
        const status: CallStatus = i % 40 === 5 ? 'completed' : 'failed';
        written.push(
          call(`call_b_${String(i).padStart(3, '0')}`, { agentId: 'agt_B', status, createdAt: minute(i), updatedAt: minute(i * 3) }),
        );
      }
      for (const c of written) expect(await s.createCall(c)).toBe('created');
      // Not calls, but in the same storage.
      await s.putAgent(agent('agt_A'));
      await s.addDoNotCall('default', [{ number: '+14155550000', addedAt: minute(0) }]);
    });

    const newestCreated = (cs: CallRecord[]) =>
      [...cs].sort((a, b) => (b.createdAt + b.id).localeCompare(a.createdAt + a.id)).map((c) => c.id);
    const newestUpdated = (cs: CallRecord[]) =>
      [...cs].sort((a, b) => (b.updatedAt + b.id).localeCompare(a.updatedAt + a.id)).map((c) => c.id);

    it.each([1, 4, 100])("pages through one agent's calls, newest first (limit %i)", async (limit) => {
      const { ids } = await allPages(s, { agentId: 'agt_A', limit });
      expect(ids).toEqual(newestCreated(written.filter((c) => c.agentId === 'agt_A')));
    });

    it.each([1, 3, 100])('pages through one status, most recently updated first (limit %i)', async (limit) => {
      const { ids } = await allPages(s, { status: 'failed', limit });
      expect(ids).toEqual(newestUpdated(written.filter((c) => c.status === 'failed')));
    });

    it.each([
      ['agt_A', 'dialing', 1],
      ['agt_A', 'dialing', 2],
      ['agt_B', 'completed', 1],
      ['agt_B', 'completed', 2],
      ['agt_B', 'failed', 50],
      ['agt_B', 'cancelled', 5],
    ] as const)('pages through agent %s filtered to %s (limit %i) without gaps or repeats', async (agentId, status, limit) => {
      const { ids } = await allPages(s, { agentId, status, limit });
      expect(ids).toEqual(newestCreated(written.filter((c) => c.agentId === agentId && c.status === status)));
    });

    it('fills a filtered page although the matches are far apart', async () => {
      const page = await s.listCalls({ agentId: 'agt_B', status: 'completed', limit: 4 });
      expect(page.items.map((c) => c.id)).toEqual(['call_b_125', 'call_b_085', 'call_b_045', 'call_b_005']);
    });

    it('pages through all calls (and nothing else stored) once each, in the same order whatever the page size', async () => {
      const orders = [];
      for (const limit of [1, 7, 100]) {
        const { ids, pages } = await allPages(s, { limit });
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual(written.map((c) => c.id).sort());
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(written.length / limit));
        orders.push(ids);
      }
      expect(orders[1]).toEqual(orders[0]);
      expect(orders[2]).toEqual(orders[0]);
    });

    it('lists every call exactly once while calls change status between pages (all calls, and by agent)', async () => {
      const live = await freshStore();
      const calls = Array.from({ length: 24 }, (_, i) =>
        call(`call_live_${String(i).padStart(2, '0')}`, { createdAt: minute(i), updatedAt: minute(i) }),
      );
      for (const c of calls) await live.createCall(c);
      const current = new Map(calls.map((c) => [c.id, c]));
      let tick = 100;
      async function moveSome(seen: string[]) {
        for (const c of [...current.values()].filter((x) => !seen.includes(x.id)).slice(0, 3)) {
          const next = {
            ...c,
            status: c.status === 'scheduled' ? ('dialing' as const) : ('completed' as const),
            updatedAt: minute(tick++),
            version: c.version + 1,
          };
          expect(await live.updateCall(next)).toBe(true);
          current.set(c.id, next);
        }
      }
      for (const query of [{ limit: 5 }, { agentId: 'agt_1', limit: 5 }]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await live.listCalls({ ...query, cursor });
          seen.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor;
          await moveSome(seen);
        } while (cursor);
        expect(seen.length).toBe(calls.length);
        expect(new Set(seen)).toEqual(new Set(calls.map((c) => c.id)));
      }
    });

    it('gives no cursor on the last page and an empty first page for an unknown agent', async () => {
      const last = await s.listCalls({ agentId: 'agt_A', limit: 100 });
      expect(last.items).toHaveLength(23);
      expect('nextCursor' in last).toBe(false);
      expect(await s.listCalls({ agentId: 'agt_nobody', limit: 10 })).toEqual({ items: [] });
      expect(await s.listCalls({ status: 'failed', agentId: 'agt_nobody', limit: 10 })).toEqual({ items: [] });
    });

    it('refuses a cursor that is not one it issued, or was issued for other filters, naming `cursor`', async () => {
      const first = await s.listCalls({ agentId: 'agt_A', limit: 2 });
      expect(first.nextCursor).toBeDefined();
      const bad = [
        'not a cursor!',
        'e30',
        Buffer.from('{"q":1}').toString('base64url'),
        Buffer.from('[]').toString('base64url'),
        `${first.nextCursor!.slice(0, -3)}AAA`,
      ];
      for (const cursor of bad) await expect(s.listCalls({ agentId: 'agt_A', limit: 2, cursor })).rejects.toThrow(/cursor/);
      await expect(s.listCalls({ agentId: 'agt_B', limit: 2, cursor: first.nextCursor })).rejects.toThrow(/cursor/);
      await expect(s.listCalls({ status: 'failed', limit: 2, cursor: first.nextCursor })).rejects.toThrow(/cursor/);
      await expect(s.listCalls({ limit: 2, cursor: first.nextCursor })).rejects.toThrow(/cursor/);
      const all = await s.listCalls({ limit: 2 });
      await expect(s.listCalls({ agentId: 'agt_A', limit: 2, cursor: all.nextCursor })).rejects.toThrow(/cursor/);
      const forged = Buffer.from(JSON.stringify({ q: '[null,null]', p: { unknown: null } })).toString('base64url');
      await expect(s.listCalls({ limit: 2, cursor: forged })).rejects.toThrow(/cursor/);
    });

    it('refuses a limit outside 1..100 without naming cursor', async () => {
      for (const limit of [0, 101, 1.5]) {
        const err = await s.listCalls({ limit }).catch((e: Error) => e);
        expect(err).toBeInstanceOf(RangeError);
        expect((err as Error).message).toMatch(/limit/);
        expect((err as Error).message).not.toMatch(/cursor/);
      }
    });

    it('lists stale calls of a status updated strictly before a time, oldest first, up to the limit', async () => {
      const stale = await s.listStaleCalls('failed', minute(30), 100);
      const expected = written
        .filter((c) => c.status === 'failed' && c.updatedAt < minute(30))
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
      expect(stale.map((c) => c.id)).toEqual(expected.map((c) => c.id));
      expect(stale.length).toBe(9);
      expect((await s.listStaleCalls('failed', minute(30), 3)).map((c) => c.id)).toEqual(expected.slice(0, 3).map((c) => c.id));
      expect(await s.listStaleCalls('dialing', minute(0), 10)).toEqual([]);
      await expect(s.listStaleCalls('failed', minute(30), 0)).rejects.toThrow(/limit/);
    });

    it('lists scheduled calls by when their pending attempt is due, not by their last update', async () => {
      const d = await freshStore();
      await d.createCall(call('call_due_late', { updatedAt: minute(0), attempts: [{ number: 1, scheduledAt: minute(600) }] }));
      await d.createCall(call('call_due_soon', { updatedAt: minute(5), attempts: [{ number: 1, scheduledAt: minute(10) }] }));
      expect((await d.listStaleCalls('scheduled', minute(60), 100)).map((c) => c.id)).toEqual(['call_due_soon']);
      expect((await d.listCalls({ status: 'scheduled', limit: 10 })).items.map((c) => c.id)).toEqual(['call_due_late', 'call_due_soon']);
    });

    it('finds calls by creation range and by contact id or number, in every listing', async () => {
      const f = await freshStore();
      const day = (d: number) => new Date(Date.UTC(2026, 5, d, 12)).toISOString();
      for (let i = 1; i <= 9; i++)
        await f.createCall(
          call(`call_${i}`, {
            contactId: String(i),
            to: `+1415555${String(i).padStart(4, '0')}`,
            status: i % 2 ? 'completed' : 'failed',
            createdAt: day(i),
            updatedAt: day(i),
          }),
        );
      const ids = async (q: Omit<CallQuery, 'cursor'>) => (await allPages(f, q)).ids.sort();
      expect(await ids({ limit: 2, from: day(3), to: day(6) })).toEqual(['call_3', 'call_4', 'call_5']);
      expect(await ids({ limit: 2, agentId: 'agt_1', from: day(8) })).toEqual(['call_8', 'call_9']);
      expect(await ids({ limit: 2, status: 'failed', to: day(5) })).toEqual(['call_2', 'call_4']);
      expect(await ids({ limit: 5, q: '7' })).toEqual(['call_7']);
      expect(await ids({ limit: 5, q: '+14155550004', agentId: 'agt_1' })).toEqual(['call_4']);
      expect(await ids({ limit: 5, q: 'nobody' })).toEqual([]);
      const first = await f.listCalls({ limit: 1, from: day(1) });
      await expect(f.listCalls({ limit: 1, from: day(2), cursor: first.nextCursor })).rejects.toThrow(/cursor/);
    });
  });

  describe(`${name}: contact lifecycle`, () => {
    const AT = '2026-06-10T12:00:00.000Z';
    const finished = (id: string, over: Partial<CallRecord> = {}) =>
      call(id, {
        contactId: '77',
        status: 'completed',
        reason: 'attempt 1: connected',
        attempts: [
          { number: 1, scheduledAt: AT, startedAt: AT, endedAt: AT, outcome: 'completed', transcript: 'Agent: hello Ada' } as never,
        ],
        createdAt: AT,
        updatedAt: AT,
        ...over,
      });

    it("lists a contact's calls across agents, and only that contact's in that workspace and portal", async () => {
      const s = await freshStore();
      await s.createCall(finished('lc_a'));
      await s.createCall(finished('lc_b', { agentId: 'agt_2', status: 'scheduled' }));
      await s.createCall(finished('lc_c', { contactId: '78' }));
      await s.createCall(finished('lc_d', { portalId: '999' }));
      await s.createCall(finished('lc_e', { workspaceId: 'other' }));
      expect((await s.listCallsForContact('default', '123', '77')).map((c) => c.id).sort()).toEqual(['lc_a', 'lc_b']);
      expect(await s.listCallsForContact('default', '123', '1')).toEqual([]);
    });

    it('keeps an erased call findable by contact, without its personal data, and out of the stale ranges', async () => {
      const s = await freshStore();
      const stored = finished('lc_erase', { contactId: '80' });
      await s.createCall(stored);
      const t = eraseForPrivacyDeletion(stored, new Date(AT));
      if (!('call' in t)) throw new Error('nothing to erase');
      expect(await s.updateCall(t.call)).toBe(true);
      const read = await s.getCall('lc_erase');
      for (const secret of ['+14155552671', 'Ada', 'hello']) expect(JSON.stringify(read)).not.toContain(secret);
      expect(read).toMatchObject({ status: 'completed', erasedAt: AT });
      expect((await s.listStaleCalls('completed', '9999', 100)).map((c) => c.id)).not.toContain('lc_erase');
      expect((await s.listCallsForContact('default', '123', '80')).map((c) => c.id)).toEqual(['lc_erase']);
    });

    it('keeps tombstones, and a privacy deletion is never downgraded by a later ordinary one', async () => {
      await store.putContactTombstone({ workspaceId: 'default', portalId: '123', contactId: '90', kind: 'erased', at: AT });
      await store.putContactTombstone({ workspaceId: 'default', portalId: '123', contactId: '90', kind: 'deleted', at: AT });
      await store.putContactTombstone({ workspaceId: 'default', portalId: '123', contactId: '91', kind: 'deleted', at: AT });
      await store.putContactTombstone({ workspaceId: 'default', portalId: '123', contactId: '91', kind: 'erased', at: AT });
      const found = await store.getContactTombstones('default', '123', ['90', '91', '92', '90']);
      expect([...found.keys()].sort()).toEqual(['90', '91']);
      expect(found.get('90')).toEqual({ workspaceId: 'default', portalId: '123', contactId: '90', kind: 'erased', at: AT });
      expect(found.get('91')?.kind).toBe('erased');
      expect((await store.getContactTombstones('other', '123', ['90'])).size).toBe(0);
      expect((await store.getContactTombstones('default', '124', ['90'])).size).toBe(0);
      expect((await store.getContactTombstones('default', '123', [])).size).toBe(0);
    });
  });

  describe(`${name}: do-not-call`, () => {
    const AT = '2026-06-10T12:00:00.000Z';
    it('adds new numbers only, lists them in pages in number order, finds and removes them per workspace', async () => {
      const entries = ['+14155550003', '+14155550001', '+14155550002'].map((number) => ({ number, addedAt: AT }));
      expect(await store.addDoNotCall('dnc-ws', [...entries, entries[0]!])).toBe(3);
      expect(await store.addDoNotCall('dnc-ws', [{ number: '+14155550001', addedAt: '2030-01-01T00:00:00.000Z', reason: 'x' }])).toBe(0);
      const first = await store.listDoNotCall('dnc-ws', { limit: 2 });
      expect(first.items).toEqual([
        { number: '+14155550001', addedAt: AT },
        { number: '+14155550002', addedAt: AT },
      ]);
      const second = await store.listDoNotCall('dnc-ws', { limit: 2, cursor: first.nextCursor });
      expect(second.items.map((e) => e.number)).toEqual(['+14155550003']);
      expect(second.nextCursor).toBeUndefined();
      await expect(store.listDoNotCall('dnc-ws', { limit: 2, cursor: 'bad!' })).rejects.toThrow(/cursor|base64/);
      await expect(store.listDoNotCall('other-ws', { limit: 2, cursor: first.nextCursor })).rejects.toThrow();
      expect([...(await store.getDoNotCall('dnc-ws', ['+14155550002', '+14155559999'])).keys()]).toEqual(['+14155550002']);
      expect((await store.getDoNotCall('other-ws', ['+14155550002'])).size).toBe(0);
      expect(await store.removeDoNotCall('dnc-ws', '+14155550002')).toBe(true);
      expect(await store.removeDoNotCall('dnc-ws', '+14155550002')).toBe(false);
      expect((await store.listDoNotCall('dnc-ws', { limit: 10 })).items.map((e) => e.number)).toEqual(['+14155550001', '+14155550003']);
    });

    it('checks 250 numbers at once', async () => {
      const many = Array.from({ length: 250 }, (_, i) => `+1415556${String(i).padStart(4, '0')}`);
      await store.addDoNotCall(
        'dnc-many',
        many.slice(0, 120).map((number) => ({ number, addedAt: AT })),
      );
      expect((await store.getDoNotCall('dnc-many', many)).size).toBe(120);
      expect((await store.getDoNotCall('dnc-many', [])).size).toBe(0);
    });
  });

  describe(`${name}: backfill jobs`, () => {
    const NOW = new Date('2026-12-01T10:00:00Z');
    const job = (id: string): BackfillJob =>
      newBackfillJob({
        id,
        workspaceId: 'default',
        agentId: 'agt_1',
        since: new Date('2026-11-27T00:00:00Z'),
        until: new Date('2026-11-30T00:00:00Z'),
        now: NOW,
      });

    it('creates a job once and reads it back whole', async () => {
      const created = job('bf_one');
      expect(await store.createBackfillJob(created)).toBe(true);
      expect(await store.createBackfillJob({ ...created, found: 99 })).toBe(false);
      expect(await store.getBackfillJob('bf_one')).toEqual(created);
      expect(await store.getBackfillJob('bf_missing')).toBeUndefined();
    });

    it('advances only over the version it was decided on: a second run of the same page changes nothing', async () => {
      const stored = job('bf_two');
      await store.createBackfillJob(stored);
      const page = { total: 250, results: Array.from({ length: 100 }, (_, i) => ({ id: String(i), properties: {} })), nextAfter: '100' };
      const first = recordPage(stored, NOW, page, { accepted: 90, duplicates: 10, rejected: 0 });
      const second = recordPage(stored, NOW, page, { accepted: 0, duplicates: 100, rejected: 0 });
      expect(await store.updateBackfillJob(first)).toBe(true);
      expect(await store.updateBackfillJob(second)).toBe(false);
      expect(await store.getBackfillJob('bf_two')).toMatchObject({
        page: 1,
        after: '100',
        found: 100,
        accepted: 90,
        duplicates: 10,
        total: 250,
      });
      const last = recordPage(first, NOW, { total: 250, results: [] }, { accepted: 0, duplicates: 0, rejected: 0 });
      expect(await store.updateBackfillJob(last)).toBe(true);
      const read = await store.getBackfillJob('bf_two');
      expect(read).toMatchObject({ status: 'done', ranges: [], page: 2 });
      expect(read).not.toHaveProperty('after');
      expect(await store.updateBackfillJob({ ...job('bf_absent'), version: 2 })).toBe(false);
    });

    it('stores split ranges in order', async () => {
      const stored = job('bf_three');
      await store.createBackfillJob(stored);
      const split = splitCurrentRange(stored, NOW, 12_000);
      if ('fail' in split) throw new Error(split.fail);
      expect(await store.updateBackfillJob(split)).toBe(true);
      expect((await store.getBackfillJob('bf_three'))?.ranges).toEqual([
        { since: '2026-11-27T00:00:00.000Z', until: '2026-11-28T12:00:00.000Z' },
        { since: '2026-11-28T12:00:00.000Z', until: '2026-11-30T00:00:00.000Z' },
      ]);
    });
  });

  pacingStoreContract(name, () => store);

  describe(`${name}: durability`, () => {
    it('keeps what was written for the next store over the same storage (a restart)', async () => {
      const s = await freshStore();
      const id = `call_${randomUUID().slice(0, 8)}`;
      await s.createCall(call(id));
      await s.addDoNotCall('default', [{ number: '+14155550123', addedAt: minute(0) }]);
      expect(await s.ensureServiceValue('callback-key', 'first')).toBe('first');
      const again = await harness.reopen();
      expect(await again.getCall(id)).toEqual(call(id));
      expect((await again.getDoNotCall('default', ['+14155550123'])).size).toBe(1);
      expect(await again.ensureServiceValue('callback-key', 'second')).toBe('first');
    });
  });
}
