import { SendMessageBatchCommand, SendMessageCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { serializeDialJob, serializeQueueTask } from '../../core/dial-job';
import { MAX_SQS_DELAY_SECONDS } from '../../core/dispatch-rule';
import type { DialQueue } from '../../core/ports';

// The dial queue carries `{"callId","attempt"}` and nothing else: the call record is the
// truth, so a message that arrives late, twice or after a cancel is judged against it.

/** SendMessageBatch takes at most 10 entries. */
const BATCH_LIMIT = 10;
/** Rounds of re-sending the entries a batch reported as Failed before giving up. */
const BATCH_ROUNDS = 3;

/** The wire format is core's (functions/core/dial-job.ts); re-exported for the queue's tests and tools. */
export { parseDialJob, parseQueueMessage, serializeDialJob, serializeQueueTask } from '../../core/dial-job';

export function createSqsDialQueue(client: SQSClient, queueUrl: string): DialQueue {
  return {
    async send(job, delaySeconds) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: serializeDialJob(job), DelaySeconds: sqsDelay(delaySeconds) }),
      );
    },
    // One request per 10 jobs instead of one per job: at intake that is most of the
    // SQS cost of a delivery. A batch succeeds entry by entry, so the entries reported
    // as Failed are sent again, and a job still failing makes the whole call throw (the
    // caller's caller redelivers; a second copy of a job that did go out is harmless).
    async sendTask(task, delaySeconds) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: serializeQueueTask(task), DelaySeconds: sqsDelay(delaySeconds) }),
      );
    },
    async sendMany(items) {
      const chunks: SendMessageBatchRequestEntry[][] = [];
      for (let i = 0; i < items.length; i += BATCH_LIMIT) {
        chunks.push(
          items.slice(i, i + BATCH_LIMIT).map(({ job, delaySeconds }, n) => ({
            Id: String(n),
            MessageBody: serializeDialJob(job),
            DelaySeconds: sqsDelay(delaySeconds),
          })),
        );
      }
      await Promise.all(chunks.map((entries) => sendBatch(client, queueUrl, entries)));
    },
  };
}

async function sendBatch(client: SQSClient, queueUrl: string, entries: SendMessageBatchRequestEntry[]): Promise<void> {
  let pending = entries;
  let reasons: string[] = [];
  for (let round = 0; round < BATCH_ROUNDS && pending.length > 0; round++) {
    const { Failed = [] } = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
    const failedIds = new Set(Failed.map((f) => f.Id));
    reasons = Failed.map((f) => f.Code ?? 'unknown');
    pending = pending.filter((e) => failedIds.has(e.Id));
  }
  if (pending.length > 0)
    throw new Error(`${pending.length} dial job(s) could not be enqueued after ${BATCH_ROUNDS} tries: ${[...new Set(reasons)].join(', ')}`);
}

/** Whole seconds within what SQS allows (at most 15 minutes). */
function sqsDelay(delaySeconds: number): number {
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
}
