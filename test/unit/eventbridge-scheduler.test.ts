// The real SchedulerClient serialises and signs each request; a request handler in place
// of the network records what would go to AWS and answers as EventBridge Scheduler does.
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { HttpRequest } from '@smithy/types';
import { createEventBridgeScheduler, MIN_SCHEDULE_LEAD_SECONDS } from '../../functions/adapters/eventbridge/eventbridge-scheduler';

interface SentRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: any;
}

type Reply = { status: 200; body: Record<string, unknown> } | { status: number; error: string; message: string };

class FakeSchedulerApi {
  readonly sent: SentRequest[] = [];
  private readonly replies: Reply[] = [];

  reply(...replies: Reply[]) {
    this.replies.push(...replies);
  }

  async handle(request: HttpRequest) {
    const raw = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? '');
    this.sent.push({
      method: request.method,
      path: decodeURIComponent(request.path),
      query: { ...request.query },
      body: raw ? JSON.parse(raw) : undefined,
    });
    const reply = this.replies.shift() ?? {
      status: 200,
      body: { ScheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/hubdial/x' },
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': 'req-1' };
    let body: Record<string, unknown>;
    if ('error' in reply) {
      headers['x-amzn-errortype'] = `${reply.error}:http://internal.amazon.com/coral/com.amazonaws.chronos/`;
      body = { Message: reply.message };
    } else {
      body = reply.body;
    }
    return { response: { statusCode: reply.status, headers, body: Buffer.from(JSON.stringify(body)) } };
  }

  updateHttpClientConfig() {}
  httpHandlerConfigs() {
    return {};
  }
}

const cfg = {
  groupName: 'hubdial',
  roleArn: 'arn:aws:iam::123456789012:role/hubdial-scheduler',
  queueArn: 'arn:aws:sqs:us-east-1:123456789012:hubdial-dial',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:hubdial-scheduler-dlq',
};
const job = { callId: 'c_7f2e91', attempt: 2 };
const now = new Date('2026-03-01T12:00:00.000Z');

function setup() {
  const api = new FakeSchedulerApi();
  const client = new SchedulerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: api,
    maxAttempts: 1,
  });
  return { api, scheduler: createEventBridgeScheduler(client, cfg) };
}

const conflict: Reply = { status: 409, error: 'ConflictException', message: 'Schedule c_7f2e91-a2 already exists.' };
const notFound: Reply = { status: 404, error: 'ResourceNotFoundException', message: 'Schedule c_7f2e91-a2 does not exist.' };

