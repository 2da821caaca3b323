// The wiring every handler shares, without the voice platforms: the webhook function
// never places a call, so its bundle (and cold start) does not carry the voice adapters.
// deps.ts adds them for the functions that dial and take call outcomes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAttemptDispatcher } from '../adapters/attempt-dispatcher';
import { createDynamoStore } from '../adapters/dynamodb/dynamo-store';
import { createEventBridgeScheduler } from '../adapters/eventbridge/eventbridge-scheduler';
import { createHubSpotApi } from '../adapters/hubspot/hubspot';
import { createSqsDialQueue } from '../adapters/sqs/sqs-dial-queue';
import type { AttemptDispatcher, HubSpotApiFactory, Notifier, Store } from '../core/ports';

/** What a handler needs from outside, voice platforms aside. */
export interface BaseDeps {
  store: Store;
  dispatcher: AttemptDispatcher;
  hubspotFor: HubSpotApiFactory;
  /** Public https base of the API, for the status-callback URLs handed to providers. */
  publicBaseUrl: string;
  now: () => Date;
  /** The operator's notification endpoint; defaults to plain fetch (adapters/notify). */
  notifier?: Notifier;
}

export interface DepsOptions {
  hubspotBaseUrl?: string;
  hubspotFor?: HubSpotApiFactory;
  publicBaseUrl?: string;
  now?: () => Date;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** BaseDeps around a chosen store and dispatcher: the same for Lambda and embedded. */
export function baseDeps(parts: Pick<BaseDeps, 'store' | 'dispatcher'>, opts: DepsOptions = {}): BaseDeps {
  const basePath = opts.hubspotBaseUrl;
  return {
    ...parts,
    hubspotFor: opts.hubspotFor ?? ((token) => createHubSpotApi(token, { basePath })),
    publicBaseUrl: opts.publicBaseUrl ?? '',
    now: opts.now ?? (() => new Date()),
  };
}

let cached: BaseDeps | undefined;

/** The AWS wiring (chooseAdapters('lambda') in deps.ts), built once per Lambda container from the stack's environment. */
export function awsBaseDeps(): BaseDeps {
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
  cached = baseDeps(
    { store, dispatcher: createAttemptDispatcher(queue, scheduler) },
    { hubspotBaseUrl: process.env.HUBSPOT_BASE_URL || undefined, publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '' },
  );
  return cached;
}
