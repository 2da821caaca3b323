import { voiceProvider, voiceSettings } from '../adapters/voice/registry';
import type { VoiceProvider, VoiceSettings } from '../core/ports';
import { awsBaseDeps, type BaseDeps, baseDeps, type DepsOptions } from './base-deps';

/** Everything a handler needs from outside; chooseAdapters says which adapters fill it. */
export interface AppDeps extends BaseDeps {
  voiceProvider: (name: string) => VoiceProvider | undefined;
  voiceSettings: VoiceSettings;
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
export function appDeps(parts: Pick<AppDeps, 'store' | 'dispatcher'>, opts: DepsOptions = {}): AppDeps {
  return { ...baseDeps(parts, opts), voiceProvider, voiceSettings };
}

let cached: AppDeps | undefined;

/** The AWS wiring with the voice platforms, built once per Lambda container. */
export function awsDeps(): AppDeps {
  cached ??= { ...awsBaseDeps(), voiceProvider, voiceSettings };
  return cached;
}
