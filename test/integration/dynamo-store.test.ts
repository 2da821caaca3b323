import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { createDynamoStore, type DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { CALL_SHARDS, callShard } from '../../functions/adapters/dynamodb/dynamo-items';
import type { CallRecord } from '../../functions/core/model';
import { ensureTable } from '../../local/dynalite';
import { startTestTable } from '../support/dynamo';

// What only the DynamoDB store does, against dynalite: the item shapes it writes and the
// requests it sends. What every Store adapter does is test/integration/contracts/store.contract.ts.

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
