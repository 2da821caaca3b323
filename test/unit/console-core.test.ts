import { ADMIN_ROUTES, webhookUrlFor } from '../../functions/core/admin-contract';
import { parseCallSearch } from '../../functions/core/call-search';
import type { CallRecord } from '../../functions/core/model';
import { outcomesPerDay } from '../../functions/core/outcome-stats';
import { ADMIN_HANDLER_ROUTES } from '../../functions/handlers/admin';

describe('admin contract', () => {
  it('is the route table the admin handler answers, route for route', () => {
    const handler = ADMIN_HANDLER_ROUTES.map(([m, p]) => `${m} ${p}`).sort();
    expect(handler).toEqual(ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
  it('builds the webhook URL with the key as a placeholder', () => {
    expect(webhookUrlFor('https://x.example/', 'agt_1')).toBe(
      'https://x.example/call/crm-webhook?agent_id=agt_1&type=hubspot&x_api_key=YOUR_API_KEY',
    );
  });
});

describe('call search parameters', () => {
  it('reads dates and times as ISO 8601 UTC', () => {
    expect(parseCallSearch({ from: '2026-06-01', to: '2026-06-02T09:00:00+02:00' })).toEqual({
      ok: true,
      value: { from: '2026-06-01T00:00:00.000Z', to: '2026-06-02T07:00:00.000Z', q: undefined },
    });
  });
  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-45' }, 'to'],
    [{ from: '2026-06-02', to: '2026-06-01' }, 'to'],
    [{ q: 'x'.repeat(65) }, 'q'],
  ])('names the bad parameter in %j', (query, parameter) => {
    expect(parseCallSearch(query)).toMatchObject({ ok: false, parameter });
  });
  it('keeps a contact id and reads a formatted number as E.164', () => {
    expect(parseCallSearch({ q: ' 501 ' })).toMatchObject({ value: { q: '501' } });
    expect(parseCallSearch({ q: '+1 (415) 555-0501' })).toMatchObject({ value: { q: '+14155550501' } });
  });
});

describe('outcomes per day', () => {
  const now = new Date('2026-06-30T10:00:00Z');
  const base = { workspaceId: 'default', agentId: 'a', portalId: 'p', variables: {}, reason: '', timezone: 'UTC', history: [], version: 1 };
  const call = (over: Partial<CallRecord>): CallRecord =>
    ({
      ...base,
      id: 'c',
      contactId: '1',
      status: 'completed',
      settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
      attempts: [],
      createdAt: '2026-06-29T00:00:00Z',
      updatedAt: '2026-06-29T00:00:00Z',
      ...over,
    }) as CallRecord;
  it('counts each settled attempt on the UTC day it ended, skipped calls on their day, and the connect rate', () => {
    const stats = outcomesPerDay(
      [
        call({
          attempts: [
            { number: 1, scheduledAt: '2026-06-29T23:50:00Z', endedAt: '2026-06-29T23:59:59Z', outcome: 'no-answer' },
            { number: 2, scheduledAt: '2026-06-30T00:00:00Z', endedAt: '2026-06-30T00:00:01Z', outcome: 'completed' },
            { number: 3, scheduledAt: '2026-06-30T02:00:00Z' },
          ],
        }),
        call({ attempts: [{ number: 1, scheduledAt: '2026-06-30T01:00:00Z', endedAt: '2026-06-30T01:01:00Z', outcome: 'voicemail' }] }),
        call({ status: 'skipped', createdAt: '2026-06-01T05:00:00Z' }),
        call({ status: 'skipped', createdAt: '2026-05-31T23:59:59Z' }), // a day before the window
        call({ attempts: [{ number: 1, scheduledAt: '2026-05-01T00:00:00Z', endedAt: '2026-05-01T00:01:00Z', outcome: 'busy' }] }),
      ],
      now,
      30,
    );
    expect(stats.days).toHaveLength(30);
    expect(stats.days[0]?.day).toBe('2026-06-01');
    expect(stats.days[29]).toMatchObject({ day: '2026-06-30', connected: 1, voicemail: 1, noAnswer: 0 });
    expect(stats.days[28]).toMatchObject({ day: '2026-06-29', noAnswer: 1 });
    expect(stats.days[0]).toMatchObject({ skipped: 1 });
    expect(stats.totals).toEqual({ connected: 1, noAnswer: 1, busy: 0, voicemail: 1, failed: 0, skipped: 1 });
    expect(stats.attempts).toBe(3);
    expect(stats.connectRate).toBeCloseTo(1 / 3);
  });
  it('has no connect rate when nothing settled', () => {
    expect(outcomesPerDay([], now, 7)).toMatchObject({ attempts: 0, connectRate: null });
  });
});
