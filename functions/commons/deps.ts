import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAttemptDispatcher } from '../adapters/attempt-dispatcher';
import { createDynamoStore } from '../adapters/dynamodb/dynamo-store';
import { createEventBridgeScheduler } from '../adapters/eventbridge/eventbridge-scheduler';
import { createHubSpotApi } from '../adapters/hubspot/hubspot';
import { createSqsDialQueue } from '../adapters/sqs/sqs-dial-queue';
import { voiceProvider, voiceSettings } from '../adapters/voice/registry';
import type { AttemptDispatcher, HubSpotApiFactory, Notifier, Store, VoiceProvider, VoiceSettings } from '../core/ports';

/** Everything a handler needs from outside; chooseAdapters says which adapters fill it. */
export interface AppDeps {
  store: Store;
  dispatcher: AttemptDispatcher;
  hubspotFor: HubSpotApiFactory;
  voiceProvider: (name: string) => VoiceProvider | undefined;
  voiceSettings: VoiceSettings;
  /** Public https base of the API, for the status-callback URLs handed to providers. */
  publicBaseUrl: string;
  now: () => Date;
  /** The operator's notification endpoint; defaults to plain fetch (adapters/notify). */
  notifier?: Notifier;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Which adapter serves each port. */
export interface AdapterChoice {
  store: 'sqlite' | 'dynamodb';
  queue: 'sqlite' | 'sqs';
  scheduler: 'sqlite' | 'dynamodb-table' | 'eventbridge';
}

/**
 * The one rule for which adapters run where (README "Environment"). On Lambda: DynamoDB,
 * SQS, EventBridge Scheduler. Embedded (`npm start`, tests, bench): SQLite for all three,
 * except that DYNAMODB_ENDPOINT selects the DynamoDB store (with the table-backed
 * scheduler, so every piece of state sits in that table) and SQS_ENDPOINT the SQS queue.
 * The embedded choice is built by embedded-deps.ts, which the Lambda bundles never reach
 * (no SQLite code, and no table-backed scheduler whose DynamoDB calls IAM does not grant).
 */
export function chooseAdapters(
  runtime: 'lambda' | 'embedded',
  env: { DYNAMODB_ENDPOINT?: string; SQS_ENDPOINT?: string } = {},
): AdapterChoice {
  if (runtime === 'lambda') return { store: 'dynamodb', queue: 'sqs', scheduler: 'eventbridge' };
  return {
    store: env.DYNAMODB_ENDPOINT ? 'dynamodb' : 'sqlite',
    queue: env.SQS_ENDPOINT ? 'sqs' : 'sqlite',
    scheduler: env.DYNAMODB_ENDPOINT ? 'dynamodb-table' : 'sqlite',
  };
}

/** AppDeps around a chosen store and dispatcher: the same for Lambda and embedded. */
export function appDeps(
  parts: Pick<AppDeps, 'store' | 'dispatcher'>,
  opts: { hubspotBaseUrl?: string; hubspotFor?: HubSpotApiFactory; publicBaseUrl?: string; now?: () => Date } = {},
): AppDeps {
  const basePath = opts.hubspotBaseUrl;
  return {
    ...parts,
    hubspotFor: opts.hubspotFor ?? ((token) => createHubSpotApi(token, { basePath })),
    voiceProvider,
    voiceSettings,
    publicBaseUrl: opts.publicBaseUrl ?? '',
    now: opts.now ?? (() => new Date()),
  };
}

let cached: AppDeps | undefined;

/** The AWS wiring (chooseAdapters('lambda')), built once per Lambda container from the stack's environment. */
export function awsDeps(): AppDeps {
  if (cached) return cached;
  const endpoint = (name: string) => process.env[name] || undefined;
  const store = createDynamoStore(new DynamoDBClient({ endpoint: endpoint('DYNAMODB_ENDPOINT') }), required('TABLE_NAME'));
  const queue = createSqsDialQueue(new SQSClient({ endpoint: endpoint('SQS_ENDPOINT') }), required('DIAL_QUEUE_URL'));
  const scheduler = createEventBridgeScheduler(new SchedulerClient({}), {
    groupName: required('SCHEDULER_GROUP_NAME'),
    roleArn: required('SCHEDULER_ROLE_ARN'),
    queueArn: required('DIAL_QUEUE_ARN'),
    deadLetterArn: required('SCHEDULER_DLQ_ARN'),
  });
  cached = appDeps(
    { store, dispatcher: createAttemptDispatcher(queue, scheduler) },
    { hubspotBaseUrl: process.env.HUBSPOT_BASE_URL || undefined, publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '' },
  );
  return cached;
}
