// The embedded stack behind `npm start`: the same handlers and adapters as on AWS,
// with dynalite for DynamoDB, fauxqs for SQS, a table-backed scheduler, a poller in
// place of Lambda's SQS event source, and a small API Gateway stand-in.
import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAttemptDispatcher } from '../functions/adapters/attempt-dispatcher';
import { createDynamoStore } from '../functions/adapters/dynamodb/dynamo-store';
import { createHubSpotApi } from '../functions/adapters/hubspot/hubspot';
import { createLocalScheduler } from '../functions/adapters/dynamodb/local-scheduler';
import { createSqsDialQueue } from '../functions/adapters/sqs/sqs-dial-queue';
import { voiceProvider, voiceSettings } from '../functions/adapters/voice/registry';
import type { AppDeps } from '../functions/commons/deps';
import type { HubSpotApiFactory } from '../functions/core/ports';
import { createAdminHandler } from '../functions/handlers/admin';
import { createCallStatusHandler } from '../functions/handlers/call-status';
import { createDialHandler } from '../functions/handlers/dial';
import { createSweeper } from '../functions/handlers/sweeper';
import { createWebhookHandler } from '../functions/handlers/webhook';
import { ensureTable, localDynamoClient, startDynalite } from './dynalite';
import { ensureQueue, startFauxqs } from './fauxqs';
import { serveConsole } from './console-route';
import { startGateway } from './http-gateway';
import { createSqsPoller } from './sqs-poller';

export interface LocalStackOptions {
  port: number;
  adminPort: number;
  /** Where dynalite keeps its data; undefined = in memory (tests). */
  dataDir?: string;
  hubspotBaseUrl?: string;
  dynamodbEndpoint?: string;
  sqsEndpoint?: string;
  /** Base URL voice providers call back on; defaults to the public listener. */
  publicBaseUrl?: string;
  tableName?: string;
  queueName?: string;
  now?: () => Date;
  /** How long a dial job stays invisible after a failed attempt before SQS redelivers it. */
  visibilityTimeoutSeconds?: number;
  sweepEveryMs?: number;
  schedulerPollMs?: number;
  /** SQS batches of dial jobs handled at once, as Lambda's maxConcurrency (default 2). */
  pollerConcurrency?: number;
  /** Who reads HubSpot for a token; defaults to the real API at `hubspotBaseUrl` (benches and tests wrap it). */
  hubspotFor?: HubSpotApiFactory;
}

export interface LocalStack {
  publicUrl: string;
  adminUrl: string;
  deps: AppDeps;
  sweep: () => Promise<unknown>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const now = opts.now ?? (() => new Date());
    const tableName = opts.tableName ?? 'hubdial';

    let dynamoEndpoint = opts.dynamodbEndpoint;
    if (!dynamoEndpoint) {
      const path = opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined;
      if (path) mkdirSync(path, { recursive: true });
      const dynalite = await startDynalite({ path });
      stops.push(dynalite.stop);
      dynamoEndpoint = dynalite.endpoint;
    }
    const dynamo = localDynamoClient(dynamoEndpoint);
    stops.push(async () => dynamo.destroy());
    await ensureTable(dynamo, tableName);

    let sqsEndpoint = opts.sqsEndpoint;
    if (!sqsEndpoint) {
      const fauxqs = await startFauxqs({ dataDir: opts.dataDir ? join(opts.dataDir, 'sqs') : undefined });
      stops.push(fauxqs.stop);
      sqsEndpoint = fauxqs.endpoint;
    }
    const sqs = new SQSClient({
      endpoint: sqsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    stops.push(async () => sqs.destroy());
    const queueUrl = await ensureQueue(sqs, opts.queueName ?? 'hubdial-dial');

    const store = createDynamoStore(dynamo, tableName);
    const queue = createSqsDialQueue(sqs, queueUrl);
    const scheduler = createLocalScheduler({ client: dynamo, tableName, queue, now, pollMs: opts.schedulerPollMs });
    const deps: AppDeps = {
      store,
      dispatcher: createAttemptDispatcher(queue, scheduler),
      hubspotFor: opts.hubspotFor ?? ((token) => createHubSpotApi(token, { basePath: opts.hubspotBaseUrl })),
      voiceProvider,
      voiceSettings,
      publicBaseUrl: opts.publicBaseUrl ?? '',
      now,
    };

    const webhook = createWebhookHandler(deps);
    const callStatus = createCallStatusHandler(deps);
    const admin = createAdminHandler(deps);
    const health = async () => ({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) });

    const publicGateway = await startGateway({
      host: '0.0.0.0',
      port: opts.port,
      routes: [
        { method: 'POST', path: '/call/crm-webhook', handler: webhook },
        { method: 'POST', path: '/call/status/{provider}', handler: callStatus },
        { method: 'GET', path: '/health', handler: health },
      ],
    });
    stops.push(publicGateway.stop);
    const publicUrl = publicGateway.url.replace('0.0.0.0', '127.0.0.1');
    if (!opts.publicBaseUrl) deps.publicBaseUrl = publicUrl;

    // Admin routes listen on loopback only: exposing PORT through a tunnel for HubSpot
    // never exposes them.
    const adminGateway = await startGateway({
      host: '127.0.0.1',
      port: opts.adminPort,
      routes: [
        { method: 'ANY', path: '/admin/{proxy+}', handler: admin },
        { method: 'GET', path: '/', handler: serveConsole },
        { method: 'GET', path: '/{path+}', handler: serveConsole },
      ],
      sameOriginOnly: true,
    });
    stops.push(adminGateway.stop);

    const poller = createSqsPoller({
      client: sqs,
      queueUrl,
      handler: createDialHandler(deps),
      batchSize: 10,
      waitTimeSeconds: 1,
      visibilityTimeout: opts.visibilityTimeoutSeconds ?? 30,
      maxConcurrency: opts.pollerConcurrency ?? 2,
    });
    poller.start();
    stops.push(() => poller.stop());
    scheduler.start();
    stops.push(() => scheduler.stop());

    const sweep = createSweeper(deps);
    const runSweep = () =>
      sweep().catch((err) => console.error(JSON.stringify({ level: 'ERROR', message: 'sweep failed', error: String(err) })));
    await runSweep();
    const timer = setInterval(runSweep, opts.sweepEveryMs ?? 60_000);
    timer.unref();
    stops.push(async () => clearInterval(timer));

    return { publicUrl, adminUrl: adminGateway.url, deps, sweep, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
