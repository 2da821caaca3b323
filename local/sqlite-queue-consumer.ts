// Lambda's SQS event source for the SQLite dial queue, in process: receives batches,
// hands the handler a real SQSEvent, and deletes what the handler did not report as
// failed (ReportBatchItemFailures). A throw leaves the whole batch for redelivery after
// the visibility timeout, as on AWS. No polling interval stands between a send and its
// dial: a send wakes an idle worker at once; a delayed message wakes one when it is due.
import type { SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import type { ReceivedMessage, SqliteDialQueue } from '../functions/adapters/sqlite/sqlite-dial-queue';
import { logger } from '../functions/commons/logger';
import { type BatchHandler, invokeBatch } from './batch-invoke';

export interface SqliteQueueConsumerOptions {
  queue: SqliteDialQueue;
  handler: BatchHandler;
  /** Messages per event, 1..10. */
  batchSize?: number;
  /** Seconds a received message stays hidden. */
  visibilityTimeout?: number;
  /** Handler invocations at once, like the event source's maximum concurrency. */
  maxConcurrency?: number;
  /** The longest an idle worker sleeps before looking again (a message hidden by another process). */
  idleMs?: number;
  /** Shown as the records' eventSourceARN. */
  queueArn?: string;
}

export interface SqliteQueueConsumer {
  start(): void;
  stop(): Promise<void>;
  /** One receive + invoke + delete; returns how many messages were received. */
  pollOnce(): Promise<number>;
}

const ERROR_BACKOFF_MS = 1000;

export function createSqliteQueueConsumer(opts: SqliteQueueConsumerOptions): SqliteQueueConsumer {
  const { queue } = opts;
  const batchSize = Math.min(10, Math.max(1, opts.batchSize ?? 10));
  const visibility = opts.visibilityTimeout ?? 30;
  const concurrency = Math.max(1, opts.maxConcurrency ?? 1);
  const idleMs = opts.idleMs ?? 1000;
  const arn = opts.queueArn ?? 'arn:aws:sqs:local:000000000000:hubdial-dial';
  let stopping: AbortController | undefined;
  let workers: Promise<void>[] = [];
  /** Idle workers waiting for a send. */
  const sleepers = new Set<() => void>();
  let unsubscribe: (() => void) | undefined;

  async function pollOnce(): Promise<number> {
    const messages = queue.receive(batchSize, visibility);
    if (messages.length === 0) return 0;
    // Another worker may find more right away while this batch is handled.
    wakeOne();
    const records = messages.map((m) => toRecord(m, arn));
    const failed = await invokeBatch(opts.handler, records);
    const done = messages.filter((m) => !failed.has(m.id));
    const deleted = queue.delete(done);
    if (deleted < done.length)
      logger.warn('some processed messages were no longer held (visibility timeout passed) and may be redelivered', {
        failed: done.length - deleted,
      });
    return messages.length;
  }

  function wakeOne() {
    const [first] = sleepers;
    if (first) {
      sleepers.delete(first);
      first();
    }
  }

  function idle(signal: AbortSignal): Promise<void> {
    const next = queue.nextVisibleAt();
    const wait = Math.max(5, Math.min(idleMs, next === undefined ? idleMs : next - Date.now()));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      sleepers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async function work(signal: AbortSignal) {
    while (!signal.aborted) {
      try {
        if ((await pollOnce()) === 0) await idle(signal);
      } catch (err) {
        if (signal.aborted) return;
        logger.error('receiving from the dial queue failed', { error: err instanceof Error ? err.message : String(err) });
        await new Promise((r) => setTimeout(r, ERROR_BACKOFF_MS));
      }
    }
  }

  return {
    pollOnce,
    start() {
      if (stopping) return;
      stopping = new AbortController();
      const signal = stopping.signal;
      unsubscribe = queue.onSend(() => {
        for (const wake of [...sleepers]) wake();
      });
      workers = Array.from({ length: concurrency }, () => work(signal));
    },
    // Waits for handler invocations under way; a batch received then is deleted as usual.
    async stop() {
      stopping?.abort();
      stopping = undefined;
      unsubscribe?.();
      await Promise.all(workers);
      workers = [];
    },
  };
}

function toRecord(m: ReceivedMessage, eventSourceARN: string): SQSRecord {
  return {
    messageId: m.id,
    receiptHandle: m.receipt,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: 'hubdial',
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(m.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: 'local',
  };
}
