import {
  acquireSlot,
  emptyPacing,
  LEASE_TTL_MS,
  parsePacing,
  RATE_GUARD_MS,
  RATE_WINDOW_MS,
  releaseSlots,
} from '../../functions/core/pacing';
import type { PacingState } from '../../functions/core/model';

const T0 = 1_781_000_000_000;
const job = (n: number, attempt = 1) => ({ callId: `call_${n}`, attempt });

function take(state: PacingState, n: number, limits: { maxLiveCalls?: number; callsPerSecond?: number }, at = T0) {
  const d = acquireSlot(state, job(n), limits, at);
  return { d, state: d.state ?? state };
}

describe('pacing slots', () => {
  it('takes up to maxLiveCalls slots, then queues the rest as waiting, and wakes one per freed slot', () => {
    let s = emptyPacing('agt');
    for (const n of [1, 2, 3]) {
      const r = take(s, n, { maxLiveCalls: 3 });
      expect(r.d.ok).toBe(true);
      s = r.state;
    }
    const fourth = take(s, 4, { maxLiveCalls: 3 });
    expect(fourth.d).toMatchObject({ ok: false, forSlot: true });
    expect(fourth.d.ok ? '' : fourth.d.reason).toMatch(/3 of 3 live calls/);
    s = fourth.state;
    s = take(s, 5, { maxLiveCalls: 3 }).state;
    expect(s.waiting).toEqual(['call_4#1', 'call_5#1']);
    const freed = releaseSlots(s, [job(1)], { maxLiveCalls: 3 }, T0);
    expect(freed.wake).toEqual([job(4)]);
    s = freed.state as PacingState;
    expect(Object.keys(s.leases)).toEqual(['call_2#1', 'call_3#1']);
    expect(take(s, 4, { maxLiveCalls: 3 }).d.ok).toBe(true);
  });

  it('taking a slot already held is a no-op, and each stored change bumps the version', () => {
    const first = acquireSlot(emptyPacing('agt'), job(1), { maxLiveCalls: 1 }, T0);
    expect(first.state?.version).toBe(1);
    expect(acquireSlot(first.state as PacingState, job(1), { maxLiveCalls: 1 }, T0)).toEqual({ ok: true });
  });

  it('allows callsPerSecond starts in a (guarded) sliding second', () => {
    let s = emptyPacing('agt');
    s = take(s, 1, { callsPerSecond: 2 }).state;
    s = take(s, 2, { callsPerSecond: 2 }, T0 + 10).state;
    const third = acquireSlot(s, job(3), { callsPerSecond: 2 }, T0 + 20);
    expect(third).toMatchObject({ ok: false, forSlot: false, waitMs: RATE_WINDOW_MS + RATE_GUARD_MS - 20 });
    expect(acquireSlot(s, job(3), { callsPerSecond: 2 }, T0 + RATE_WINDOW_MS + RATE_GUARD_MS).ok).toBe(true);
  });

  it('drops a lease older than its TTL, so a lost callback cannot hold a slot forever', () => {
    const s = take(emptyPacing('agt'), 1, { maxLiveCalls: 1 }).state;
    expect(acquireSlot(s, job(2), { maxLiveCalls: 1 }, T0 + LEASE_TTL_MS - 1).ok).toBe(false);
    expect(acquireSlot(s, job(2), { maxLiveCalls: 1 }, T0 + LEASE_TTL_MS).ok).toBe(true);
  });

  it('releasing what is not held changes nothing', () => {
    expect(releaseSlots(emptyPacing('agt'), [job(1)], { maxLiveCalls: 1 }, T0)).toEqual({ wake: [] });
  });
});

describe('parsePacing', () => {
  it.each([
    [{ maxLiveCalls: 0 }, 'pacing.maxLiveCalls'],
    [{ maxLiveCalls: 2.5 }, 'pacing.maxLiveCalls'],
    [{ callsPerSecond: '1' }, 'pacing.callsPerSecond'],
    [{ live: 3 }, 'pacing.live'],
    [[1], 'pacing'],
  ])('refuses %j naming %s', (input, parameter) => {
    const r = parsePacing(input);
    expect(r.ok ? undefined : r.error.parameter).toBe(parameter);
  });

  it('accepts limits and nulls (as the admin reply shows unlimited)', () => {
    expect(parsePacing({ maxLiveCalls: 3, callsPerSecond: 2 })).toEqual({ ok: true, value: { maxLiveCalls: 3, callsPerSecond: 2 } });
    expect(parsePacing({ maxLiveCalls: null, callsPerSecond: 1 })).toEqual({ ok: true, value: { callsPerSecond: 1 } });
    expect(parsePacing(undefined)).toEqual({ ok: true });
  });
});
