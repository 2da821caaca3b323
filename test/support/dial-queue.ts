import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { waitFor } from './local-stack';

export function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** No dial job waiting, delayed or being handled: every dial that will happen has happened. */
export async function waitForQuiet(client: SQSClient, queueUrl: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      const pending =
        Number(Attributes.ApproximateNumberOfMessages) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed);
      return pending === 0 ? true : undefined;
    },
    'the dial queue to drain',
    timeoutMs,
  );
}

/** As waitForQuiet, through the stack's own view of its dial queue (any adapter: the SQLite default too). */
export async function waitForNoDialJobs(stack: { dialJobsPending(): Promise<number> }, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => ((await stack.dialJobsPending()) === 0 ? true : undefined), 'the dial queue to drain', timeoutMs);
}
