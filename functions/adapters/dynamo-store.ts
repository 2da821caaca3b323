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
import type { Agent, ApiKeyRecord, CallRecord, HubSpotConnection } from '../core/model';
import type { Store } from '../core/ports';
import type { Item } from './dynamo-codec';
import { listCalls, listStaleCalls, type Readers } from './dynamo-call-listing';
import { AGENTS_BY_WORKSPACE, agentItem, agentsPartition, apiKeyItem, callItem, hubspotItem, keys, recordOf } from './dynamo-items';

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

function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

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
    const found: Item[] = [];
    let request: Record<string, KeysAndAttributes> | undefined = {
      [tableName]: { Keys: ids.map((id) => keys.call(id)) },
    };
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
      const agents: Agent[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const res = await readers.query({
          IndexName: AGENTS_BY_WORKSPACE.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': AGENTS_BY_WORKSPACE.pk },
          ExpressionAttributeValues: { ':pk': { S: agentsPartition(workspaceId) } },
          ExclusiveStartKey,
        });
        agents.push(...(res.Items ?? []).map((item) => recordOf<Agent>(item)));
        ExclusiveStartKey = res.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return agents;
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
      return item && recordOf<CallRecord>(item);
    },

    async getCalls(ids: string[]) {
      const unique = [...new Set(ids)];
      const found = new Map<string, CallRecord>();
      for (let i = 0; i < unique.length; i += BATCH_GET_SIZE) {
        for (const item of await batchGetCalls(unique.slice(i, i + BATCH_GET_SIZE))) {
          const call = recordOf<CallRecord>(item);
          found.set(call.id, call);
        }
      }
      return found;
    },

    async updateCall(call: CallRecord) {
      // A full replace (the index keys follow the new status and updatedAt), but only
      // over the version this change was decided on.
      return put(callItem(call), {
        expression: '#version = :previous',
        names: { '#version': 'version' },
        values: { ':previous': { N: String(call.version - 1) } },
      });
    },

    listCalls: (query) => listCalls(readers, query),
    listStaleCalls: (status, before, limit) => listStaleCalls(readers.query, status, before, limit),
  };
}
