import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoStore, type DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { startTestTable } from '../support/dynamo';
import { pacingStoreContract } from '../support/pacing-store-contract';

// The DynamoDB store's pacing and service-value methods against dynalite.
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

pacingStoreContract('DynamoDB store', () => store);
