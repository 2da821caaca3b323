import { CreateQueueCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The queue's URL, creating the queue when it does not exist yet (local SQS APIs: fauxqs, LocalStack). */
export async function ensureQueue(client: SQSClient, name: string, attributes?: Record<string, string>): Promise<string> {
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (QueueUrl) return QueueUrl;
  } catch (err) {
    // An existing queue created with other attributes; use it as it is.
    if (!(err instanceof Error) || !/QueueNameExists|QueueAlreadyExists/.test(err.name)) throw err;
  }
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`queue ${name} has no URL`);
  return QueueUrl;
}
