// The DynamoDB store's own side of contact lifecycle, on dynalite: erasure rewrites the item,
// an old table without the contact index, tombstone expiry. The port's behaviour is in contracts/store.contract.ts.
import { CreateTableCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../functions/adapters/dynamodb/table-definition';
import { createDynamoStore, type DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { eraseForPrivacyDeletion } from '../../functions/core/contact-lifecycle';
import type { CallRecord } from '../../functions/core/model';
import { startTestTable } from '../support/dynamo';

let client: DynamoDBClient;
let tableName: string;
let stop: () => Promise<void>;
let store: DynamoStore;

beforeAll(async () => {
  const t = await startTestTable();
  ({ client, tableName } = t);
  stop = () => t.dynamo.stop();
  store = createDynamoStore(client, tableName);
});
afterAll(async () => {
  client.destroy();
  await stop();
});

const AT = '2026-06-10T12:00:00.000Z';

function call(id: string, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    workspaceId: 'default',
    agentId: 'agt_1',
    portalId: '123',
    contactId: '77',
    to: '+14155552671',
    variables: { firstname: 'Ada' },
    status: 'completed',
    reason: 'attempt 1: connected',
    settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
    timezone: 'America/New_York',
    attempts: [{ number: 1, scheduledAt: AT, startedAt: AT, endedAt: AT, outcome: 'completed', transcript: 'Agent: hello Ada' } as never],
    history: [{ at: AT, status: 'completed', reason: 'attempt 1: connected' }],
    createdAt: AT,
    updatedAt: AT,
    version: 1,
    ...over,
  };
}

describe('DynamoDB store: contact lifecycle', () => {
  it('an erasure overwrites the item: the number, variables and transcript are gone from the table', async () => {
    const stored = call('lc_erase', { contactId: '80' });
    await store.createCall(stored);
    const t = eraseForPrivacyDeletion(stored, new Date(AT));
    expect('call' in t).toBe(true);
    if (!('call' in t)) return;
    expect(await store.updateCall(t.call)).toBe(true);
    const raw = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'CALL#lc_erase' }, sk: { S: 'CALL' } } }));
    const text = JSON.stringify(raw.Item);
    for (const secret of ['+14155552671', 'Ada', 'hello']) expect(text).not.toContain(secret);
    expect(raw.Item?.status?.S).toBe('completed');
    expect(raw.Item?.erasedAt?.S).toBe(AT);
    // An erased finished call drops out of the stale-call ranges.
    expect((await store.listStaleCalls('completed', '9999', 100)).map((c) => c.id)).not.toContain('lc_erase');
    expect((await store.listCallsForContact('default', '123', '80')).map((c) => c.id)).toEqual(['lc_erase']);
  });

  it('on a table made before the contact index, finds nothing by contact instead of failing (derived ids still work)', async () => {
    const full = createTableInput('pre-gsi3');
    await client.send(new CreateTableCommand({ ...full, GlobalSecondaryIndexes: full.GlobalSecondaryIndexes.slice(0, 2) }));
    const old = createDynamoStore(client, 'pre-gsi3');
    await old.createCall(call('lc_old'));
    expect(await old.listCallsForContact('default', '123', '77')).toEqual([]);
    expect((await old.getCalls(['lc_old'])).size).toBe(1);
  });

  it('writes a tombstone with a time to live of 30 days', async () => {
    await store.putContactTombstone({ workspaceId: 'default', portalId: '123', contactId: '90', kind: 'erased', at: AT });
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'TOMBSTONE#default#123#90' }, sk: { S: 'TOMBSTONE' } } }),
    );
    expect(Number(raw.Item?.expiresAt?.N)).toBe(Date.parse(AT) / 1000 + 30 * 86_400);
  });
});
