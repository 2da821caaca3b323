// Pure rules of what a settled attempt sets in motion: the HubSpot engagement's
// properties, which write-back and notify tasks a change calls for, the event body.
import { callEngagement, HUBSPOT_CALL_DISPOSITIONS, MAX_CALL_BODY_BYTES } from '../../functions/core/call-engagement';
import { followUpTasks, parseNotifyTask, repeatedFollowUpTasks, retryDelaySeconds } from '../../functions/core/follow-ups';
import type { Attempt, CallRecord } from '../../functions/core/model';
import { notificationEvent } from '../../functions/core/notification-event';
import { parseNotifyTarget } from '../../functions/core/notify-target';

const NOTIFY = { url: 'https://hooks.example.com/h', secret: 's'.repeat(20) };

function call(attempts: Partial<Attempt>[], status: CallRecord['status'] = 'dialing'): CallRecord {
  return {
    id: 'call_1',
    workspaceId: 'default',
    agentId: 'agt_1',
    portalId: '62515',
    contactId: '42',
    to: '+14155550142',
    variables: {},
    status,
    reason: '',
    settings: { carryOver: false, numOfRetries: 1, gapHours: [1] },
    timezone: 'UTC',
    attempts: attempts.map((a, i) => ({ number: i + 1, scheduledAt: '2026-06-10T15:00:00.000Z', ...a })),
    history: [{ at: '2026-06-10T15:00:00.000Z', status, reason: '' }],
    createdAt: '2026-06-10T15:00:00.000Z',
    updatedAt: '2026-06-10T15:05:00.000Z',
    version: 3,
  };
}

describe('callEngagement', () => {
  it('maps each outcome to HubSpot default disposition ids; a failed call gets none', () => {
    expect(HUBSPOT_CALL_DISPOSITIONS).toEqual({
      completed: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
      'no-answer': '73a0d17f-1163-4015-bdd5-ec830791da20',
      busy: '9d9162e7-6cf3-4944-bf63-4dff82258764',
      voicemail: 'b2cf5968-551e-4856-9783-52b3da59a7d0',
    });
    const c = call([{ outcome: 'failed', startedAt: '2026-06-10T15:01:00.000Z' }]);
    expect(callEngagement(c, c.attempts[0] as Attempt)).not.toHaveProperty('disposition');
  });

  it('puts the duration in ms, the summary before the transcript, and an https recording only', () => {
    const c = call([
      {
        outcome: 'completed',
        startedAt: '2026-06-10T15:01:00.000Z',
        durationSeconds: 61.5,
        summary: 'Wants a demo.',
        transcript: 'Agent: Hi.',
        recordingUrl: 'https://r.example/1.wav',
      },
    ]);
    const e = callEngagement(c, c.attempts[0] as Attempt);
    expect(e).toMatchObject({
      durationMs: 61500,
      recordingUrl: 'https://r.example/1.wav',
      toNumber: '+14155550142',
      timestamp: '2026-06-10T15:01:00.000Z',
    });
    expect(e?.body.indexOf('Wants a demo.')).toBeLessThan(e?.body.indexOf('Agent: Hi.') ?? -1);
    const plain = call([{ outcome: 'completed', recordingUrl: 'http://r.example/1.wav' }]);
    expect(callEngagement(plain, plain.attempts[0] as Attempt)).not.toHaveProperty('recordingUrl');
    expect(callEngagement(call([{}]), { number: 1, scheduledAt: '' })).toBeUndefined();
  });

  it('bounds the body, cutting the transcript and keeping the summary and outcome line', () => {
    const c = call([{ outcome: 'completed', summary: 'Short summary.', transcript: 'ü'.repeat(60_000) }]);
    const body = callEngagement(c, c.attempts[0] as Attempt)?.body ?? '';
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(MAX_CALL_BODY_BYTES);
    expect(body).toContain('Short summary.');
    expect(body).toContain('[transcript cut by hubdial]');
    expect(body).toMatch(/Outcome: connected\. hubdial call call_1, attempt 1\.$/);
    expect(body).not.toContain('\uFFFD');
  });
});

