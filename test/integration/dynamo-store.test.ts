import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDynamoStore, type DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { CALL_SHARDS, callShard } from '../../functions/adapters/dynamodb/dynamo-items';
import type { Agent, ApiKeyRecord, CallRecord, CallStatus, HubSpotConnection } from '../../functions/core/model';
import type { CallQuery } from '../../functions/core/ports';
import { ensureTable } from '../../local/dynalite';
import { startTestTable } from '../support/dynamo';

// The DynamoDB store against a real DynamoDB API (dynalite): every item type, the
// conditional writes and the paginated listings.

let client: DynamoDBClient;
let tableName: string;
let stopDynamo: () => Promise<void>;
let store: DynamoStore;

beforeAll(async () => {
  const t = await startTestTable();
  ({ client, tableName } = t);
  stopDynamo = () => t.dynamo.stop();
  store = createDynamoStore(client, tableName);
});
afterAll(async () => {
  client.destroy();
  await stopDynamo();
});

/** A store on a table of its own, for listings that must see only the calls a test wrote. */
async function freshStore(): Promise<DynamoStore> {
  return (await freshTable()).store;
}
async function freshTable(): Promise<{ store: DynamoStore; name: string }> {
  const name = `hubdial-test-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, name);
  return { store: createDynamoStore(client, name), name };
}

const minute = (n: number) => new Date(Date.UTC(2026, 5, 10, 12, 0) + n * 60_000).toISOString();

function call(id: string, over: Partial<CallRecord> = {}): CallRecord {
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

/** Every page of a listing, checking each cursor leads on (and that pages respect the limit). */
async function allPages(s: DynamoStore, query: Omit<CallQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
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

describe('API keys, agents and the HubSpot connection', () => {
  it('stores an API key by its hash and refuses a second key with the same hash', async () => {
    const key: ApiKeyRecord = { id: 'key_1', workspaceId: 'default', name: 'zapier', keyHash: 'ab'.repeat(32), createdAt: minute(0) };
    await store.putApiKey(key);
    expect(await store.getApiKeyByHash(key.keyHash)).toEqual(key);
    expect(await store.getApiKeyByHash('cd'.repeat(32))).toBeUndefined();
    await expect(store.putApiKey({ ...key, id: 'key_2' })).rejects.toThrow(/already stored/);
    expect(await store.getApiKeyByHash(key.keyHash)).toEqual(key);
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

describe('call records', () => {
  it('round-trips a call with nested fields stored as native maps and lists, omitting undefined fields', async () => {
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
    expect(await store.getCall('call_rt')).toEqual(withoutTo);

    const raw = (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'CALL#call_rt' }, sk: { S: 'CALL' } } })))
      .Item!;
    expect(raw.to).toBeUndefined();
    expect(raw.variables?.M?.firstname).toEqual({ S: 'Ada' });
    expect(raw.attempts?.L?.[0]?.M?.outcome).toEqual({ S: 'no-answer' });
    expect(raw.attempts?.L?.[0]?.M?.durationSeconds).toEqual({ N: '0' });
    expect(raw.settings?.M?.gapHours).toEqual({ L: [] });
    expect(raw.history?.L?.[0]?.M?.status).toEqual({ S: 'scheduled' });
    expect(raw.version).toEqual({ N: '1' });
    // Index partitions are sharded by the call id, the same shard in every index.
    const shard = callShard('call_rt');
    expect(shard).toBeGreaterThanOrEqual(0);
    expect(shard).toBeLessThan(CALL_SHARDS);
    expect(raw).toMatchObject({
      gsi1pk: { S: `AGENT#agt_1#${shard}` },
      gsi1sk: { S: `${minute(0)}#call_rt` },
      gsi2pk: { S: `STATUS#scheduled#${shard}` },
      gsi2sk: { S: `${minute(120)}#call_rt` },
    }); // a scheduled call sorts by its pending attempt
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

    // A stale writer (decided on version 1) and one that skips a version both lose.
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

  it('reads the stored calls among many ids, across more than one batch of 100', async () => {
    const s = await freshStore();
    const stored = Array.from({ length: 130 }, (_, i) => `call_batch_${i}`).filter((_, i) => i % 3 === 0);
    for (const id of stored) await s.createCall(call(id));
    const asked = [...Array.from({ length: 260 }, (_, i) => `call_batch_${i}`), 'call_batch_0'];
    const before = s.operations.reads;
    const found = await s.getCalls(asked);
    expect([...found.keys()].sort()).toEqual([...stored].sort());
    expect(found.get('call_batch_3')).toEqual(call('call_batch_3'));
    expect(s.operations.reads - before).toBe(3);
    expect((await s.getCalls([])).size).toBe(0);
  });
});

