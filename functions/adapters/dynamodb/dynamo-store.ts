import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import type { BackfillJob } from '../../core/backfill';
import { InvalidCursorError } from '../../core/errors';
import type { Agent, ApiKeyRecord, CallRecord, ContactTombstone, DoNotCallEntry, HubSpotConnection } from '../../core/model';
import type { PacingState } from '../../core/model';
import type { Store } from '../../core/ports';
import { isConditionFailure, type Item } from './dynamo-codec';
import { listCalls, listStaleCalls, type Readers } from './dynamo-call-listing';
import { encodeCursor, decodeCursor } from '../../core/page-cursor';
import {
  AGENTS_BY_WORKSPACE,
  agentItem,
  agentsPartition,
  apiKeyItem,
  backfillItem,
  callIdOfKey,
  callItem,
  callOf,
  CALLS_BY_CONTACT,
  contactCallsPartition,
  doNotCallItem,
  doNotCallPartition,
  hubspotItem,
  keys,
  pacingItem,
  recordOf,
  serviceValueItem,
  tombstoneItem,
} from './dynamo-items';

// The Store port over the single table (layout in dynamo-items.ts). Writes that must not
// overwrite or must not race are conditional puts; there are no transactions, so each
// operation touches one item (dynalite, the local DynamoDB, has no transactions either).

export interface OperationCounts {
  reads: number;
  writes: number;
  queries: number;
}

export type DynamoStore = Store & { readonly operations: Readonly<OperationCounts> };

/** BatchGetItem takes at most 100 keys per request. */
const BATCH_GET_SIZE = 100;
const UNPROCESSED_RETRIES = 5;

interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, AttributeValue>;
}
const ABSENT: Condition = { expression: 'attribute_not_exists(pk)' };
const PRESENT: Condition = { expression: 'attribute_exists(pk)' };

