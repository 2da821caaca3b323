// The table layout for scale (functions/adapters/dynamodb/LAYOUT.md), against dynalite:
// one agent's or one status's calls spread over CALL_SHARDS index partitions, the index
// entries carry keys only, and the listings merge the shards back into one exact order.
import { GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDynamoStore, type DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { CALL_SHARDS, callShard, statusPartition } from '../../functions/adapters/dynamodb/dynamo-items';
import type { CallRecord, CallStatus } from '../../functions/core/model';
import type { CallQuery } from '../../functions/core/ports';
import { ensureTable } from '../../local/dynalite';
import { startTestTable } from '../support/dynamo';

let client: DynamoDBClient;
let stop: () => Promise<void>;
beforeAll(async () => {
  const t = await startTestTable();
  client = t.client;
  stop = () => t.dynamo.stop();
});
afterAll(async () => {
  client.destroy();
  await stop();
});

async function fresh(): Promise<{ store: DynamoStore; tableName: string }> {
  const tableName = `layout-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return { store: createDynamoStore(client, tableName), tableName };
}

const minute = (m: number) => new Date(Date.UTC(2026, 5, 1, 12, m)).toISOString();

function call(id: string, createdMinute: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    workspaceId: 'default',
    agentId: 'agt_1',
    portalId: '1',
    contactId: `c${id}`,
    to: '+14155550100',
    variables: {},
    status: 'completed',
    reason: 'attempt 1: connected',
    settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
    timezone: 'UTC',
    attempts: [],
    history: [],
    createdAt: minute(createdMinute),
    updatedAt: minute(createdMinute),
    version: 1,
    ...over,
  };
}

async function all(store: DynamoStore, query: Omit<CallQuery, 'cursor'>): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listCalls({ ...query, cursor });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    out.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const ids = Array.from({ length: 40 }, (_, i) => `call_${String(i).padStart(2, '0')}`);

it('spreads the calls of one agent and one status over every shard, the same shard per call', () => {
  const shards = new Set(ids.map(callShard));
  expect(shards.size).toBeGreaterThan(CALL_SHARDS / 2);
  // 16,000 ids: no shard takes more than 1.25 times its even share.
  const counts = new Array<number>(CALL_SHARDS).fill(0);
  for (let i = 0; i < 16_000; i++) {
    const shard = callShard(`call_${i.toString(16).padStart(26, '0')}`);
    counts[shard] = (counts[shard] ?? 0) + 1;
  }
  expect(Math.max(...counts)).toBeLessThan((16_000 / CALL_SHARDS) * 1.25);
});

it('lists by agent newest created first and by status most recently updated first, across shards, at every page size', async () => {
  const { store } = await fresh();
  // Created in one order, updated in another, so the two listings differ.
  for (const [i, id] of ids.entries()) await store.createCall(call(id, i, { updatedAt: minute(1000 - ((i * 7) % 40)) }));
  const byCreated = [...ids].reverse();
  const byUpdated = [...ids].sort((a, b) => ((ids.indexOf(a) * 7) % 40) - ((ids.indexOf(b) * 7) % 40));
  for (const limit of [1, 3, 7, 40, 100]) {
    expect(await all(store, { agentId: 'agt_1', limit })).toEqual(byCreated);
    expect(await all(store, { status: 'completed', limit })).toEqual(byUpdated);
  }
});

it('filters the merged listing on the stored record: agent and status, creation range, contact', async () => {
  const { store } = await fresh();
  const statusOf = (i: number): CallStatus => (i % 3 === 0 ? 'failed' : 'completed');
  for (const [i, id] of ids.entries()) await store.createCall(call(id, i, { status: statusOf(i) }));
  const failed = ids.filter((_, i) => statusOf(i) === 'failed').reverse();
  expect(await all(store, { agentId: 'agt_1', status: 'failed', limit: 4 })).toEqual(failed);
  expect(await all(store, { agentId: 'agt_1', from: minute(10), to: minute(20), limit: 3 })).toEqual(ids.slice(10, 20).reverse());
  expect(await all(store, { status: 'completed', q: 'ccall_05', limit: 2 })).toEqual(['call_05']);
  expect(await all(store, { agentId: 'agt_2', limit: 5 })).toEqual([]);
});

it('lists stale calls oldest first across shards, strictly before the cutoff, up to the limit', async () => {
  const { store } = await fresh();
  for (const [i, id] of ids.entries()) await store.createCall(call(id, 40 - i, { status: 'dialing' }));
  const oldestFirst = [...ids].reverse();
  expect((await store.listStaleCalls('dialing', minute(41), 100)).map((c) => c.id)).toEqual(oldestFirst);
  expect((await store.listStaleCalls('dialing', minute(11), 5)).map((c) => c.id)).toEqual(oldestFirst.slice(0, 5));
  expect((await store.listStaleCalls('dialing', minute(11), 100)).map((c) => c.id)).toEqual(oldestFirst.slice(0, 10));
  expect(await store.listStaleCalls('scheduled', minute(41), 100)).toEqual([]);
});

it('keeps index entries to their keys: no record attribute is copied into an index', async () => {
  const { store, tableName } = await fresh();
  const stored = call('call_keys', 1, { attempts: [{ number: 1, scheduledAt: minute(1), transcript: 'Agent: hello' }] });
  await store.createCall(stored);
  const res = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: statusPartition('completed', callShard('call_keys')) } },
    }),
  );
  expect(res.Items).toHaveLength(1);
  expect(Object.keys(res.Items?.[0] ?? {}).sort()).toEqual(['gsi2pk', 'gsi2sk', 'pk', 'sk']);
  // The listing still returns the whole record, read from the table.
  expect((await store.listCalls({ status: 'completed', limit: 5 })).items).toEqual([stored]);
});

it('stores a call id once, in the key, and reads it back from there (and from items that still carry it)', async () => {
  const { store, tableName } = await fresh();
  const stored = call('call_once', 1);
  await store.createCall(stored);
  const raw = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'CALL#call_once' }, sk: { S: 'CALL' } } }));
  expect(raw.Item?.id).toBeUndefined();
  expect(await store.getCall('call_once')).toEqual(stored);
  expect((await store.getCalls(['call_once'])).get('call_once')).toEqual(stored);
  expect((await store.listCalls({ limit: 5 })).items).toEqual([stored]);
  await client.send(new PutItemCommand({ TableName: tableName, Item: { ...raw.Item, pk: { S: 'CALL#call_old' }, id: { S: 'call_old' } } }));
  expect((await store.getCall('call_old'))?.id).toBe('call_old');
});
