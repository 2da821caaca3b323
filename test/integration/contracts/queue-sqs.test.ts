// The dial queue contract on SQS (fauxqs), with a redrive policy to a dead-letter queue as on AWS.
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { createSqsDialQueue } from '../../../functions/adapters/sqs/sqs-dial-queue';
import { ensureQueue, startFauxqs } from '../../../local/fauxqs';
import { localSqsClient } from '../../support/fauxqs';
import { queueContract } from './queue.contract';

queueContract('SQS queue', async () => {
  const sqs = await startFauxqs();
  const client = localSqsClient(sqs.endpoint);
  const name = `hubdial-test-${randomUUID().slice(0, 8)}`;
  const dlqUrl = await ensureQueue(client, `${name}-dlq`);
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const queueUrl = await ensureQueue(client, name, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 3 }),
  });
  const receiveFrom = async (url: string, max: number, visibilitySeconds: number) => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return Messages.map((m) => ({
      body: m.Body ?? '',
      receipt: m.ReceiptHandle ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount),
    }));
  };
  return {
    queue: createSqsDialQueue(client, queueUrl),
    maxReceives: 3,
    receive: (max, visibilitySeconds) => receiveFrom(queueUrl, max, visibilitySeconds),
    async delete(messages) {
      if (messages.length === 0) return;
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receipt })),
        }),
      );
    },
    async deadLetters() {
      return (await receiveFrom(dlqUrl, 10, 30)).map((m) => m.body);
    },
    async stop() {
      client.destroy();
      await sqs.stop();
    },
  };
});