describe('EventBridge scheduler adapter', () => {
  it('creates a one-time schedule that sends the job to the dial queue', async () => {
    const { api, scheduler } = setup();
    await scheduler.schedule(job, new Date('2026-03-07T14:00:00.000Z'), 'America/New_York', now);

    expect(api.sent).toHaveLength(1);
    const [req] = api.sent;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/schedules/c_7f2e91-a2');
    expect(req?.body).toEqual({
      ClientToken: expect.any(String),
      GroupName: 'hubdial',
      Description: 'hubdial call c_7f2e91 attempt 2',
      ScheduleExpression: 'at(2026-03-07T09:00:00)',
      ScheduleExpressionTimezone: 'America/New_York',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: cfg.queueArn,
        RoleArn: cfg.roleArn,
        Input: '{"callId":"c_7f2e91","attempt":2}',
        DeadLetterConfig: { Arn: cfg.deadLetterArn },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86400 },
      },
    });
  });

  it('writes local wall time on each side of a DST change', async () => {
    const { api, scheduler } = setup();
    // New York springs forward on 2026-03-08: 14:00Z is 09:00 EST before, 10:00 EDT after.
    await scheduler.schedule(job, new Date('2026-03-07T14:00:00Z'), 'America/New_York', now);
    await scheduler.schedule(job, new Date('2026-03-09T13:00:00Z'), 'America/New_York', now);
    await scheduler.schedule(job, new Date('2026-03-09T14:00:00Z'), 'America/New_York', now);
    // Berlin moves on 2026-03-29: 08:00Z is 09:00 CET before, 10:00 CEST after.
    await scheduler.schedule(job, new Date('2026-03-28T08:00:00Z'), 'Europe/Berlin', now);
    await scheduler.schedule(job, new Date('2026-03-30T08:00:00Z'), 'Europe/Berlin', now);

    expect(api.sent.map((r) => [r.body.ScheduleExpression, r.body.ScheduleExpressionTimezone])).toEqual([
      ['at(2026-03-07T09:00:00)', 'America/New_York'],
      ['at(2026-03-09T09:00:00)', 'America/New_York'],
      ['at(2026-03-09T10:00:00)', 'America/New_York'],
      ['at(2026-03-28T09:00:00)', 'Europe/Berlin'],
      ['at(2026-03-30T10:00:00)', 'Europe/Berlin'],
    ]);
  });

  it('falls back to UTC for a wall time that happens twice when clocks go back', async () => {
    const { api, scheduler } = setup();
    // 2026-11-01 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST) in New York.
    await scheduler.schedule(job, new Date('2026-11-01T05:30:00Z'), 'America/New_York', now);
    await scheduler.schedule(job, new Date('2026-11-01T06:30:00Z'), 'America/New_York', now);
    await scheduler.schedule(job, new Date('2026-11-01T07:30:00Z'), 'America/New_York', now);

    expect(api.sent.map((r) => [r.body.ScheduleExpression, r.body.ScheduleExpressionTimezone])).toEqual([
      ['at(2026-11-01T05:30:00)', 'UTC'],
      ['at(2026-11-01T06:30:00)', 'UTC'],
      ['at(2026-11-01T02:30:00)', 'America/New_York'],
    ]);
  });

  it('moves a time that is past or too close forward so AWS accepts it, and never fires early', async () => {
    const { api, scheduler } = setup();
    await scheduler.schedule(job, new Date(now.getTime() - 3_600_000), 'UTC', now);
    await scheduler.schedule(job, new Date(now.getTime() + 10_000), 'UTC', now);
    await scheduler.schedule(job, new Date('2026-03-01T13:00:00.250Z'), 'UTC', now);

    const lead = new Date(now.getTime() + MIN_SCHEDULE_LEAD_SECONDS * 1000).toISOString().slice(0, 19);
    expect(api.sent.map((r) => r.body.ScheduleExpression)).toEqual([`at(${lead})`, `at(${lead})`, 'at(2026-03-01T13:00:01)']);
  });

  it('treats an existing schedule for the job as scheduled, updating it to the requested time', async () => {
    const { api, scheduler } = setup();
    api.reply(conflict, { status: 200, body: { ScheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/hubdial/c_7f2e91-a2' } });
    await scheduler.schedule(job, new Date('2026-03-07T14:00:00Z'), 'UTC', now);

    expect(api.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /schedules/c_7f2e91-a2', 'PUT /schedules/c_7f2e91-a2']);
    const [create, update] = api.sent;
    const { ClientToken: _a, ...created } = create!.body;
    const { ClientToken: _b, ...updated } = update!.body;
    expect(updated).toEqual(created);
    expect(updated.ScheduleExpression).toBe('at(2026-03-07T14:00:00)');
  });

  it('creates again when the conflicting schedule was deleted before the update', async () => {
    const { api, scheduler } = setup();
    api.reply(conflict, notFound);
    await scheduler.schedule(job, new Date('2026-03-07T14:00:00Z'), 'UTC', now);
    expect(api.sent.map((r) => r.method)).toEqual(['POST', 'PUT', 'POST']);
  });

  it('passes other errors on', async () => {
    const { api, scheduler } = setup();
    api.reply({ status: 400, error: 'ValidationException', message: 'Invalid RoleArn.' });
    await expect(scheduler.schedule(job, new Date('2026-03-07T14:00:00Z'), 'UTC', now)).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('refuses an unknown time zone before calling AWS', async () => {
    const { api, scheduler } = setup();
    await expect(scheduler.schedule(job, new Date('2026-03-07T14:00:00Z'), 'Mars/Olympus_Mons', now)).rejects.toThrow('invalid time zone');
    expect(api.sent).toHaveLength(0);
  });

  it('cancels by deleting the schedule, and a missing one is fine', async () => {
    const { api, scheduler } = setup();
    api.reply({ status: 200, body: {} }, notFound);
    await scheduler.cancel(job);
    await scheduler.cancel(job);

    expect(api.sent).toHaveLength(2);
    expect(api.sent[0]).toMatchObject({ method: 'DELETE', path: '/schedules/c_7f2e91-a2', query: { groupName: 'hubdial' } });
  });

  it('passes on a cancel AWS refuses', async () => {
    const { api, scheduler } = setup();
    api.reply({ status: 403, error: 'AccessDeniedException', message: 'not authorized to perform: scheduler:DeleteSchedule' });
    await expect(scheduler.cancel(job)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
