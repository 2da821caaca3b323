import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseDialJob } from '../../../functions/core/dial-job';
import type { DialJob } from '../../../functions/core/model';

/** Every dial job visible in an SQS queue now, taken off it. */
export async function drainSqsJobs(client: SQSClient, queueUrl: string): Promise<DialJob[]> {
  const jobs: DialJob[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return jobs;
    jobs.push(...Messages.map((m) => parseDialJob(m.Body ?? '') as DialJob));
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** A dial queue that refuses every send (an SQS outage). */
export const refusingQueue = {
  send: async () => Promise.reject(new Error('queue unavailable')),
  sendMany: async () => Promise.reject(new Error('queue unavailable')),
  sendTask: async () => Promise.reject(new Error('queue unavailable')),
};
