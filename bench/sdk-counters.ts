// Counts what the embedded stack asks of DynamoDB and SQS, from inside this process.
// startLocalStack keeps its SDK clients to itself, so the counting goes on the client
// classes' send() for the duration of a run and comes off again after. DynamoDB requests
// also ask for ReturnConsumedCapacity, so read and write units are dynalite's own
// arithmetic (item size rounded up to 4 KB / 1 KB), not a guess.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { performance } from 'node:perf_hooks';
import { summarize, WriteUnitMeter, type WriteUnitSummary } from './write-units';

export interface SdkCounts {
  /** DynamoDB requests by command name (the local scheduler's excluded). */
  dynamo: Record<string, number>;
  /** Read and write request units of those requests (on-demand billing units). */
  rru: number;
  wru: number;
  /**
   * Write units the secondary indexes add on AWS (dynalite does not report them),
   * computed from the items written (bench/write-units.ts).
   */
  gsiWru: number;
  /** How many write events the meter had logged when this snapshot was taken. */
  writeEvents: number;
  /** Per table and index: units, writes and the busiest partition key (set by countsBetween). */
  writeUnits?: WriteUnitSummary;
  /** Requests of the table-backed local scheduler, which EventBridge Scheduler replaces on AWS. */
  localScheduler: Record<string, number>;
  /** SQS requests by command name, and `MessagesSent`: messages enqueued (a batch request counts its entries). */
  sqs: Record<string, number>;
}

export interface SdkCounter {
  snapshot(): SdkCounts;
  /**
   * Holds every SQS ReceiveMessage until the returned function is called: the dial
   * poller then waits, so an import can be measured without dialling on the same CPU
   * (as on AWS, where dial runs in Lambdas of its own).
   */
  holdReceives(): () => void;
  uninstall(): void;
}

type Send = (this: unknown, command: { input: Record<string, any>; constructor: { name: string } }, ...rest: unknown[]) => Promise<any>;

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export function installSdkCounter(): SdkCounter {
  const counts: SdkCounts = { dynamo: {}, rru: 0, wru: 0, gsiWru: 0, writeEvents: 0, localScheduler: {}, sqs: {} };
  const meter = new WriteUnitMeter();
  activeMeter = meter;

  const dynamoProto = DynamoDBClient.prototype as unknown as { send: Send };
  const sqsProto = SQSClient.prototype as unknown as { send: Send };
  const dynamoSend = dynamoProto.send;
  const sqsSend = sqsProto.send;

  dynamoProto.send = async function (command, ...rest) {
    const name = command.constructor.name;
    const input = command.input;
    if (isLocalSchedulerRequest(input)) {
      bump(counts.localScheduler, name);
      return dynamoSend.call(this, command, ...rest);
    }
    bump(counts.dynamo, name);
    const metered = READS.has(name) || WRITES.has(name);
    if (metered) input.ReturnConsumedCapacity ??= 'TOTAL';
    try {
      const output = await dynamoSend.call(this, command, ...rest);
      const units = consumedUnits(output?.ConsumedCapacity);
      if (READS.has(name)) counts.rru += units;
      if (WRITES.has(name)) {
        counts.wru += units;
        meter.record(name, input, performance.now(), false);
      }
      return output;
    } catch (err) {
      // DynamoDB bills a write whose condition failed as at least one write unit.
      if (WRITES.has(name) && (err as Error)?.name === 'ConditionalCheckFailedException') {
        counts.wru += 1;
        meter.record(name, input, performance.now(), true);
      }
      throw err;
    }
  };

  let gate: Promise<void> | undefined;
  sqsProto.send = async function (command, ...rest) {
    const name = command.constructor.name;
    if (name === 'ReceiveMessageCommand' && gate) await gate;
    bump(counts.sqs, name);
    if (name === 'SendMessageCommand') bump(counts.sqs, 'MessagesSent');
    if (name === 'SendMessageBatchCommand') counts.sqs.MessagesSent = (counts.sqs.MessagesSent ?? 0) + (command.input.Entries?.length ?? 0);
    return sqsSend.call(this, command, ...rest);
  };

  return {
    snapshot: () => {
      counts.writeEvents = meter.events.length;
      counts.gsiWru = meter.events.reduce((sum, e) => sum + (e.target === 'table' ? 0 : e.units), 0);
      return structuredClone(counts);
    },
    holdReceives() {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = undefined;
        open();
      };
    },
    uninstall() {
      // The meter stays readable: countsBetween may still summarize snapshots taken before.
      dynamoProto.send = dynamoSend;
      sqsProto.send = sqsSend;
    },
  };
}

let activeMeter: WriteUnitMeter | undefined;

/** b - a, field by field; the write units are summarized over the writes between the two. */
export function countsBetween(a: SdkCounts, b: SdkCounts): SdkCounts {
  const sub = (x: Record<string, number>, y: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(y)
        .map((k) => [k, (y[k] ?? 0) - (x[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
  return {
    dynamo: sub(a.dynamo, b.dynamo),
    rru: b.rru - a.rru,
    wru: b.wru - a.wru,
    gsiWru: b.gsiWru - a.gsiWru,
    writeEvents: b.writeEvents - a.writeEvents,
    ...(activeMeter ? { writeUnits: summarize(activeMeter.events.slice(a.writeEvents, b.writeEvents)) } : {}),
    localScheduler: sub(a.localScheduler, b.localScheduler),
    sqs: sub(a.sqs, b.sqs),
  };
}

function bump(counter: Record<string, number>, name: string): void {
  counter[name] = (counter[name] ?? 0) + 1;
}

function consumedUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c?.CapacityUnits ?? 0), 0);
}

/** Schedules live under SCHEDULE#<name> and are found through gsi2pk = SCHEDULES. */
function isLocalSchedulerRequest(input: Record<string, any>): boolean {
  const pk = input.Key?.pk?.S ?? input.Item?.pk?.S;
  if (typeof pk === 'string') return pk.startsWith('SCHEDULE#');
  const values = input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined;
  return Object.values(values ?? {}).some((v) => v?.S === 'SCHEDULES');
}
