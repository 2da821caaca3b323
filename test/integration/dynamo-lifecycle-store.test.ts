// The Store methods for contact lifecycle and do-not-call, on a real DynamoDB API (dynalite).
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
  it("lists a contact's calls across agents, and only that contact's in that workspace and portal", async () => {
    await store.createCall(call('lc_a'));
    await store.createCall(call('lc_b', { agentId: 'agt_2', status: 'scheduled' }));
    await store.createCall(call('lc_c', { contactId: '78' }));
    await store.createCall(call('lc_d', { portalId: '999' }));
    await store.createCall(call('lc_e', { workspaceId: 'other' }));
    const found = await store.listCallsForContact('default', '123', '77');
    expect(found.map((c) => c.id).sort()).toEqual(['lc_a', 'lc_b']);
    expect(await store.listCallsForContact('default', '123', '1')).toEqual([]);
  });

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
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'TOMBSTONE#default#123#90' }, sk: { S: 'TOMBSTONE' } } }),
    );
    expect(Number(raw.Item?.expiresAt?.N)).toBe(Date.parse(AT) / 1000 + 30 * 86_400);
  });
});

describe('DynamoDB store: do-not-call', () => {
  it('adds new numbers only, lists them in pages in number order, finds and removes them per workspace', async () => {
    const entries = ['+14155550003', '+14155550001', '+14155550002'].map((number) => ({ number, addedAt: AT }));
    expect(await store.addDoNotCall('dnc-ws', entries)).toBe(3);
    expect(await store.addDoNotCall('dnc-ws', [{ number: '+14155550001', addedAt: '2030-01-01T00:00:00.000Z', reason: 'x' }])).toBe(0);
    const first = await store.listDoNotCall('dnc-ws', { limit: 2 });
    expect(first.items).toEqual([
      { number: '+14155550001', addedAt: AT },
      { number: '+14155550002', addedAt: AT },
    ]);
    const second = await store.listDoNotCall('dnc-ws', { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((e) => e.number)).toEqual(['+14155550003']);
    await expect(store.listDoNotCall('dnc-ws', { limit: 2, cursor: 'bad!' })).rejects.toThrow();
    expect([...(await store.getDoNotCall('dnc-ws', ['+14155550002', '+14155559999'])).keys()]).toEqual(['+14155550002']);
    expect((await store.getDoNotCall('other-ws', ['+14155550002'])).size).toBe(0);
    expect(await store.removeDoNotCall('dnc-ws', '+14155550002')).toBe(true);
    expect(await store.removeDoNotCall('dnc-ws', '+14155550002')).toBe(false);
    expect((await store.listDoNotCall('dnc-ws', { limit: 10 })).items.map((e) => e.number)).toEqual(['+14155550001', '+14155550003']);
  });

  it('checks 250 numbers in batches of 100 keys', async () => {
    const many = Array.from({ length: 250 }, (_, i) => `+1415556${String(i).padStart(4, '0')}`);
    await store.addDoNotCall(
      'dnc-many',
      many.slice(0, 120).map((number) => ({ number, addedAt: AT })),
    );
    expect((await store.getDoNotCall('dnc-many', many)).size).toBe(120);
  });
});
