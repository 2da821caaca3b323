// The AttemptScheduler contract for the embedded schedulers (the SQLite scheduler and the
// DynamoDB-table one): a schedule fires into the dial queue when due and not before,
// scheduling the same job again is one schedule (moved when the time differs), cancel
// removes it, schedules survive a restart, and two pollers never both fire one.
import type { DialJob } from '../../../functions/core/model';
import type { AttemptScheduler } from '../../../functions/core/ports';

export interface FiringScheduler extends AttemptScheduler {
  fireDue(now: Date): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export interface SchedulerHarness {
  /** A scheduler over the harness's storage and queue; every one made shares them (a restart, a second poller). */
  scheduler(opts?: { now?: () => Date; pollMs?: number }): FiringScheduler;
  /** A scheduler over the same storage whose queue refuses every send, where the queue can refuse at all. */
  refusing?(): FiringScheduler;
  /** The jobs that reached the dial queue, taken off it. */
  drain(): Promise<DialJob[]>;
  stop(): Promise<void>;
}

const T0 = new Date('2026-06-01T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const byId = (jobs: DialJob[]) => [...jobs].sort((x, y) => x.callId.localeCompare(y.callId) || x.attempt - y.attempt);

export function schedulerContract(name: string, makeHarness: () => Promise<SchedulerHarness>): void {
  describe(`${name}: scheduler contract`, () => {
    let h: SchedulerHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.stop();
    });

    it('fires a schedule into the dial queue when it is due, not before, and only once', async () => {
      const scheduler = h.scheduler();
      const job = { callId: 'c_due', attempt: 1 };
      await scheduler.schedule(job, at(60), 'America/New_York', T0);
      expect(await scheduler.fireDue(T0)).toBe(0);
      expect(await scheduler.fireDue(new Date(at(60).getTime() - 1))).toBe(0);
      expect(await h.drain()).toEqual([]);
      expect(await scheduler.fireDue(at(60))).toBe(1);
      expect(await h.drain()).toEqual([job]);
      expect(await scheduler.fireDue(at(120))).toBe(0);
      expect(await h.drain()).toEqual([]);
    });

    it('fires every due schedule and leaves the later ones', async () => {
      const scheduler = h.scheduler();
      await scheduler.schedule({ callId: 'c_a', attempt: 1 }, at(10), 'UTC', T0);
      await scheduler.schedule({ callId: 'c_b', attempt: 2 }, at(20), 'UTC', T0);
      await scheduler.schedule({ callId: 'c_c', attempt: 1 }, at(30), 'UTC', T0);
      expect(await scheduler.fireDue(at(25))).toBe(2);
      expect(byId(await h.drain())).toEqual([
        { callId: 'c_a', attempt: 1 },
        { callId: 'c_b', attempt: 2 },
      ]);
      expect(await scheduler.fireDue(at(30))).toBe(1);
      expect(await h.drain()).toEqual([{ callId: 'c_c', attempt: 1 }]);
    });

    it('counts the same job at the same time twice as one schedule, and moves it for another time', async () => {
      const scheduler = h.scheduler();
      await scheduler.schedule({ callId: 'c_twice', attempt: 2 }, at(5), 'UTC', T0);
      await scheduler.schedule({ callId: 'c_twice', attempt: 2 }, at(5), 'UTC', at(1));
      await scheduler.schedule({ callId: 'c_moved', attempt: 1 }, at(5), 'UTC', T0);
      await scheduler.schedule({ callId: 'c_moved', attempt: 1 }, at(90), 'UTC', T0);
      expect(await scheduler.fireDue(at(60))).toBe(1);
      expect(await h.drain()).toEqual([{ callId: 'c_twice', attempt: 2 }]);
      expect(await scheduler.fireDue(at(90))).toBe(1);
      expect(await h.drain()).toEqual([{ callId: 'c_moved', attempt: 1 }]);
    });

    it('cancels a schedule, and cancelling a missing one is fine', async () => {
      const scheduler = h.scheduler();
      const job = { callId: 'c_cancel', attempt: 3 };
      await scheduler.schedule(job, at(5), 'UTC', T0);
      await scheduler.schedule({ callId: 'c_cancel', attempt: 4 }, at(5), 'UTC', T0);
      await scheduler.cancel(job);
      await scheduler.cancel(job);
      expect(await scheduler.fireDue(at(10))).toBe(1);
      expect(await h.drain()).toEqual([{ callId: 'c_cancel', attempt: 4 }]);
    });

    it('keeps schedules across a restart: a new scheduler on the same storage fires them', async () => {
      await h.scheduler().schedule({ callId: 'c_restart', attempt: 2 }, at(45), 'UTC', T0);
      expect(await h.scheduler().fireDue(at(45))).toBe(1);
      expect(await h.drain()).toEqual([{ callId: 'c_restart', attempt: 2 }]);
    });

    it('fires a schedule once when two schedulers poll at the same moment', async () => {
      const one = h.scheduler();
      const two = h.scheduler();
      for (let i = 0; i < 5; i++) await one.schedule({ callId: `c_race${i}`, attempt: 1 }, at(5), 'UTC', T0);
      const [a, b] = await Promise.all([one.fireDue(at(5)), two.fireDue(at(5))]);
      expect(a + b).toBe(5);
      expect((await h.drain()).map((j) => j.callId).sort()).toEqual(['c_race0', 'c_race1', 'c_race2', 'c_race3', 'c_race4']);
    });

    it('leaves a schedule in place when the queue refuses it, for the next poll to fire', async () => {
      const refusing = h.refusing?.();
      if (!refusing) return; // one transaction with its own queue: there is no send to refuse
      await refusing.schedule({ callId: 'c_retry', attempt: 1 }, at(5), 'UTC', T0);
      expect(await refusing.fireDue(at(5)).catch(() => 0)).toBe(0);
      expect(await h.scheduler().fireDue(at(5))).toBe(1);
      expect(await h.drain()).toEqual([{ callId: 'c_retry', attempt: 1 }]);
    });

    it('fires due schedules on its own timer once started', async () => {
      const scheduler = h.scheduler({ now: () => at(100), pollMs: 20 });
      await scheduler.schedule({ callId: 'c_timer', attempt: 1 }, at(99), 'UTC', T0);
      scheduler.start();
      try {
        let jobs: DialJob[] = [];
        for (let i = 0; i < 100 && jobs.length === 0; i++) {
          jobs = await h.drain();
          if (jobs.length === 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(jobs).toEqual([{ callId: 'c_timer', attempt: 1 }]);
      } finally {
        await scheduler.stop();
      }
    });
  });
}
