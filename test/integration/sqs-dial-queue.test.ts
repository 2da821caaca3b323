import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqsDialQueue, parseDialJob, parseQueueMessage } from '../../functions/adapters/sqs/sqs-dial-queue';
import { ensureQueue, startFauxqs } from '../../local/fauxqs';
import { localSqsClient, startTestQueue } from '../support/fauxqs';

async function receive(client: SQSClient, queueUrl: string, waitTimeSeconds: number) {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }),
  );
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

  it('carries a task beside the dial jobs, told apart by its kind', async () => {
    const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
    await queue.sendTask({ kind: 'example', callId: 'c_1', attempt: 2 }, 0);
    await queue.send({ callId: 'c_1', attempt: 2 }, 0);

    const bodies = (await receive(sqs.client, sqs.queueUrl, 1)).map((m) => parseQueueMessage(m.Body ?? ''));
    expect(bodies).toEqual(
      expect.arrayContaining([
        { type: 'task', task: { kind: 'example', callId: 'c_1', attempt: 2 } },
        { type: 'dial', job: { callId: 'c_1', attempt: 2 } },
      ]),
    );
    expect(bodies).toHaveLength(2);
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

describe('SQS dial queue: sendMany (fauxqs)', () => {
  let sqs: Awaited<ReturnType<typeof startTestQueue>>;
  beforeEach(async () => {
    sqs = await startTestQueue();
  });
  afterEach(async () => {
    await sqs.stop();
  });

  async function drain(): Promise<unknown[]> {
    const jobs: unknown[] = [];
    for (;;) {
      const messages = await receive(sqs.client, sqs.queueUrl, 0);
      if (messages.length === 0) return jobs;
      jobs.push(...messages.map((m) => parseDialJob(m.Body ?? '')));
      await sqs.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  /** Makes the real client drop the chosen entries from batch requests and report them as Failed, as SQS does. */
  function failEntries(shouldFail: (body: string, call: number) => boolean): {
    requests: { DelaySeconds?: number; MessageBody?: string }[][];
  } {
    const requests: { DelaySeconds?: number; MessageBody?: string }[][] = [];
    sqs.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { QueueUrl: string; Entries?: { Id: string; MessageBody: string; DelaySeconds?: number }[] };
        // SendMessageBatch only (DeleteMessageBatch entries carry no body).
        if (!input.Entries?.every((e) => typeof e.MessageBody === 'string')) return next(args);
        requests.push(input.Entries.map(({ MessageBody, DelaySeconds }) => ({ MessageBody, DelaySeconds })));
        const call = requests.length;
        const failed = input.Entries.filter((e) => shouldFail(e.MessageBody, call));
        const kept = input.Entries.filter((e) => !failed.includes(e));
        const result =
          kept.length > 0
            ? await next({ ...args, input: { ...input, Entries: kept } })
            : { output: { Successful: [], Failed: [] }, response: {} };
        const output = result.output as { Failed?: unknown[] };
        output.Failed = [...(output.Failed ?? []), ...failed.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' }))];
        return result as Awaited<ReturnType<typeof next>>;
      },
      { step: 'initialize', name: 'failSomeEntries' },
    );
    return { requests };
  }

  it('sends every job, ten to a request, with the delays SQS allows', async () => {
    const { requests } = failEntries(() => false);
    const items = Array.from({ length: 25 }, (_, i) => ({
      job: { callId: `c_b${i}`, attempt: 1 },
      delaySeconds: i === 0 ? 5000 : i === 1 ? 2.2 : 0,
    }));

    await createSqsDialQueue(sqs.client, sqs.queueUrl).sendMany(items);

    expect(requests.map((r) => r.length)).toEqual([10, 10, 5]);
    expect(requests[0]?.slice(0, 3).map((e) => e.DelaySeconds)).toEqual([900, 3, 0]);
    const ready = (await drain()) as { callId: string }[];
    expect(ready.map((j) => j.callId).sort()).toEqual(
      items
        .slice(2)
        .map((i) => i.job.callId)
        .sort(),
    );
  });

  it('sends again the entries a batch reported as Failed', async () => {
    const { requests } = failEntries((body, call) => call === 1 && (body.includes('"c_f3"') || body.includes('"c_f7"')));
    const items = Array.from({ length: 10 }, (_, i) => ({ job: { callId: `c_f${i}`, attempt: 2 }, delaySeconds: 0 }));

    await createSqsDialQueue(sqs.client, sqs.queueUrl).sendMany(items);

    expect(requests.map((r) => r.length)).toEqual([10, 2]);
    const ready = (await drain()) as { callId: string; attempt: number }[];
    expect(ready.sort((a, b) => a.callId.localeCompare(b.callId))).toEqual(
      items.map((i) => i.job).sort((a, b) => a.callId.localeCompare(b.callId)),
    );
  });

  it('throws when an entry keeps failing, after sending the others', async () => {
    failEntries((body) => body.includes('"c_stuck"'));
    const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);

    await expect(
      queue.sendMany([
        { job: { callId: 'c_ok', attempt: 1 }, delaySeconds: 0 },
        { job: { callId: 'c_stuck', attempt: 1 }, delaySeconds: 0 },
      ]),
    ).rejects.toThrow(/1 dial job\(s\) could not be enqueued.*InternalError/);
    expect(await drain()).toEqual([{ callId: 'c_ok', attempt: 1 }]);
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

  it('never takes a task for a dial job, and drops a task without a kind', () => {
    expect(parseDialJob('{"kind":"example","callId":"c_9","attempt":4}')).toBeUndefined();
    expect(parseQueueMessage('{"kind":"","callId":"c_9","attempt":4}')).toBeUndefined();
    expect(parseQueueMessage('{"kind":7}')).toBeUndefined();
    expect(parseQueueMessage('{"callId":"c_9","attempt":4}')).toEqual({ type: 'dial', job: { callId: 'c_9', attempt: 4 } });
  });
});
