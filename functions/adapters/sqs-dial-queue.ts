import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MAX_SQS_DELAY_SECONDS } from '../core/dispatch-rule';
import type { DialJob } from '../core/model';
import type { DialQueue } from '../core/ports';

// The dial queue carries `{"callId","attempt"}` and nothing else: the call record is the
// truth, so a message that arrives late, twice or after a cancel is judged against it.

export function createSqsDialQueue(client: SQSClient, queueUrl: string): DialQueue {
  return {
    async send(job, delaySeconds) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: serializeDialJob(job),
          DelaySeconds: Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
        }),
      );
    },
  };
}

/** The message body; also the EventBridge schedule's Input, so both paths deliver the same bytes. */
export function serializeDialJob(job: DialJob): string {
  return JSON.stringify({ callId: job.callId, attempt: job.attempt });
}

/** undefined when the body is not a dial job (the dial handler drops it). */
export function parseDialJob(body: string): DialJob | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { callId, attempt } = value as Record<string, unknown>;
  if (typeof callId !== 'string' || callId.length === 0) return undefined;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) return undefined;
  return { callId, attempt };
}
