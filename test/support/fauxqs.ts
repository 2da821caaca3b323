import { SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { ensureQueue, startFauxqs } from '../../local/fauxqs';

export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** A real SQS API (fauxqs, in memory, in this jest worker) with a fresh queue, for one test file. */
export async function startTestQueue(
  opts: { attributes?: Record<string, string>; dataDir?: string } = {},
): Promise<{ client: SQSClient; queueUrl: string; endpoint: string; stop(): Promise<void> }> {
  const sqs = await startFauxqs({ dataDir: opts.dataDir });
  const client = localSqsClient(sqs.endpoint);
  const queueUrl = await ensureQueue(client, `hubdial-test-${randomUUID().slice(0, 8)}`, opts.attributes);
  return {
    client,
    queueUrl,
    endpoint: sqs.endpoint,
    async stop() {
      client.destroy();
      await sqs.stop();
    },
  };
}
