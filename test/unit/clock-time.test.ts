import { clockMinutes, formatClockTime, parseClockTime } from '../../functions/core/clock-time';

describe('parseClockTime', () => {
  it.each([
    ['09:00', '09:00'],
    ['9:00', '09:00'],
    ['0:05', '00:05'],
    ['23:59', '23:59'],
    [' 18:30 ', '18:30'],
  ])('accepts %j as %s', (text, expected) => {
    expect(parseClockTime(text)).toBe(expected);
  });

  it.each(['25:99', '24:00', '9', '09:60', '9:5', '09:00:00', '-1:00', '', 'nine', '09h00', '123:00', '9.00'])('rejects %j', (text) => {
    expect(parseClockTime(text)).toBeUndefined();
  });
});

describe('clockMinutes / formatClockTime', () => {
  it('round-trips minutes since midnight', () => {
    expect(clockMinutes('00:00')).toBe(0);
    expect(clockMinutes('09:30')).toBe(570);
    expect(clockMinutes('23:59')).toBe(1439);
    expect(formatClockTime(570)).toBe('09:30');
    expect(formatClockTime(5)).toBe('00:05');
  });
});
