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

/** Everything a handler needs from outside; the local stack and tests build their own. */
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

let cached: AppDeps | undefined;

/** The AWS wiring, built once per Lambda container from the stack's environment. */
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
  const basePath = process.env.HUBSPOT_BASE_URL || undefined;
  cached = {
    store,
    dispatcher: createAttemptDispatcher(queue, scheduler),
    hubspotFor: (token) => createHubSpotApi(token, { basePath }),
    voiceProvider,
    voiceSettings,
    publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '',
    now: () => new Date(),
  };
  return cached;
}
