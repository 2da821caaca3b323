import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createAttemptDispatcher } from '../../functions/adapters/attempt-dispatcher';
import { createLocalScheduler } from '../../functions/adapters/dynamodb/local-scheduler';
import { createSqsDialQueue, parseDialJob } from '../../functions/adapters/sqs/sqs-dial-queue';
import type { DialJob } from '../../functions/core/model';
import { startTestTable } from '../support/dynamo';
import { startTestQueue } from '../support/fauxqs';

const T0 = new Date('2026-06-01T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('local scheduler (dynalite + fauxqs)', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let sqs: Awaited<ReturnType<typeof startTestQueue>>;

  beforeEach(async () => {
    table = await startTestTable();
    sqs = await startTestQueue();
  });
  afterEach(async () => {
    await sqs.stop();
    table.client.destroy();
    await table.dynamo.stop();
  });

  const newScheduler = (extra: { now?: () => Date; pollMs?: number } = {}) =>
    createLocalScheduler({
      client: table.client,
      tableName: table.tableName,
      queue: createSqsDialQueue(sqs.client, sqs.queueUrl),
      ...extra,
    });

  /** Everything ready in the queue now, taken off it. */
  async function drainQueue(): Promise<DialJob[]> {
    const jobs: DialJob[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return jobs;
      jobs.push(...Messages.map((m) => parseDialJob(m.Body ?? '') as DialJob));
      await sqs.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  const storedSchedule = (name: string) =>
    table.client
      .send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: `SCHEDULE#${name}` }, sk: { S: 'SCHEDULE' } } }))
      .then((r) => r.Item);

  it('fires a schedule into the dial queue when it is due, not before', async () => {
    const scheduler = newScheduler();
    const job = { callId: 'c_due', attempt: 1 };
    await scheduler.schedule(job, at(60), 'America/New_York', T0);

    expect(await storedSchedule('c_due-a1')).toMatchObject({
      gsi2pk: { S: 'SCHEDULES' },
      gsi2sk: { S: '2026-06-01T13:00:00.000Z#c_due-a1' },
      dueAt: { S: '2026-06-01T13:00:00.000Z' },
    });
    expect(await scheduler.fireDue(T0)).toBe(0);
    expect(await scheduler.fireDue(new Date(at(60).getTime() - 1))).toBe(0);
    expect(await drainQueue()).toEqual([]);

    expect(await scheduler.fireDue(at(60))).toBe(1);
    expect(await drainQueue()).toEqual([job]);
    expect(await storedSchedule('c_due-a1')).toBeUndefined();
    expect(await scheduler.fireDue(at(120))).toBe(0);
  });

  it('takes over a schedule whose poller died while firing it once its claim has run out', async () => {
    // A poller that claimed the schedule and then never finished sending it.
    const stuck = createLocalScheduler({
      client: table.client,
      tableName: table.tableName,
      queue: {
        send: () => new Promise<void>(() => undefined),
        sendMany: () => new Promise<void>(() => undefined),
        sendTask: () => new Promise<void>(() => undefined),
      },
    });
    await stuck.schedule({ callId: 'c_orphan', attempt: 1 }, at(5), 'UTC', T0);
    void stuck.fireDue(at(5));
    for (let i = 0; i < 100 && !(await storedSchedule('c_orphan-a1'))?.claimToken; i++) await new Promise((r) => setTimeout(r, 10));

    const survivor = newScheduler();
    expect(await survivor.fireDue(at(5))).toBe(0);
    expect(await survivor.fireDue(at(6) /* the claim lasts a minute */)).toBe(0);
    expect(await survivor.fireDue(new Date(at(6).getTime() + 1))).toBe(1);
    expect(await drainQueue()).toEqual([{ callId: 'c_orphan', attempt: 1 }]);
  });
});

describe('attempt dispatcher over the local scheduler', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let sqs: Awaited<ReturnType<typeof startTestQueue>>;
  beforeAll(async () => {
    table = await startTestTable();
    sqs = await startTestQueue();
  });
  afterAll(async () => {
    await sqs.stop();
    table.client.destroy();
    await table.dynamo.stop();
  });

  it('queues a due attempt at once and schedules a later one', async () => {
    const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
    const scheduler = createLocalScheduler({ client: table.client, tableName: table.tableName, queue });
    const dispatcher = createAttemptDispatcher(queue, scheduler);
    const receive = async () => {
      const { Messages = [] } = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return Messages.map((m) => parseDialJob(m.Body ?? ''));
    };

    await dispatcher.dispatch({ callId: 'c_now', attempt: 1 }, T0, T0);
    expect(await receive()).toEqual([{ callId: 'c_now', attempt: 1 }]);

    await dispatcher.dispatch({ callId: 'c_later', attempt: 2 }, at(120), T0);
    await dispatcher.dispatch({ callId: 'c_cancelled', attempt: 1 }, at(120), T0);
    await dispatcher.cancel({ callId: 'c_cancelled', attempt: 1 });
    expect(await scheduler.fireDue(at(119))).toBe(0);
    expect(await scheduler.fireDue(at(120))).toBe(1);
    expect(await receive()).toEqual([{ callId: 'c_later', attempt: 2 }]);
  });

  it('dispatchMany sends the near jobs in batches and schedules the later ones', async () => {
    const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
    const scheduler = createLocalScheduler({ client: table.client, tableName: table.tableName, queue });
    const dispatcher = createAttemptDispatcher(queue, scheduler);
    const sent: { entries: number }[] = [];
    sqs.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Entries?: unknown[] };
        if (input.Entries) sent.push({ entries: input.Entries.length });
        return next(args);
      },
      { step: 'initialize', name: 'countBatchEntries' },
    );
    const nearJobs = Array.from({ length: 23 }, (_, i) => ({ job: { callId: `c_many${i}`, attempt: 1 }, at: T0 }));
    const laterJobs = [
      { job: { callId: 'c_many_later0', attempt: 1 }, at: at(300) },
      { job: { callId: 'c_many_later1', attempt: 2 }, at: at(301) },
    ];

    await dispatcher.dispatchMany([...nearJobs.slice(0, 10), ...laterJobs, ...nearJobs.slice(10)], T0);

    expect(sent.map((s) => s.entries).sort((a, b) => a - b)).toEqual([3, 10, 10]);
    const jobs: DialJob[] = [];
    for (let i = 0; i < 20 && jobs.filter((j) => j.callId.startsWith('c_many')).length < nearJobs.length; i++) {
      const { Messages = [] } = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      jobs.push(...Messages.map((m) => parseDialJob(m.Body ?? '') as DialJob));
      if (Messages.length > 0) {
        await sqs.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: sqs.queueUrl,
            Entries: Messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    }
    expect(
      jobs
        .map((j) => j.callId)
        .filter((id) => id.startsWith('c_many'))
        .sort(),
    ).toEqual(nearJobs.map((j) => j.job.callId).sort());
    expect(await scheduler.fireDue(at(299))).toBe(0);
    expect(await scheduler.fireDue(at(301))).toBe(2);
  });
});
