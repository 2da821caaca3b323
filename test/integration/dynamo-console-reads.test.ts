import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import type { CallRecord } from '../../functions/core/model';
import { ensureTable } from '../../local/dynalite';
import { startTestTable } from '../support/dynamo';

// The Store reads the console relies on, against dynalite: API key list and revoke, and
// the call search (from / to / q) under every listing (scan, by agent, by status).
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
async function fresh() {
  const name = `console-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, name);
  return createDynamoStore(client, name);
}
const day = (d: number) => new Date(Date.UTC(2026, 5, d, 12)).toISOString();
function call(id: string, created: string, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    workspaceId: 'default',
    agentId: 'agt_1',
    portalId: '1',
    contactId: id.replace('call_', ''),
    to: `+1415555${id.replace(/\D/g, '').padStart(4, '0')}`,
    variables: {},
    status: 'completed',
    reason: 'attempt 1: connected',
    settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
    timezone: 'UTC',
    attempts: [],
    history: [],
    createdAt: created,
    updatedAt: created,
    version: 1,
    ...over,
  };
}

it('lists a workspace API keys and revokes one by id', async () => {
  const store = await fresh();
  await store.putApiKey({ id: 'key_a', workspaceId: 'default', name: 'a', keyHash: 'h1', createdAt: day(1) });
  await store.putApiKey({ id: 'key_b', workspaceId: 'default', name: 'b', keyHash: 'h2', createdAt: day(2) });
  await store.putApiKey({ id: 'key_c', workspaceId: 'other', name: 'c', keyHash: 'h3', createdAt: day(2) });
  expect((await store.listApiKeys('default')).map((k) => k.id)).toEqual(['key_a', 'key_b']);
  expect(await store.deleteApiKey('default', 'key_a')).toBe(true);
  expect(await store.getApiKeyByHash('h1')).toBeUndefined();
  expect(await store.deleteApiKey('default', 'key_a')).toBe(false);
  expect(await store.deleteApiKey('default', 'key_c')).toBe(false);
  expect((await store.listApiKeys('default')).map((k) => k.id)).toEqual(['key_b']);
});

it('finds calls by creation range and by contact id or number, in every listing', async () => {
  const store = await fresh();
  for (let i = 1; i <= 9; i++) await store.createCall(call(`call_${i}`, day(i), { status: i % 2 ? 'completed' : 'failed' }));
  const ids = async (q: Parameters<typeof store.listCalls>[0]) => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listCalls({ ...q, cursor });
      out.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    return out.sort();
  };
  expect(await ids({ limit: 2, from: day(3), to: day(6) })).toEqual(['call_3', 'call_4', 'call_5']);
  expect(await ids({ limit: 2, agentId: 'agt_1', from: day(8) })).toEqual(['call_8', 'call_9']);
  expect(await ids({ limit: 2, status: 'failed', to: day(5) })).toEqual(['call_2', 'call_4']);
  expect(await ids({ limit: 5, q: '7' })).toEqual(['call_7']);
  expect(await ids({ limit: 5, q: '+14155550004', agentId: 'agt_1' })).toEqual(['call_4']);
  expect(await ids({ limit: 5, q: 'nobody' })).toEqual([]);
  // A cursor belongs to its search.
  const first = await store.listCalls({ limit: 1, from: day(1) });
  await expect(store.listCalls({ limit: 1, from: day(2), cursor: first.nextCursor })).rejects.toThrow();
});
