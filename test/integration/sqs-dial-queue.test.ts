import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqsDialQueue, parseDialJob } from '../../functions/adapters/sqs-dial-queue';
import { ensureQueue, startFauxqs } from '../../local/fauxqs';
import { localSqsClient, startTestQueue } from '../support/fauxqs';

async function receive(client: SQSClient, queueUrl: string, waitTimeSeconds: number) {
  const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }));
  return Messages;
}

describe('SQS dial queue (fauxqs)', () => {
  let sqs: Awaited<ReturnType<typeof startTestQueue>>;
  beforeEach(async () => {
    sqs = await startTestQueue();
  });
  afterEach(async () => {
    await sqs.stop();
  });

  it('sends the job as the message body', async () => {
    await createSqsDialQueue(sqs.client, sqs.queueUrl).send({ callId: 'c_1', attempt: 1 }, 0);

    const [message, ...rest] = await receive(sqs.client, sqs.queueUrl, 1);
    expect(rest).toHaveLength(0);
    expect(message?.Body).toBe('{"callId":"c_1","attempt":1}');
    expect(parseDialJob(message?.Body ?? '')).toEqual({ callId: 'c_1', attempt: 1 });
  });

  it('holds a delayed job back until its delay has passed', async () => {
    const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
    const sentAt = Date.now();
    await queue.send({ callId: 'c_2', attempt: 3 }, 3);

    // A long poll that ends well before the delay finds nothing...
    expect(await receive(sqs.client, sqs.queueUrl, 1)).toHaveLength(0);
    // ...and the job arrives once the delay is over, not before.
    let messages = await receive(sqs.client, sqs.queueUrl, 5);
    if (messages.length === 0) messages = await receive(sqs.client, sqs.queueUrl, 5);
    expect(messages.map((m) => parseDialJob(m.Body ?? ''))).toEqual([{ callId: 'c_2', attempt: 3 }]);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(3000);
  });

  it('keeps the delay within what SQS allows (whole seconds, at most 15 minutes)', async () => {
    // What the SDK is asked to send, seen from inside the real client.
    const delays: unknown[] = [];
    sqs.client.middlewareStack.add(
      (next) => async (args) => {
        delays.push((args.input as { DelaySeconds?: number }).DelaySeconds);
        return next(args);
      },
      { step: 'initialize', name: 'recordDelay' },
    );
    const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
    await queue.send({ callId: 'c_3', attempt: 1 }, 5000);
    await queue.send({ callId: 'c_3', attempt: 2 }, 2.2);
    await queue.send({ callId: 'c_3', attempt: 3 }, -4);

    expect(delays).toEqual([900, 3, 0]);
    const now = await receive(sqs.client, sqs.queueUrl, 0);
    expect(now.map((m) => parseDialJob(m.Body ?? ''))).toEqual([{ callId: 'c_3', attempt: 3 }]);
  });
});

describe('fauxqs with a data folder', () => {
  it('keeps queued jobs across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hubdial-sqs-'));
    try {
      const first = await startFauxqs({ dataDir });
      const before = localSqsClient(first.endpoint);
      await createSqsDialQueue(before, await ensureQueue(before, 'hubdial-dial')).send({ callId: 'c_kept', attempt: 2 }, 0);
      before.destroy();
      await first.stop();

      const second = await startFauxqs({ dataDir });
      const after = localSqsClient(second.endpoint);
      try {
        const queueUrl = await ensureQueue(after, 'hubdial-dial');
        const messages = await receive(after, queueUrl, 1);
        expect(messages.map((m) => parseDialJob(m.Body ?? ''))).toEqual([{ callId: 'c_kept', attempt: 2 }]);
      } finally {
        after.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('parseDialJob', () => {
  it('accepts a dial job and ignores extra fields', () => {
    expect(parseDialJob('{"callId":"c_9","attempt":4,"extra":true}')).toEqual({ callId: 'c_9', attempt: 4 });
  });

  it.each([
    ['not JSON', 'dial c_9'],
    ['null', 'null'],
    ['an array', '[]'],
    ['no call id', '{"attempt":1}'],
    ['an empty call id', '{"callId":"","attempt":1}'],
    ['a numeric call id', '{"callId":9,"attempt":1}'],
    ['no attempt', '{"callId":"c_9"}'],
    ['attempt zero', '{"callId":"c_9","attempt":0}'],
    ['a fractional attempt', '{"callId":"c_9","attempt":1.5}'],
    ['a string attempt', '{"callId":"c_9","attempt":"1"}'],
  ])('rejects %s', (_what, body) => {
    expect(parseDialJob(body)).toBeUndefined();
  });
});
