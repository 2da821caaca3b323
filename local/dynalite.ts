import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';

// dynalite ships no types; this is the part of its API we use.
const dynalite = require('dynalite') as (opts: Record<string, unknown>) => import('node:http').Server;

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite in this process; `path` persists it (LevelDB), absent = in memory. */
export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A DynamoDB client for a local endpoint (credentials are required by the SDK, not checked). */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

export { ensureTable } from '../functions/adapters/dynamodb/ensure-table';
