// Lambda's SQS event source mapping for `npm start`: long-polls the queue, hands the
// handler a real SQSEvent, and deletes what the handler did not report as failed
// (ReportBatchItemFailures). A throw leaves the whole batch for redelivery after the
// visibility timeout, as on AWS.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { logger } from '../functions/commons/logger';
import { type BatchHandler, invokeBatch } from './batch-invoke';

export type { SqsBatchResult } from './batch-invoke';

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  handler: BatchHandler;
  /** Messages per event, 1..10. */
  batchSize?: number;
  /** Long-poll wait, 0..20 s. */
  waitTimeSeconds?: number;
  /** Seconds a received message stays hidden; undefined = the queue's own setting. */
  visibilityTimeout?: number;
  /** Handler invocations at once, like the event source's maximum concurrency. */
  maxConcurrency?: number;
}

export interface SqsPoller {
  start(): void;
  stop(): Promise<void>;
  /** One receive + invoke + delete; returns how many messages were received. */
  pollOnce(): Promise<number>;
}

const ERROR_BACKOFF_MS = 1000;

export function createSqsPoller(opts: SqsPollerOptions): SqsPoller {
  const { client, queueUrl } = opts;
  const batchSize = Math.min(10, Math.max(1, opts.batchSize ?? 10));
  const waitTimeSeconds = Math.min(20, Math.max(0, opts.waitTimeSeconds ?? 20));
  const concurrency = Math.max(1, opts.maxConcurrency ?? 1);
  let source: Promise<{ arn: string; region: string }> | undefined;
  let abort: AbortController | undefined;
  let workers: Promise<void>[] = [];

  function eventSource() {
    source ??= (async () => {
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
      return { arn: Attributes?.QueueArn ?? '', region: await client.config.region() };
    })().catch((err) => {
      source = undefined;
      throw err;
    });
    return source;
  }

  async function pollOnce(signal?: AbortSignal): Promise<number> {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        VisibilityTimeout: opts.visibilityTimeout,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    if (Messages.length === 0) return 0;
    const { arn, region } = await eventSource();
    const records = Messages.map((m) => toRecord(m, arn, region));

    const failed = await invokeBatch(opts.handler, records);

    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      const result = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      if (result.Failed?.length)
        logger.warn('some processed messages could not be deleted and may be redelivered', { failed: result.Failed.length });
    }
    return records.length;
  }

  async function work(signal: AbortSignal) {
    while (!signal.aborted) {
      try {
        await pollOnce(signal);
      } catch (err) {
        if (signal.aborted) return;
        logger.error('polling the queue failed', { error: err instanceof Error ? err.message : String(err) });
        await sleep(ERROR_BACKOFF_MS, signal);
      }
    }
  }

  return {
    pollOnce: () => pollOnce(),
    start() {
      if (abort) return;
      abort = new AbortController();
      const signal = abort.signal;
      workers = Array.from({ length: concurrency }, () => work(signal));
    },
    // Aborts the long polls under way (a batch the queue handed out just then comes back
    // after its visibility timeout) and waits for handler invocations to finish.
    async stop() {
      abort?.abort();
      abort = undefined;
      await Promise.all(workers);
      workers = [];
    },
  };
}

function toRecord(m: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ...a,
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? '',
      SenderId: a.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: toLambdaAttributes(m.MessageAttributes),
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

function toLambdaAttributes(attrs: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, v] of Object.entries(attrs ?? {})) {
    out[name] = {
      dataType: v.DataType ?? 'String',
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
