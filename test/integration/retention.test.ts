// Retention: the sweeper erases the personal data of calls finished longer ago than
// retentionDays, the same way as a privacy deletion, once, and leaves the rest.
import { createSweeper } from '../../functions/handlers/sweeper';
import { parseRetentionDays } from '../../functions/core/retention';
import type { CallRecord } from '../../functions/core/model';
import { startTestStack, type TestStack } from '../support/local-stack';

const NOW = new Date('2026-06-10T15:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

function finished(id: string, at: string, status: CallRecord['status'] = 'completed'): CallRecord {
  return {
    id,
    workspaceId: 'default',
    agentId: 'agt_ret',
    portalId: '62515',
    contactId: id.replace(/\D/g, ''),
    to: '+14155550900',
    variables: { firstname: 'Retta' },
    status,
    reason: 'attempt 1: connected',
    settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
    timezone: 'America/New_York',
    attempts: [{ number: 1, scheduledAt: at, startedAt: at, endedAt: at, outcome: 'completed' }],
    history: [{ at, status, reason: 'attempt 1: connected' }],
    createdAt: at,
    updatedAt: at,
    version: 3,
  };
}

describe('retention', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ now: () => NOW });
  });
  afterAll(() => t.stop());

  it('erases finished calls older than the period, once, keeping ids, status and a history line', async () => {
    const store = t.stack.deps.store;
    await store.createCall(finished('call_ret_old1', daysAgo(40)));
    await store.createCall(finished('call_ret_old2', daysAgo(31), 'failed'));
    await store.createCall(finished('call_ret_new3', daysAgo(10)));
    const waiting = {
      ...finished('call_ret_wait4', daysAgo(60)),
      status: 'scheduled' as const,
      attempts: [{ number: 1, scheduledAt: daysAgo(60) }],
    };
    await store.createCall(waiting);

    const sweep = createSweeper({ store, dispatcher: t.stack.deps.dispatcher, now: () => NOW, retentionDays: 30 });
    const first = await sweep();
    expect(first.erased).toBe(2);
    for (const id of ['call_ret_old1', 'call_ret_old2']) {
      const call = await store.getCall(id);
      expect(JSON.stringify(call)).not.toContain('+14155550900');
      expect(JSON.stringify(call)).not.toContain('Retta');
      expect(call?.erasedAt).toBe(NOW.toISOString());
      expect(call?.history.at(-1)?.reason).toBe(`personal data erased at ${NOW.toISOString()}: retention period of 30 days passed`);
    }
    expect((await store.getCall('call_ret_old2'))?.status).toBe('failed');
    expect((await store.getCall('call_ret_new3'))?.to).toBe('+14155550900');
    expect((await store.getCall('call_ret_wait4'))?.to).toBe('+14155550900');
    expect((await sweep()).erased).toBe(0);

    // Without a period (the default) nothing is erased and the summary does not mention it.
    const keep = createSweeper({ store, dispatcher: t.stack.deps.dispatcher, now: () => new Date(NOW.getTime() + 400 * 86_400_000) });
    expect((await keep()).erased).toBeUndefined();
    expect((await store.getCall('call_ret_new3'))?.to).toBe('+14155550900');
  });

  it('reads RETENTION_DAYS strictly', () => {
    expect(parseRetentionDays(undefined)).toBeUndefined();
    expect(parseRetentionDays('')).toBeUndefined();
    expect(parseRetentionDays('90')).toBe(90);
    for (const bad of ['0', '-1', '1.5', 'ninety', '4000']) expect(() => parseRetentionDays(bad)).toThrow(/RETENTION_DAYS/);
  });
});
