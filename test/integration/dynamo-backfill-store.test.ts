// The DynamoDB store's backfill jobs against dynalite: conditional create, read back,
// and the version-conditional advance that keeps a page's counts from landing twice.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoStore, type DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { newBackfillJob, recordPage, splitCurrentRange, type BackfillJob } from '../../functions/core/backfill';
import { startTestTable } from '../support/dynamo';

let client: DynamoDBClient;
let stopDynamo: () => Promise<void>;
let store: DynamoStore;

beforeAll(async () => {
  const t = await startTestTable();
  client = t.client;
  stopDynamo = () => t.dynamo.stop();
  store = createDynamoStore(client, t.tableName);
});
afterAll(async () => {
  client.destroy();
  await stopDynamo();
});

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

  // The last page of the last range: `after` is dropped and the job is done.
  const last = recordPage(first, NOW, { total: 250, results: [] }, { accepted: 0, duplicates: 0, rejected: 0 });
  expect(await store.updateBackfillJob(last)).toBe(true);
  const read = await store.getBackfillJob('bf_two');
  expect(read).toMatchObject({ status: 'done', ranges: [], page: 2 });
  expect(read).not.toHaveProperty('after');
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
