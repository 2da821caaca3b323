import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createSqsPoller, type SqsBatchResult } from '../../local/sqs-poller';
import { startTestQueue } from '../support/fauxqs';

// Visibility is short so a message the handler did not finish comes back within the test.
const VISIBILITY_SECONDS = 1;

describe('SQS poller (fauxqs)', () => {
  let sqs: Awaited<ReturnType<typeof startTestQueue>>;
  beforeEach(async () => {
    sqs = await startTestQueue();
  });
  afterEach(async () => {
    await sqs.stop();
  });

  const send = (body: string, attributes?: Record<string, { DataType: string; StringValue: string }>) =>
    sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: body, MessageAttributes: attributes }));

  async function counts() {
    const { Attributes = {} } = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: sqs.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
  }

  function poller(handler: (event: SQSEvent) => Promise<SqsBatchResult>, extra: { maxConcurrency?: number; batchSize?: number } = {}) {
    return createSqsPoller({
      client: sqs.client,
      queueUrl: sqs.queueUrl,
      handler,
      batchSize: 10,
      waitTimeSeconds: 2,
      visibilityTimeout: VISIBILITY_SECONDS,
      ...extra,
    });
  }

  /** Polls until the queue hands out a batch again (after a visibility timeout). */
  async function pollUntilReceived(p: ReturnType<typeof poller>) {
    for (let i = 0; i < 5; i++) if ((await p.pollOnce()) > 0) return;
    throw new Error('no message came back');
  }

  it('hands the handler an SQSEvent shaped like Lambda’s', async () => {
    await send('{"callId":"c_1","attempt":1}', { source: { DataType: 'String', StringValue: 'test' } });
    const events: SQSEvent[] = [];
    const received = await poller(async (event) => void events.push(event)).pollOnce();

    expect(received).toBe(1);
    const record = events[0]?.Records[0] as SQSRecord;
    expect(record).toMatchObject({
      body: '{"callId":"c_1","attempt":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d{12}:hubdial-test-/),
      awsRegion: 'us-east-1',
      messageAttributes: { source: { dataType: 'String', stringValue: 'test', stringListValues: [], binaryListValues: [] } },
    });
    expect(record.messageId).toEqual(expect.any(String));
    expect(record.receiptHandle).toEqual(expect.any(String));
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
  });

  it('deletes the messages that succeeded and leaves the failed ones for redelivery', async () => {
    await send('ok-1');
    await send('fails');
    await send('ok-2');
    const seen: string[][] = [];
    const p = poller(async (event) => {
      seen.push(event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'fails' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });

    expect(await p.pollOnce()).toBe(3);
    expect(await counts()).toEqual({ visible: 0, inFlight: 1 });

    await pollUntilReceived(p);
    expect(seen).toEqual([['ok-1#1', 'fails#1', 'ok-2#1'], ['fails#2']]);
    expect(await counts()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('deletes nothing when the handler throws, so the whole batch comes back', async () => {
    await send('a');
    await send('b');
    let calls = 0;
    const seen: string[] = [];
    const p = poller(async (event) => {
      seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      if (calls++ === 0) throw new Error('voice provider down');
    });

    expect(await p.pollOnce()).toBe(2);
    expect(await counts()).toEqual({ visible: 0, inFlight: 2 });

    await pollUntilReceived(p);
    expect(seen.sort()).toEqual(['a#1', 'a#2', 'b#1', 'b#2']);
    expect(await counts()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('treats a failure naming no message of the batch as a failed batch, as Lambda does', async () => {
    await send('a');
    await send('b');
    const p = poller(async () => ({ batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] }));

    expect(await p.pollOnce()).toBe(2);
    expect(await counts()).toEqual({ visible: 0, inFlight: 2 });
  });

  it('returns 0 and calls no handler when the queue is empty', async () => {
    const handler = jest.fn(async () => undefined);
    expect(await createSqsPoller({ client: sqs.client, queueUrl: sqs.queueUrl, handler, waitTimeSeconds: 0 }).pollOnce()).toBe(0);
    expect(handler).not.toHaveBeenCalled();
  });

  it('keeps polling once started and stops cleanly', async () => {
    const bodies: string[] = [];
    let delivered: () => void = () => undefined;
    const both = new Promise<void>((resolve) => (delivered = resolve));
    const p = poller(async (event) => {
      bodies.push(...event.Records.map((r) => r.body));
      if (bodies.length >= 2) delivered();
    });
    p.start();
    await send('first');
    await send('second');
    await both;
    await p.stop();

    expect(bodies.sort()).toEqual(['first', 'second']);
    await send('after stop');
    expect(await counts()).toEqual({ visible: 1, inFlight: 0 });
  });

  it('runs up to maxConcurrency handler invocations at once', async () => {
    // Each invocation waits until two are running: with one at a time this never settles.
    let running = 0;
    let release: () => void = () => undefined;
    const twoRunning = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const p = poller(
      async (event) => {
        running++;
        if (running >= 2) release();
        await twoRunning;
        handled.push(...event.Records.map((r) => r.body));
      },
      { maxConcurrency: 2, batchSize: 1 },
    );
    await send('x');
    await send('y');
    p.start();
    await twoRunning;
    await p.stop();

    expect(handled.sort()).toEqual(['x', 'y']);
    expect(await counts()).toEqual({ visible: 0, inFlight: 0 });
  });
});