export function createDynamoStore(client: DynamoDBClient, tableName: string): DynamoStore {
  const operations: OperationCounts = { reads: 0, writes: 0, queries: 0 };
  const TableName = tableName;

  async function get(Key: Item): Promise<Item | undefined> {
    operations.reads += 1;
    // Strongly consistent: a record read right after an admin write, or read to decide a
    // versioned update, must be the stored one.
    const res = await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    return res.Item;
  }

  /** false when `condition` did not hold (nothing was written). */
  async function put(item: Item, condition?: Condition): Promise<boolean> {
    operations.writes += 1;
    try {
      await client.send(
        new PutItemCommand({
          TableName,
          Item: item,
          ConditionExpression: condition?.expression,
          ExpressionAttributeNames: condition?.names,
          ExpressionAttributeValues: condition?.values,
        }),
      );
      return true;
    } catch (err) {
      if (condition !== undefined && isConditionFailure(err)) return false;
      throw err;
    }
  }

  // Scans count as queries: both read many items per request.
  const readers: Readers = {
    calls: (ids) => getCalls(ids),
    query: async (input) => {
      operations.queries += 1;
      return client.send(new QueryCommand({ TableName, ...input }));
    },
    scan: async (input) => {
      operations.queries += 1;
      return client.send(new ScanCommand({ TableName, ...input }));
    },
  };

  async function batchGetCalls(ids: string[]): Promise<Item[]> {
    return batchGet(ids.map((id) => keys.call(id)));
  }

  /** Up to 100 keys per request, unprocessed ones retried. */
  async function batchGet(Keys: Item[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let i = 0; i < Keys.length; i += BATCH_GET_SIZE) found.push(...(await batchGetPage(Keys.slice(i, i + BATCH_GET_SIZE))));
    return found;
  }

  async function batchGetPage(Keys: Item[]): Promise<Item[]> {
    const found: Item[] = [];
    if (Keys.length === 0) return found;
    let request: Record<string, KeysAndAttributes> | undefined = { [tableName]: { Keys } };
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round > UNPROCESSED_RETRIES) throw new Error(`DynamoDB left keys unprocessed after ${UNPROCESSED_RETRIES} retries`);
      if (round > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      operations.reads += 1;
      const res: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: request }));
      found.push(...(res.Responses?.[tableName] ?? []));
      request = res.UnprocessedKeys;
    }
    return found;
  }

  async function getCalls(ids: string[]): Promise<Map<string, CallRecord>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, CallRecord>();
    for (let i = 0; i < unique.length; i += BATCH_GET_SIZE) {
      for (const item of await batchGetCalls(unique.slice(i, i + BATCH_GET_SIZE))) {
        const call = callOf(item);
        found.set(call.id, call);
      }
    }
    return found;
  }

  return {
    /** A snapshot, so a benchmark can take one before and one after and subtract. */
    get operations(): Readonly<OperationCounts> {
      return { ...operations };
    },

    async putApiKey(key: ApiKeyRecord) {
      if (!(await put(apiKeyItem(key), ABSENT))) throw new Error(`an API key with this hash is already stored (id ${key.id})`);
    },

    async getApiKeyByHash(keyHash: string) {
      const item = await get(keys.apiKey(keyHash));
      return item && recordOf<ApiKeyRecord>(item);
    },

    async listApiKeys(workspaceId: string) {
      // Keys are few and live under their hash: one filtered scan.
      const found: ApiKeyRecord[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const res = await readers.scan({
          FilterExpression: 'begins_with(#pk, :keys) AND #ws = :ws',
          ExpressionAttributeNames: { '#pk': 'pk', '#ws': 'workspaceId' },
          ExpressionAttributeValues: { ':keys': { S: 'APIKEY#' }, ':ws': { S: workspaceId } },
          ExclusiveStartKey,
        });
        found.push(...(res.Items ?? []).map((item) => recordOf<ApiKeyRecord>(item)));
        ExclusiveStartKey = res.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async deleteApiKey(workspaceId: string, id: string) {
      const key = (await this.listApiKeys(workspaceId)).find((k) => k.id === id);
      if (!key) return false;
      operations.writes += 1;
      try {
        await client.send(new DeleteItemCommand({ TableName, Key: keys.apiKey(key.keyHash), ConditionExpression: PRESENT.expression }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async putAgent(agent: Agent, opts?: { mustExist?: boolean }) {
      return put(agentItem(agent), opts?.mustExist ? PRESENT : undefined);
    },

    async getAgent(id: string) {
      const item = await get(keys.agent(id));
      return item && recordOf<Agent>(item);
    },

    async deleteAgent(id: string) {
      operations.writes += 1;
      try {
        await client.send(new DeleteItemCommand({ TableName, Key: keys.agent(id), ConditionExpression: PRESENT.expression }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async listAgents(workspaceId: string) {
      // The index holds keys only: its order, then the records from the table.
      const found: Item[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const res = await readers.query({
          IndexName: AGENTS_BY_WORKSPACE.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': AGENTS_BY_WORKSPACE.pk },
          ExpressionAttributeValues: { ':pk': { S: agentsPartition(workspaceId) } },
          ExclusiveStartKey,
        });
        found.push(...(res.Items ?? []));
        ExclusiveStartKey = res.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      const byPk = new Map<string, Agent>();
      for (const item of await batchGet(found.map((k) => ({ pk: k.pk as AttributeValue, sk: k.sk as AttributeValue }))))
        byPk.set(item.pk?.S ?? '', recordOf<Agent>(item));
      return found.map((k) => byPk.get(k.pk?.S ?? '')).filter((a): a is Agent => a !== undefined);
    },

    async putHubSpotConnection(connection: HubSpotConnection) {
      await put(hubspotItem(connection));
    },

    async getHubSpotConnection(workspaceId: string) {
      const item = await get(keys.hubspot(workspaceId));
      return item && recordOf<HubSpotConnection>(item);
    },

    async createCall(call: CallRecord) {
      return (await put(callItem(call), ABSENT)) ? 'created' : 'exists';
    },

    async getCall(id: string) {
      const item = await get(keys.call(id));
      return item && callOf(item);
    },

    getCalls,

    async updateCall(call: CallRecord) {
      // A full replace (the index keys follow the new status and updatedAt), but only
      // over the version this change was decided on.
      return put(callItem(call), {
        expression: '#version = :previous',
        names: { '#version': 'version' },
        values: { ':previous': { N: String(call.version - 1) } },
      });
    },

    async listCallsForContact(workspaceId: string, portalId: string, contactId: string) {
      const ids: string[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const res = await readers
          .query({
            IndexName: CALLS_BY_CONTACT.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': CALLS_BY_CONTACT.pk },
            ExpressionAttributeValues: { ':pk': { S: contactCallsPartition(workspaceId, portalId, contactId) } },
            ExclusiveStartKey,
          })
          .catch((err: Error) => {
            // A table made before gsi3 existed (an old local data folder): the caller's
            // derived call ids still find the calls of the workspace's agents.
            if (err.name === 'ValidationException' && /index/i.test(err.message)) return { Items: [], LastEvaluatedKey: undefined };
            throw err;
          });
        for (const item of res.Items ?? []) {
          const id = callIdOfKey(item);
          if (id !== undefined) ids.push(id);
        }
        ExclusiveStartKey = res.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      // The index holds keys only (and is eventually consistent): the records come from the table.
      const fresh = await getCalls(ids);
      return [...fresh.values()];
    },

    async putContactTombstone(tombstone: ContactTombstone) {
      // A privacy deletion wins over an ordinary one, whatever order they arrive in.
      const condition: Condition | undefined =
        tombstone.kind === 'deleted'
          ? {
              expression: 'attribute_not_exists(pk) OR #kind <> :erased',
              names: { '#kind': 'kind' },
              values: { ':erased': { S: 'erased' } },
            }
          : undefined;
      await put(tombstoneItem(tombstone), condition);
    },

    async getContactTombstones(workspaceId: string, portalId: string, contactIds: string[]) {
      const found = new Map<string, ContactTombstone>();
      const unique = [...new Set(contactIds)];
      for (const item of await batchGet(unique.map((id) => keys.tombstone(workspaceId, portalId, id)))) {
        const tombstone = recordOf<ContactTombstone>(item);
        found.set(tombstone.contactId, tombstone);
      }
      return found;
    },

    async addDoNotCall(workspaceId: string, entries: DoNotCallEntry[]) {
      let added = 0;
      const unique = new Map(entries.map((e) => [e.number, e]));
      for (const entry of unique.values()) if (await put(doNotCallItem(workspaceId, entry), ABSENT)) added += 1;
      return added;
    },

    async listDoNotCall(workspaceId: string, query: { limit: number; cursor?: string }) {
      const signature = `dnc:${workspaceId}`;
      let start: Item | undefined;
      if (query.cursor !== undefined) {
        const position = decodeCursor(query.cursor, signature);
        if (typeof position !== 'string' || position.length > 64) throw new InvalidCursorError('not readable');
        start = keys.doNotCall(workspaceId, position);
      }
      const res = await readers.query({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: doNotCallPartition(workspaceId) } },
        Limit: query.limit,
        ExclusiveStartKey: start,
      });
      const items = (res.Items ?? []).map((item) => recordOf<DoNotCallEntry>(item));
      const last = res.LastEvaluatedKey?.sk?.S;
      return { items, ...(last !== undefined ? { nextCursor: encodeCursor(signature, last) } : {}) };
    },

    async removeDoNotCall(workspaceId: string, number: string) {
      operations.writes += 1;
      try {
        await client.send(
          new DeleteItemCommand({ TableName, Key: keys.doNotCall(workspaceId, number), ConditionExpression: PRESENT.expression }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async getDoNotCall(workspaceId: string, numbers: string[]) {
      const found = new Map<string, DoNotCallEntry>();
      const unique = [...new Set(numbers)];
      for (const item of await batchGet(unique.map((n) => keys.doNotCall(workspaceId, n)))) {
        const entry = recordOf<DoNotCallEntry>(item);
        found.set(entry.number, entry);
      }
      return found;
    },

    listCalls: (query) => listCalls(readers, query),
    listStaleCalls: (status, before, limit) => listStaleCalls(readers, status, before, limit),

    createBackfillJob: (job: BackfillJob) => put(backfillItem(job), ABSENT),

    async getBackfillJob(id: string) {
      const item = await get(keys.backfill(id));
      return item && recordOf<BackfillJob>(item);
    },

    // Two deliveries of one page task race here: only the first advance (and its counts) lands.
    updateBackfillJob: (job: BackfillJob) =>
      put(backfillItem(job), {
        expression: '#version = :previous',
        names: { '#version': 'version' },
        values: { ':previous': { N: String(job.version - 1) } },
      }),

    async getPacing(agentId: string) {
      const item = await get(keys.pacing(agentId));
      return item && recordOf<PacingState>(item);
    },

    async putPacing(state: PacingState) {
      return put(
        pacingItem(state),
        state.version <= 1
          ? ABSENT
          : {
              expression: '#version = :previous',
              names: { '#version': 'version' },
              values: { ':previous': { N: String(state.version - 1) } },
            },
      );
    },

    async ensureServiceValue(name: string, candidate: string) {
      if (await put(serviceValueItem(name, candidate), ABSENT)) return candidate;
      const stored = (await get(keys.serviceValue(name)))?.value?.S;
      if (stored === undefined) throw new Error(`service value ${name} is neither writable nor readable`);
      return stored;
    },
  };
}
