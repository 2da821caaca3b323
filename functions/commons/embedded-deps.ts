// The embedded wiring (`npm start`, tests, bench): builds the adapters chooseAdapters
// picks for embedded use. Kept out of deps.ts so the Lambda bundles carry no SQLite code
// and no table-backed scheduler (test/unit/architecture.test.ts checks they never reach it).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAttemptDispatcher } from '../adapters/attempt-dispatcher';
import { createDynamoStore } from '../adapters/dynamodb/dynamo-store';
import { ensureTable } from '../adapters/dynamodb/ensure-table';
import { createLocalScheduler } from '../adapters/dynamodb/local-scheduler';
import { type Database, openDatabase } from '../adapters/sqlite/database';
import { createSqliteDialQueue, type SqliteDialQueue } from '../adapters/sqlite/sqlite-dial-queue';
import { createSqliteScheduler } from '../adapters/sqlite/sqlite-scheduler';
import { createSqliteStore } from '../adapters/sqlite/sqlite-store';
import { ensureQueue } from '../adapters/sqs/ensure-queue';
import { createSqsDialQueue } from '../adapters/sqs/sqs-dial-queue';
import type { DialQueue, HubSpotApiFactory, Store } from '../core/ports';
import { type AdapterChoice, type AppDeps, appDeps, chooseAdapters } from './deps';

/** The embedded stack's one data file, in HUBDIAL_DATA_DIR. */
export const SQLITE_FILE = 'hubdial.sqlite';

export interface EmbeddedOptions {
  /** Where the SQLite file lives; undefined = in memory (tests). */
  dataDir?: string;
  /** DYNAMODB_ENDPOINT: the DynamoDB store (and table-backed scheduler) against that API. */
  dynamodbEndpoint?: string;
  /** SQS_ENDPOINT: the SQS dial queue against that API. */
  sqsEndpoint?: string;
  tableName?: string;
  queueName?: string;
  hubspotBaseUrl?: string;
  hubspotFor?: HubSpotApiFactory;
  publicBaseUrl?: string;
  now?: () => Date;
  schedulerPollMs?: number;
}

/** Where the dial queue is, for whatever feeds the dial handler from it. */
export type DialQueueSource = { kind: 'sqlite'; queue: SqliteDialQueue } | { kind: 'sqs'; client: SQSClient; queueUrl: string };

export interface EmbeddedWiring {
  choice: AdapterChoice;
  deps: AppDeps;
  dialQueue: DialQueueSource;
  /** The scheduler's timer (fires due schedules into the dial queue). */
  scheduler: { start(): void; stop(): Promise<void> };
  /** The DynamoDB client and table, when the store is DynamoDB (the bench counts its operations). */
  dynamo?: { client: DynamoDBClient; tableName: string };
  /** The SQLite file's path, when one is used (undefined: in memory, or not SQLite at all). */
  sqlitePath?: string;
  close(): Promise<void>;
}

export async function composeEmbedded(opts: EmbeddedOptions): Promise<EmbeddedWiring> {
  const choice = chooseAdapters('embedded', { DYNAMODB_ENDPOINT: opts.dynamodbEndpoint, SQS_ENDPOINT: opts.sqsEndpoint });
  const closes: (() => unknown)[] = [];
  const close = async () => {
    for (const c of closes.reverse()) await Promise.resolve(c()).catch(() => undefined);
    closes.length = 0;
  };
  try {
    const now = opts.now ?? (() => new Date());
    const sqlitePath = opts.dataDir ? join(opts.dataDir, SQLITE_FILE) : undefined;
    let database: Database | undefined;
    const sqlite = () => {
      if (!database) {
        if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
        const opened = openDatabase(sqlitePath ?? ':memory:');
        closes.push(() => opened.close());
        database = opened;
      }
      return database;
    };
    // DynamoDB Local, dynalite, fauxqs and LocalStack take any credentials (DynamoDB Local
    // keeps one database per key and region: these stay as they always were); a real
    // region takes the ones in the environment.
    const real = Boolean(process.env.AWS_ACCESS_KEY_ID);
    const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    const local = { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const dynamoConfig = real ? { region: region || 'us-east-1' } : { ...local, region: 'local' };
    const sqsConfig = real ? { region: region || 'us-east-1' } : { ...local, region: 'us-east-1' };

    let dynamo: { client: DynamoDBClient; tableName: string } | undefined;
    let store: Store;
    if (choice.store === 'dynamodb') {
      const client = new DynamoDBClient({ endpoint: opts.dynamodbEndpoint, ...dynamoConfig });
      closes.push(() => client.destroy());
      const tableName = opts.tableName ?? 'hubdial';
      await ensureTable(client, tableName);
      dynamo = { client, tableName };
      store = createDynamoStore(client, tableName);
    } else {
      store = createSqliteStore(sqlite());
    }

    let queue: DialQueue;
    let dialQueue: DialQueueSource;
    if (choice.queue === 'sqs') {
      const client = new SQSClient({ endpoint: opts.sqsEndpoint, ...sqsConfig });
      closes.push(() => client.destroy());
      const queueUrl = await ensureQueue(client, opts.queueName ?? 'hubdial-dial');
      queue = createSqsDialQueue(client, queueUrl);
      dialQueue = { kind: 'sqs', client, queueUrl };
    } else {
      const sqliteQueue = createSqliteDialQueue(sqlite());
      queue = sqliteQueue;
      dialQueue = { kind: 'sqlite', queue: sqliteQueue };
    }

    const scheduler =
      choice.scheduler === 'dynamodb-table' && dynamo
        ? createLocalScheduler({ client: dynamo.client, tableName: dynamo.tableName, queue, now, pollMs: opts.schedulerPollMs })
        : createSqliteScheduler({ database: sqlite(), queue, now, pollMs: opts.schedulerPollMs });
    // Stopped before the file and clients it uses are closed (closes run in reverse).
    closes.push(() => scheduler.stop());

    const deps = appDeps(
      { store, dispatcher: createAttemptDispatcher(queue, scheduler) },
      { hubspotBaseUrl: opts.hubspotBaseUrl, hubspotFor: opts.hubspotFor, publicBaseUrl: opts.publicBaseUrl, now },
    );
    return { choice, deps, dialQueue, scheduler, dynamo, sqlitePath: database ? sqlitePath : undefined, close };
  } catch (err) {
    await close();
    throw err;
  }
}