describe('call listings', () => {
  const STATUSES: CallStatus[] = ['scheduled', 'dialing', 'completed', 'failed', 'skipped', 'cancelled'];
  let s: DynamoStore;
  /** id -> record, for computing what each listing should return. */
  const written: CallRecord[] = [];

  beforeAll(async () => {
    const table = await freshTable();
    s = table.store;
    // Agent A: 23 calls over every status; agent B: 130 calls, few of them completed, so a
    // filtered page has to read past DynamoDB's Limit more than once.
    for (let i = 0; i < 23; i++) {
      written.push(
        call(`call_a_${String(i).padStart(3, '0')}`, {
          agentId: 'agt_A',
          status: STATUSES[i % 6]!,
          createdAt: minute(i),
          updatedAt: minute(1000 - 7 * i),
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
    // Not calls, but in the same table and the same indexes' attribute names.
    await s.putAgent(agent('agt_A'));
    await client.send(
      new PutItemCommand({
        TableName: table.name,
        Item: { pk: { S: 'SCHEDULE#x' }, sk: { S: 'SCHEDULE' }, gsi2pk: { S: 'SCHEDULES' }, gsi2sk: { S: `${minute(0)}#x` } },
      }),
    );
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
    const expected = newestCreated(written.filter((c) => c.agentId === agentId && c.status === status));
    expect(ids).toEqual(expected);
  });

  it('fills a filtered page although the matches are more than one DynamoDB read apart', async () => {
    const page = await s.listCalls({ agentId: 'agt_B', status: 'completed', limit: 4 });
    expect(page.items.map((c) => c.id)).toEqual(['call_b_125', 'call_b_085', 'call_b_045', 'call_b_005']);
  });

  it('pages through all calls (and nothing else in the table) once each, in the same order whatever the page size', async () => {
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
    /** What the dialer does meanwhile: every call not yet moved gets a new status and updatedAt. */
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
    // failed calls of agent B have updatedAt = minute(3i); minute(30) excludes i = 10 itself.
    const stale = await s.listStaleCalls('failed', minute(30), 100);
    const expected = written
      .filter((c) => c.status === 'failed' && c.updatedAt < minute(30))
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    expect(stale.map((c) => c.id)).toEqual(expected.map((c) => c.id));
    expect(stale.length).toBe(9); // i = 0..9 without i = 5 (completed), plus none of agent A's (updated later)
    expect((await s.listStaleCalls('failed', minute(30), 3)).map((c) => c.id)).toEqual(expected.slice(0, 3).map((c) => c.id));
    expect(await s.listStaleCalls('dialing', minute(0), 10)).toEqual([]);
  });

  it('lists scheduled calls by when their pending attempt is due, not by their last update', async () => {
    const s = createDynamoStore(client, tableName);
    await s.createCall(
      call('call_due_late', { agentId: 'agt_due', updatedAt: minute(0), attempts: [{ number: 1, scheduledAt: minute(600) }] }),
    );
    await s.createCall(
      call('call_due_soon', { agentId: 'agt_due', updatedAt: minute(5), attempts: [{ number: 1, scheduledAt: minute(10) }] }),
    );
    const due = await s.listStaleCalls('scheduled', minute(60), 100);
    expect(due.map((c) => c.id)).toContain('call_due_soon');
    expect(due.map((c) => c.id)).not.toContain('call_due_late');
  });
});

describe('operation counters', () => {
  it('count reads, writes and queries as the store sends them', async () => {
    const s = await freshStore();
    expect(s.operations).toEqual({ reads: 0, writes: 0, queries: 0 });
    await s.createCall(call('call_ops'));
    await s.createCall(call('call_ops'));
    await s.getCall('call_ops');
    await s.updateCall(call('call_ops', { version: 2 }));
    await s.listCalls({ agentId: 'agt_1', limit: 10 });
    // One query per shard of the agent's partition, one batch read of the records found.
    expect(s.operations).toEqual({ reads: 2, writes: 3, queries: CALL_SHARDS });
    await s.listCalls({ limit: 10 });
    expect(s.operations).toEqual({ reads: 2, writes: 3, queries: CALL_SHARDS + 1 });
    const snapshot = s.operations;
    await s.getCall('call_ops');
    expect(snapshot.reads).toBe(2);
    expect(s.operations.reads).toBe(3);
  });
});
