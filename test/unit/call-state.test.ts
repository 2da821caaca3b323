import {
  cancelCall,
  expireAttempt,
  MAX_DIAL_ERRORS_PER_ATTEMPT,
  newCall,
  pendingAttempt,
  recordDetails,
  recordPlacementError,
  boundTranscript,
  markWaiting,
  MAX_TRANSCRIPT_BYTES,
  TRANSCRIPT_CUT_MARKER,
  recordOutcome,
  recordPlaced,
  startAttempt,
  type NewCallInput,
} from '../../functions/core/call-state';
import type { CallRecord, CallSettings } from '../../functions/core/model';

const NY = 'America/New_York';
const window9to18: CallSettings = { window: { min: '09:00', max: '18:00' }, carryOver: true, numOfRetries: 2, gapHours: [2] };

function input(over: Partial<NewCallInput> = {}): NewCallInput {
  return {
    id: 'call_x',
    workspaceId: 'default',
    agentId: 'agt_1',
    portalId: '62515',
    contactId: '101',
    timezone: NY,
    settings: window9to18,
    variables: { firstname: 'Ada' },
    phone: { ok: true, e164: '+14155552671' },
    now: new Date('2026-06-10T15:00:00Z'), // 11:00 in New York
    ...over,
  };
}

function unwrap(t: { call: CallRecord } | { unchanged: string } | { reschedule: CallRecord; at: Date }): CallRecord {
  if ('call' in t) return t.call;
  throw new Error(`expected a transition, got ${JSON.stringify(t)}`);
}

describe('newCall', () => {
  it('schedules the first attempt now inside the window, at version 1 with one history line', () => {
    const call = newCall(input());
    expect(call.status).toBe('scheduled');
    expect(call.version).toBe(1);
    expect(call.attempts).toEqual([{ number: 1, scheduledAt: '2026-06-10T15:00:00.000Z' }]);
    expect(call.history).toHaveLength(1);
    expect(call.reason).toMatch(/inside the call window/);
  });

  it('carries a contact created after hours over to the next opening', () => {
    const call = newCall(input({ now: new Date('2026-06-10T23:30:00Z') })); // 19:30 NY
    expect(call.attempts[0]?.scheduledAt).toBe('2026-06-11T13:00:00.000Z'); // 09:00 NY
    expect(call.reason).toMatch(/carried over/);
  });

  it('skips outside the window when carry_over is off, naming the window', () => {
    const call = newCall(input({ now: new Date('2026-06-10T23:30:00Z'), settings: { ...window9to18, carryOver: false } }));
    expect(call.status).toBe('skipped');
    expect(call.reason).toMatch(/09:00/);
    expect(call.attempts).toEqual([]);
  });

  it('fails a contact without a usable phone with the phone reason', () => {
    const call = newCall(input({ phone: { ok: false, reason: 'contact has no phone number' } }));
    expect(call.status).toBe('failed');
    expect(call.reason).toBe('contact has no phone number');
    expect(call.to).toBeUndefined();
  });
});

