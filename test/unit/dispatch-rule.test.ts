import fc from 'fast-check';
import { chooseDispatch, MAX_SQS_DELAY_SECONDS, scheduleName } from '../../functions/core/dispatch-rule';

const now = new Date('2026-03-10T12:00:00.000Z');
const plus = (ms: number) => new Date(now.getTime() + ms);

describe('chooseDispatch', () => {
  it('sends a due or overdue job to the queue with no delay', () => {
    expect(chooseDispatch(now, now)).toEqual({ via: 'queue', delaySeconds: 0 });
    expect(chooseDispatch(plus(-3_600_000), now)).toEqual({ via: 'queue', delaySeconds: 0 });
  });

  it('delays a job due within 15 minutes in the queue, rounding the delay up', () => {
    expect(chooseDispatch(plus(1), now)).toEqual({ via: 'queue', delaySeconds: 1 });
    expect(chooseDispatch(plus(90_500), now)).toEqual({ via: 'queue', delaySeconds: 91 });
    expect(chooseDispatch(plus(MAX_SQS_DELAY_SECONDS * 1000), now)).toEqual({ via: 'queue', delaySeconds: 900 });
  });

  it('hands a job due later than 15 minutes to the scheduler', () => {
    expect(chooseDispatch(plus(MAX_SQS_DELAY_SECONDS * 1000 + 1), now)).toEqual({ via: 'scheduler' });
    expect(chooseDispatch(plus(86_400_000), now)).toEqual({ via: 'scheduler' });
  });

  it('never delivers early and never asks SQS for more than it allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400_000, max: 86_400_000 }), (offsetMs) => {
        const choice = chooseDispatch(plus(offsetMs), now);
        if (choice.via === 'scheduler') return offsetMs > MAX_SQS_DELAY_SECONDS * 1000;
        return choice.delaySeconds >= 0 && choice.delaySeconds <= MAX_SQS_DELAY_SECONDS && choice.delaySeconds * 1000 >= offsetMs;
      }),
    );
  });
});

describe('scheduleName', () => {
  const valid = /^[0-9A-Za-z_.-]{1,64}$/;

  it('names the call and the attempt', () => {
    expect(scheduleName({ callId: 'c_0f3a9b', attempt: 2 })).toBe('c_0f3a9b-a2');
  });

  it('is the same for the same job and differs between attempts', () => {
    const job = { callId: 'call.1', attempt: 1 };
    expect(scheduleName(job)).toBe(scheduleName({ ...job }));
    expect(scheduleName(job)).not.toBe(scheduleName({ ...job, attempt: 2 }));
  });

  it('hashes call ids EventBridge would refuse, keeping the name valid and distinct', () => {
    const long = 'x'.repeat(70);
    const odd = 'agent/42:portal#7';
    expect(scheduleName({ callId: long, attempt: 3 })).toMatch(valid);
    expect(scheduleName({ callId: odd, attempt: 1 })).toMatch(valid);
    expect(scheduleName({ callId: long, attempt: 3 })).not.toBe(scheduleName({ callId: `${long}y`, attempt: 3 }));
  });

  it('is always a valid EventBridge Scheduler name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 99 }), (callId, attempt) =>
        valid.test(scheduleName({ callId, attempt })),
      ),
    );
  });
});
