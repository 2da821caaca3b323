import { gapHoursForRetry, planRetry } from '../../functions/core/retry-plan';
import type { CallSettings } from '../../functions/core/model';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const settings = (over: Partial<CallSettings> = {}): CallSettings => ({ carryOver: true, numOfRetries: 3, gapHours: [2, 4, 6], ...over });

describe('gapHoursForRetry', () => {
  it('uses the gaps in order, then repeats the last one', () => {
    expect([1, 2, 3, 4, 5].map((n) => gapHoursForRetry([2, 4, 6], n))).toEqual([2, 4, 6, 6, 6]);
    expect([1, 2, 3].map((n) => gapHoursForRetry([0.5], n))).toEqual([0.5, 0.5, 0.5]);
  });

  it('falls back to the service gap for an empty list and treats retry numbers below 1 as the first', () => {
    expect(gapHoursForRetry([], 1)).toBe(2);
    expect(gapHoursForRetry([3, 5], 0)).toBe(3);
  });
});

describe('planRetry', () => {
  const ended = new Date('2026-06-10T14:00:00Z');

  it('schedules retry n after gap n, numbering attempts from 1', () => {
    expect(planRetry(settings(), 1, ended, NY)).toEqual({ at: new Date('2026-06-10T16:00:00Z'), attempt: 2 });
    expect(planRetry(settings(), 2, ended, NY)).toEqual({ at: new Date('2026-06-10T18:00:00Z'), attempt: 3 });
    expect(planRetry(settings(), 3, ended, NY)).toEqual({ at: new Date('2026-06-10T20:00:00Z'), attempt: 4 });
  });

  it('repeats the last gap when the list is shorter than the retries', () => {
    const s = settings({ numOfRetries: 5, gapHours: [1, 3] });
    expect(planRetry(s, 2, ended, NY)).toEqual({ at: new Date('2026-06-10T17:00:00Z'), attempt: 3 });
    expect(planRetry(s, 4, ended, NY)).toEqual({ at: new Date('2026-06-10T17:00:00Z'), attempt: 5 });
  });

  it('handles fractional gaps', () => {
    expect(planRetry(settings({ gapHours: [0.5] }), 1, ended, NY)).toEqual({ at: new Date('2026-06-10T14:30:00Z'), attempt: 2 });
  });

  it('is exhausted after num_of_retries more attempts, naming the last outcome', () => {
    expect(planRetry(settings(), 4, ended, NY, 'no-answer')).toEqual({ exhausted: 'no answer after 4 attempts (num_of_retries=3)' });
    expect(planRetry(settings(), 4, ended, NY, 'busy')).toEqual({ exhausted: 'line busy after 4 attempts (num_of_retries=3)' });
    expect(planRetry(settings(), 4, ended, NY)).toEqual({ exhausted: 'not connected after 4 attempts (num_of_retries=3)' });
    expect(planRetry(settings({ numOfRetries: 0 }), 1, ended, NY, 'voicemail')).toEqual({
      exhausted: 'reached voicemail after 1 attempt (num_of_retries=0)',
    });
  });

  it('never retries a connected call', () => {
    expect(planRetry(settings(), 1, ended, NY, 'completed')).toEqual({ exhausted: 'connected on attempt 1: no retry needed' });
  });

  it('keeps a retry that lands inside the window', () => {
    const s = settings({ window: { min: '09:00', max: '18:00' } });
    expect(planRetry(s, 1, new Date('2026-06-10T14:00:00Z'), NY)).toEqual({ at: new Date('2026-06-10T16:00:00Z'), attempt: 2 }); // 12:00 EDT
  });

  it('moves a retry that lands outside the window to the next opening', () => {
    const s = settings({ window: { min: '09:00', max: '18:00' }, gapHours: [4] });
    // ended 16:30 EDT + 4 h = 20:30 EDT -> 09:00 EDT next day
    expect(planRetry(s, 1, new Date('2026-06-10T20:30:00Z'), NY)).toEqual({ at: new Date('2026-06-11T13:00:00Z'), attempt: 2 });
  });

  it('moves it even when carry_over is off (carry_over only decides the first attempt)', () => {
    const s = settings({ window: { min: '09:00', max: '18:00' }, gapHours: [4], carryOver: false });
    expect(planRetry(s, 1, new Date('2026-06-10T20:30:00Z'), NY)).toEqual({ at: new Date('2026-06-11T13:00:00Z'), attempt: 2 });
  });

  it('applies DST when moving a retry: Berlin 2026-03-29 opens at 09:00 CEST (07:00Z)', () => {
    const s = settings({ window: { min: '09:00', max: '18:00' }, gapHours: [6] });
    expect(planRetry(s, 1, new Date('2026-03-28T16:00:00Z'), BERLIN)).toEqual({ at: new Date('2026-03-29T07:00:00Z'), attempt: 2 });
  });

  it('is exhausted with a reason, not a throw, when the zone is not valid', () => {
    const s = settings({ window: { min: '09:00', max: '18:00' } });
    expect(planRetry(s, 1, ended, 'Nowhere/Land')).toEqual({
      exhausted: expect.stringContaining('"Nowhere/Land" is not a valid IANA time zone'),
    });
  });
});