describe('dialling and outcomes', () => {
  const now = new Date('2026-06-10T15:00:00Z');
  const dialing = () => unwrap(startAttempt(newCall(input()), 1, now));

  it('starts only the pending attempt, once', () => {
    const call = dialing();
    expect(call.status).toBe('dialing');
    expect(call.version).toBe(2);
    expect(call.attempts[0]?.startedAt).toBe(now.toISOString());
    expect(startAttempt(call, 1, now)).toHaveProperty('unchanged');
    expect(startAttempt(newCall(input()), 2, now)).toHaveProperty('unchanged');
  });

  it('moves a job that fires outside the window to the next opening instead of dialling', () => {
    const late = new Date('2026-06-10T23:00:00Z'); // 19:00 NY
    const t = startAttempt(newCall(input()), 1, late);
    expect(t).toHaveProperty('reschedule');
    if (!('reschedule' in t)) return;
    expect(t.at.toISOString()).toBe('2026-06-11T13:00:00.000Z');
    expect(t.reschedule.status).toBe('scheduled');
    expect(pendingAttempt(t.reschedule)?.scheduledAt).toBe('2026-06-11T13:00:00.000Z');
  });

  it('completes on a connected outcome', () => {
    const placed = unwrap(recordPlaced(dialing(), 1, 'p-1', now));
    const done = unwrap(recordOutcome(placed, { attempt: 1, outcome: 'completed', providerCallId: 'p-1', durationSeconds: 42 }, now));
    expect(done.status).toBe('completed');
    expect(done.attempts[0]).toMatchObject({ outcome: 'completed', durationSeconds: 42, providerCallId: 'p-1' });
  });

  it('plans a retry after no answer using the gap, then fails when retries run out', () => {
    let call = dialing();
    const t1 = recordOutcome(call, { attempt: 1, outcome: 'no-answer' }, now);
    call = unwrap(t1);
    expect(call.status).toBe('scheduled');
    expect('retryAt' in t1 && t1.retryAt?.toISOString()).toBe('2026-06-10T17:00:00.000Z');
    expect(call.attempts[1]).toEqual({ number: 2, scheduledAt: '2026-06-10T17:00:00.000Z' });

    const at2 = new Date('2026-06-10T17:00:00Z');
    call = unwrap(recordOutcome(unwrap(startAttempt(call, 2, at2)), { attempt: 2, outcome: 'busy' }, at2));
    const at3 = new Date(call.attempts[2]!.scheduledAt);
    call = unwrap(recordOutcome(unwrap(startAttempt(call, 3, at3)), { attempt: 3, outcome: 'voicemail' }, at3));
    expect(call.status).toBe('failed');
    expect(call.attempts).toHaveLength(3);
    expect(call.reason).not.toBe('');
  });

  it('ignores a repeated or late callback for a settled attempt', () => {
    const done = unwrap(recordOutcome(dialing(), { attempt: 1, outcome: 'completed' }, now));
    expect(recordOutcome(done, { attempt: 1, outcome: 'no-answer' }, now)).toHaveProperty('unchanged');
    expect(recordOutcome(done, { attempt: 2, outcome: 'completed' }, now)).toHaveProperty('unchanged');
  });

  it('ignores a callback whose provider call id does not match the attempt', () => {
    const placed = unwrap(recordPlaced(dialing(), 1, 'p-1', now));
    expect(recordOutcome(placed, { attempt: 1, outcome: 'completed', providerCallId: 'other' }, now)).toHaveProperty('unchanged');
  });

  it('returns a certain refusal (429) to scheduled for a resend until the limit, then counts the attempt as failed', () => {
    let call = dialing();
    for (let i = 1; i < MAX_DIAL_ERRORS_PER_ATTEMPT; i++) {
      const t = recordPlacementError(call, 1, 'retry', 'HTTP 429', now);
      expect(t.resend).toBe(true);
      call = unwrap(t);
      expect(call.status).toBe('scheduled');
      expect(call.attempts[0]?.startedAt).toBeUndefined();
      call = unwrap(startAttempt(call, 1, now));
    }
    const last = recordPlacementError(call, 1, 'retry', 'HTTP 429', now);
    expect(last.resend).toBeUndefined();
    call = unwrap(last);
    expect(call.attempts[0]).toMatchObject({ outcome: 'failed', dialErrors: MAX_DIAL_ERRORS_PER_ATTEMPT });
    expect(call.status).toBe('scheduled'); // numOfRetries 2: the next attempt is planned
    expect(call.attempts).toHaveLength(2);
  });

  it('treats a refused call (4xx) as a failed attempt at once', () => {
    const call = unwrap(recordPlacementError(dialing(), 1, 'refused', 'HTTP 400', now));
    expect(call.attempts[0]?.outcome).toBe('failed');
    expect(call.attempts[0]?.reason).toMatch(/refused/);
  });

  it('keeps an attempt whose placement is uncertain (5xx, timeout) dialing, never to be sent again', () => {
    const t = recordPlacementError(dialing(), 1, 'uncertain', 'HTTP 500', now);
    expect(t.resend).toBeUndefined();
    const call = unwrap(t);
    expect(call.status).toBe('dialing');
    expect(call.attempts[0]?.startedAt).toBeDefined();
    expect(call.attempts[0]?.dialErrors).toBeUndefined();
    expect(call.reason).toMatch(/waiting for the platform's callback/);
  });

  it("waits for a slot after the platform's concurrency refusal without counting a try", () => {
    const t = recordPlacementError(dialing(), 1, 'busy', 'concurrency limit reached', now);
    expect(t.resend).toBe(true);
    const call = unwrap(t);
    expect(call.status).toBe('scheduled');
    expect(call.attempts[0]?.dialErrors).toBeUndefined();
    expect(call.attempts[0]?.waiting?.reason).toMatch(/free slot/);
    expect(unwrap(startAttempt(call, 1, now)).attempts[0]?.waiting).toBeUndefined();
  });

  it('says once that an attempt waits for pacing', () => {
    const call = newCall(input());
    const waiting = unwrap(markWaiting(call, 1, 'waiting for a free slot: 3 of 3 live calls', now));
    expect(waiting.status).toBe('scheduled');
    expect(waiting.reason).toBe('attempt 1 waiting for a free slot: 3 of 3 live calls');
    expect(waiting.attempts[0]?.waiting).toEqual({ since: now.toISOString(), reason: 'waiting for a free slot: 3 of 3 live calls' });
    expect(markWaiting(waiting, 1, 'again', now)).toHaveProperty('unchanged');
  });

  it('keeps what the platform said, adds a later summary to the settled attempt, and changes nothing on a repeat', () => {
    const settled = unwrap(
      recordOutcome(
        dialing(),
        {
          attempt: 1,
          outcome: 'completed',
          providerReason: 'user_hangup',
          transcript: 'Agent: hi',
          recordingUrl: 'https://r.example/1.wav',
        },
        now,
      ),
    );
    expect(settled.attempts[0]).toMatchObject({
      providerReason: 'user_hangup',
      transcript: 'Agent: hi',
      recordingUrl: 'https://r.example/1.wav',
    });
    const analyzed = unwrap(recordDetails(settled, 1, { summary: 'Ada wants a demo' }, now));
    expect(analyzed.status).toBe('completed');
    expect(analyzed.version).toBe(settled.version + 1);
    expect(analyzed.attempts[0]).toMatchObject({ summary: 'Ada wants a demo', outcome: 'completed', providerReason: 'user_hangup' });
    expect(recordDetails(analyzed, 1, { summary: 'Ada wants a demo' }, now)).toHaveProperty('unchanged');
  });

  it('bounds a transcript to 32 KB with a cut marker', () => {
    expect(boundTranscript('short')).toBe('short');
    const long = 'é'.repeat(40_000);
    const cut = boundTranscript(long);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(MAX_TRANSCRIPT_BYTES);
    expect(cut.endsWith(TRANSCRIPT_CUT_MARKER)).toBe(true);
    expect(cut).not.toContain('\uFFFD');
  });

  it('expires an attempt whose callback never came', () => {
    const call = unwrap(expireAttempt(dialing(), new Date(now.getTime() + 3_600_000), 60));
    expect(call.attempts[0]).toMatchObject({ outcome: 'failed' });
    expect(call.attempts[0]?.reason).toMatch(/no status callback/);
  });

  it('cancels a pending call once, and never a finished one', () => {
    const cancelled = unwrap(cancelCall(newCall(input()), now));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelCall(cancelled, now)).toHaveProperty('unchanged');
    expect(startAttempt(cancelled, 1, now)).toHaveProperty('unchanged');
  });
});
