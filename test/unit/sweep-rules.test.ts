import { newCall, startAttempt } from '../../functions/core/call-state';
import { isSilent, lostAttempt } from '../../functions/core/sweep-rules';

const START = new Date('2026-06-10T15:00:00Z');
const minutes = (n: number) => new Date(START.getTime() + n * 60_000);
const call = newCall({
  id: 'call_x',
  workspaceId: 'default',
  agentId: 'agt',
  portalId: '1',
  contactId: '2',
  timezone: 'UTC',
  settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
  variables: {},
  phone: { ok: true, e164: '+14155552671' },
  now: START,
});

describe('sweep rules', () => {
  it('counts a scheduled attempt as lost only after 10 minutes past its time', () => {
    expect(lostAttempt(call, minutes(9))).toBeUndefined();
    expect(lostAttempt(call, minutes(11))?.number).toBe(1);
  });

  it('counts a dialling call as silent only after 60 minutes without a callback', () => {
    const t = startAttempt(call, 1, START);
    if (!('call' in t)) throw new Error('expected dialing');
    expect(isSilent(t.call, minutes(59))).toBe(false);
    expect(isSilent(t.call, minutes(61))).toBe(true);
    expect(lostAttempt(t.call, minutes(61))).toBeUndefined();
    expect(isSilent(call, minutes(61))).toBe(false);
  });
});
