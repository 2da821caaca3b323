// The embedded stack behind `npm start`: the same handlers as on AWS, with the adapters
// the composition root (functions/commons) chooses for embedded use — SQLite by default,
// DynamoDB / SQS when their endpoints are given — an in-process feed in place of Lambda's
// SQS event source, and a small API Gateway stand-in.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AdapterChoice, AppDeps } from '../functions/commons/deps';
import { composeEmbedded, type DialQueueSource, type EmbeddedWiring } from '../functions/commons/embedded-deps';
import type { HubSpotApiFactory } from '../functions/core/ports';
import { createAdminHandler } from '../functions/handlers/admin';
import { createCallStatusHandler } from '../functions/handlers/call-status';
import { createDialHandler } from '../functions/handlers/dial';
import { createSweeper } from '../functions/handlers/sweeper';
import { createWebhookHandler } from '../functions/handlers/webhook';
import { serveConsole } from './console-route';
import { startGateway } from './http-gateway';
import { createSqliteQueueConsumer } from './sqlite-queue-consumer';
import { createSqsPoller } from './sqs-poller';

export interface LocalStackOptions {
  port: number;
  adminPort: number;
  /** Where the SQLite file lives (HUBDIAL_DATA_DIR); undefined = in memory (tests). */
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
  /** Which adapter serves each port (chooseAdapters). */
  adapters: AdapterChoice;
  /** The adapters' handles (the DynamoDB client, the SQLite queue), for benches and tests that look inside. */
  wiring: EmbeddedWiring;
  sweep: () => Promise<unknown>;
  /** Dial jobs waiting, delayed or being handled: 0 = every dial that will happen has happened. */
  dialJobsPending(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const wiring = await composeEmbedded({
      dataDir: opts.dataDir,
      dynamodbEndpoint: opts.dynamodbEndpoint,
      sqsEndpoint: opts.sqsEndpoint,
      tableName: opts.tableName,
      queueName: opts.queueName,
      hubspotBaseUrl: opts.hubspotBaseUrl,
      hubspotFor: opts.hubspotFor,
      publicBaseUrl: opts.publicBaseUrl,
      now: opts.now,
      schedulerPollMs: opts.schedulerPollMs,
    });
    stops.push(wiring.close);
    const { deps } = wiring;

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

    const poller = dialQueueFeed(wiring.dialQueue, createDialHandler(deps), {
      visibilityTimeout: opts.visibilityTimeoutSeconds ?? 30,
      maxConcurrency: opts.pollerConcurrency ?? 2,
    });
    poller.start();
    stops.push(() => poller.stop());
    wiring.scheduler.start();
    stops.push(() => wiring.scheduler.stop());

    const sweep = createSweeper(deps);
    const runSweep = () =>
      sweep().catch((err) => console.error(JSON.stringify({ level: 'ERROR', message: 'sweep failed', error: String(err) })));
    await runSweep();
    const timer = setInterval(runSweep, opts.sweepEveryMs ?? 60_000);
    timer.unref();
    stops.push(async () => clearInterval(timer));

    return {
      publicUrl,
      adminUrl: adminGateway.url,
      deps,
      adapters: wiring.choice,
      wiring,
      sweep,
      dialJobsPending: () => dialJobsPending(wiring.dialQueue),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

type DialHandler = ReturnType<typeof createDialHandler>;

/** What feeds the dial handler from the queue, as Lambda's event source would. */
function dialQueueFeed(source: DialQueueSource, handler: DialHandler, o: { visibilityTimeout: number; maxConcurrency: number }) {
  if (source.kind === 'sqlite') return createSqliteQueueConsumer({ queue: source.queue, handler, batchSize: 10, ...o });
  return createSqsPoller({ client: source.client, queueUrl: source.queueUrl, handler, batchSize: 10, waitTimeSeconds: 1, ...o });
}

async function dialJobsPending(source: DialQueueSource): Promise<number> {
  if (source.kind === 'sqlite') {
    const c = source.queue.counts();
    return c.visible + c.inFlight + c.delayed;
  }
  const { Attributes = {} } = await source.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: source.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed)
  );
}