describe('followUpTasks', () => {
  const agent = { writeBackToHubSpot: true, notify: NOTIFY };

  it('a newly settled final attempt: one write-back, attempt.settled and call.finished', () => {
    const before = call([{ startedAt: 'x' }]);
    const after = call([{ startedAt: 'x', outcome: 'completed' }], 'completed');
    expect(followUpTasks(agent, before, after)).toEqual([
      { kind: 'hubspot-writeback', callId: 'call_1', attempt: 1 },
      { kind: 'notify', eventId: 'call_1:1:attempt.settled', type: 'attempt.settled', callId: 'call_1', attempt: 1 },
      { kind: 'notify', eventId: 'call_1:call.finished', type: 'call.finished', callId: 'call_1' },
    ]);
  });

  it('a settled attempt with a retry planned: no call.finished; nothing when the agent asks for nothing', () => {
    const after = call([{ outcome: 'no-answer' }, {}], 'scheduled');
    expect(followUpTasks(agent, call([{}]), after).map((t) => t.type ?? t.kind)).toEqual(['hubspot-writeback', 'attempt.settled']);
    expect(followUpTasks({}, call([{}]), after)).toEqual([]);
  });

  it('a later summary: a write-back (the PATCH), no second event; the same details again: nothing', () => {
    const settled = call([{ outcome: 'completed' }], 'completed');
    const summarised = call([{ outcome: 'completed', summary: 'Later.' }], 'completed');
    expect(followUpTasks(agent, settled, summarised)).toEqual([{ kind: 'hubspot-writeback', callId: 'call_1', attempt: 1 }]);
    expect(followUpTasks(agent, summarised, summarised)).toEqual([]);
  });

  it('a repeated callback hands the write-back off again only while no engagement id is kept', () => {
    const settled = call([{ outcome: 'completed' }], 'completed');
    expect(repeatedFollowUpTasks(agent, settled, 1).map((t) => t.kind)).toEqual(['hubspot-writeback', 'notify', 'notify']);
    const written = call([{ outcome: 'completed', hubspotCallId: '501' }], 'completed');
    expect(repeatedFollowUpTasks(agent, written, 1).map((t) => t.kind)).toEqual(['notify', 'notify']);
  });

  it('backs off 2, 4, 8 ... s up to 15 min, or takes Retry-After', () => {
    expect([1, 2, 3, 20].map((n) => retryDelaySeconds(n))).toEqual([2, 4, 8, 900]);
    expect(retryDelaySeconds(1, 7)).toBe(7);
    expect(retryDelaySeconds(1, 100_000)).toBe(900);
  });
});

describe('notification events', () => {
  it('carries a stable eventId, the attempt end as occurredAt and the call detail without internal markers', () => {
    const c = call([{ outcome: 'busy', endedAt: '2026-06-10T15:02:00.000Z', hubspotPostingAt: '2026-06-10T15:02:01.000Z' }], 'failed');
    const task = parseNotifyTask({ kind: 'notify', type: 'attempt.settled', callId: 'call_1', attempt: 1, eventId: 'forged' });
    expect(task?.eventId).toBe('call_1:1:attempt.settled');
    const event = notificationEvent(task as NonNullable<typeof task>, c);
    expect(event).toMatchObject({ eventId: 'call_1:1:attempt.settled', type: 'attempt.settled', occurredAt: '2026-06-10T15:02:00.000Z' });
    expect(event?.call.attempts[0]).not.toHaveProperty('hubspotPostingAt');
    expect(notificationEvent({ eventId: 'call_1:call.finished', type: 'call.finished' }, call([{}]))).toBeUndefined();
    expect(parseNotifyTask({ kind: 'notify', type: 'call.ended', callId: 'call_1' })).toBeUndefined();
  });

  it('validates notify {url, secret} by field and keeps the stored secret when it is left out', () => {
    expect(parseNotifyTarget({ url: 'ftp://x', secret: 's'.repeat(20) })).toMatchObject({ ok: false, error: { parameter: 'notify.url' } });
    expect(parseNotifyTarget({ url: NOTIFY.url, secret: 'short' })).toMatchObject({ ok: false, error: { parameter: 'notify.secret' } });
    expect(parseNotifyTarget({ url: NOTIFY.url, secret: NOTIFY.secret, extra: 1 })).toMatchObject({
      ok: false,
      error: { parameter: 'notify.extra' },
    });
    expect(parseNotifyTarget({ url: NOTIFY.url }, NOTIFY)).toEqual({ ok: true, value: NOTIFY });
    expect(parseNotifyTarget(null)).toEqual({ ok: true, value: undefined });
  });
});
