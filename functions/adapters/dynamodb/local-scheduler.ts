import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { scheduleName } from '../../core/dispatch-rule';
import type { DialJob } from '../../core/model';
import type { AttemptScheduler, DialQueue } from '../../core/ports';
import { logger } from '../../commons/logger';
import { isConditionFailure } from './dynamo-codec';
import { createPollLoop } from '../poll-loop';

// EventBridge Scheduler's stand-in for `npm start`. Schedules are items in the app's table
// (so they survive a restart with the data folder) and a timer drops due ones into the
// dial queue, exactly as a fired EventBridge schedule would.
//
//   pk SCHEDULE#<name>  sk SCHEDULE  gsi2pk SCHEDULES  gsi2sk <dueIso>#<name>
//   job {callId, attempt}  dueAt  timezone  [claimToken claimedUntil while firing]

const SCHEDULES = 'SCHEDULES';
/** How long a poller owns a due schedule it is firing before another may take it over. */
const CLAIM_SECONDS = 60;

export interface LocalScheduler extends AttemptScheduler {
  start(): void;
  stop(): Promise<void>;
  /** Fires every schedule due at `now`; returns how many were sent to the queue. */
  fireDue(now: Date): Promise<number>;
}

export function createLocalScheduler(opts: {
  client: DynamoDBClient;
  tableName: string;
  queue: DialQueue;
  pollMs?: number;
  now?: () => Date;
}): LocalScheduler {
  const { client, tableName, queue } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const clock = opts.now ?? (() => new Date());

  const key = (name: string) => ({ pk: { S: `SCHEDULE#${name}` }, sk: { S: 'SCHEDULE' } });

  async function fireOne(entry: Record<string, AttributeValue>, now: Date): Promise<boolean> {
    // The index holds keys only: the name comes from the key, the job from the claimed item.
    const pk = entry.pk?.S;
    const name = pk?.startsWith('SCHEDULE#') ? pk.slice('SCHEDULE#'.length) : undefined;
    const sortKey = entry.gsi2sk?.S;
    if (!name || !sortKey) {
      logger.error('dropping malformed local schedule', { pk });
      if (entry.pk && entry.sk) await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: entry.pk, sk: entry.sk } }));
      return false;
    }
    // Claim first so two pollers on the same table never both fire it; the claim expires,
    // so a poller that dies mid-way does not strand the schedule.
    const token = randomUUID();
    let item: Record<string, AttributeValue> | undefined;
    try {
      const claimed = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(name),
          UpdateExpression: 'SET claimToken = :token, claimedUntil = :until',
          ConditionExpression: 'gsi2sk = :sk AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
          ExpressionAttributeValues: {
            ':token': { S: token },
            ':until': { S: new Date(now.getTime() + CLAIM_SECONDS * 1000).toISOString() },
            ':sk': { S: sortKey },
            ':now': { S: now.toISOString() },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      item = claimed.Attributes;
    } catch (err) {
      if (isConditionFailure(err)) return false; // fired, moved or cancelled meanwhile
      throw err;
    }
    const job = item && jobOf(item);
    if (!job || scheduleName(job) !== name) {
      logger.error('dropping malformed local schedule', { pk });
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(name) }));
      return false;
    }
    try {
      await queue.send(job, 0);
    } catch (err) {
      await releaseClaim(name, token).catch(() => undefined);
      throw err;
    }
    // If the process dies between the send above and this delete, the schedule fires again
    // once the claim expires. That duplicate is harmless: the dial handler's conditional
    // SCHEDULED -> DIALING update lets only one delivery of an attempt dial.
    // The token condition keeps a schedule that was moved to a new time meanwhile.
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: key(name),
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeValues: { ':token': { S: token } },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    return true;
  }

  async function releaseClaim(name: string, token: string): Promise<void> {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key(name),
        UpdateExpression: 'REMOVE claimToken, claimedUntil',
        ConditionExpression: 'claimToken = :token',
        ExpressionAttributeValues: { ':token': { S: token } },
      }),
    );
  }

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :upper',
          // gsi2sk is "<dueIso>#<name>"; ISO strings sort by time and '$' follows '#', so
          // this bound takes everything due at or before `now`.
          ExpressionAttributeValues: { ':pk': { S: SCHEDULES }, ':upper': { S: `${now.toISOString()}$` } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          if (await fireOne(item, now)) fired++;
        } catch (err) {
          logger.error('local schedule not fired; will retry', { pk: item.pk?.S, error: err instanceof Error ? err.message : String(err) });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return fired;
  }

  const loop = createPollLoop(() => fireDue(clock()), pollMs, 'local scheduler');

  return {
    async schedule(job, at, timezone, now) {
      const name = scheduleName(job);
      const dueIso = at.toISOString();
      try {
        // Same job at the same time: already scheduled, nothing to do. Same job at another
        // time replaces the old one (the dial handler moves an attempt that fired outside
        // the window; keeping the stale time would lose it).
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...key(name),
              gsi2pk: { S: SCHEDULES },
              gsi2sk: { S: `${dueIso}#${name}` },
              job: { M: { callId: { S: job.callId }, attempt: { N: String(job.attempt) } } },
              dueAt: { S: dueIso },
              timezone: { S: timezone },
              createdAt: { S: now.toISOString() },
            },
            ConditionExpression: 'attribute_not_exists(pk) OR dueAt <> :due',
            ExpressionAttributeValues: { ':due': { S: dueIso } },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async cancel(job) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(scheduleName(job)) }));
    },

    fireDue,

    start: loop.start,
    stop: loop.stop,
  };
}

function jobOf(item: Record<string, AttributeValue>): DialJob | undefined {
  const job = item.job?.M;
  const callId = job?.callId?.S;
  const attempt = Number(job?.attempt?.N);
  return callId && Number.isInteger(attempt) && attempt >= 1 ? { callId, attempt } : undefined;
}
