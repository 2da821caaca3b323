import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { ensureTable, localDynamoClient, startDynalite, type LocalDynamo } from '../../local/dynalite';

/** A real DynamoDB API (dynalite, in memory) with a fresh table, for one test file. */
export async function startTestTable(): Promise<{ dynamo: LocalDynamo; client: DynamoDBClient; tableName: string }> {
  const dynamo = await startDynalite();
  const client = localDynamoClient(dynamo.endpoint);
  const tableName = `hubdial-test-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return { dynamo, client, tableName };
}
