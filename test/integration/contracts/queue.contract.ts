// The dial queue's contract: what the dial handler and the schedulers rely on from every
// DialQueue adapter (SQS on fauxqs, the SQLite queue), seen from the consuming side the
// way Lambda's event source sees it: a delay before a message is first visible, a
// visibility timeout after each receive, redelivery of what was not deleted, and dead
// letters after `maxReceives` receives.
import { parseQueueMessage } from '../../../functions/core/dial-job';
import type { DialQueue } from '../../../functions/core/ports';

export interface Received {
  body: string;
  receipt: string;
  receiveCount: number;
}

export interface QueueHarness {
  queue: DialQueue;
  /** Receives before a message goes to the dead letters (the harness sets its queue up so). */
  maxReceives: number;
  /** Up to `max` messages visible now (at most 10), each hidden for `visibilitySeconds`. */
  receive(max: number, visibilitySeconds: number): Promise<Received[]>;
  delete(messages: Received[]): Promise<void>;
  /** Bodies in the dead letters. */
  deadLetters(): Promise<string[]>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function queueContract(name: string, makeHarness: () => Promise<QueueHarness>): void {
  describe(`${name}: dial queue contract`, () => {
    let h: QueueHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.stop();
    });

    /** Everything visible now, deleted as it is read. */
    async function drain(): Promise<string[]> {
      const bodies: string[] = [];
      for (;;) {
        const got = await h.receive(10, 30);
        if (got.length === 0) return bodies;
        bodies.push(...got.map((m) => m.body));
        await h.delete(got);
      }
    }

    /** Waits (up to `ms`) for at least one message to become visible. */
    async function receiveWithin(ms: number, visibilitySeconds = 30): Promise<Received[]> {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = await h.receive(10, visibilitySeconds);
        if (got.length > 0 || Date.now() > deadline) return got;
        await sleep(100);
      }
    }

    it('carries dial jobs and tasks, each once, as the core wire format', async () => {
      await h.queue.send({ callId: 'c_1', attempt: 1 }, 0);
      await h.queue.sendTask({ kind: 'example', callId: 'c_1', attempt: 2 }, 0);
      await h.queue.sendMany(Array.from({ length: 23 }, (_, i) => ({ job: { callId: `c_m${i}`, attempt: 1 }, delaySeconds: 0 })));
      await h.queue.sendMany([]);
      const messages = (await drain()).map(parseQueueMessage);
      expect(messages).toHaveLength(25);
      expect(messages).toEqual(
        expect.arrayContaining([
          { type: 'dial', job: { callId: 'c_1', attempt: 1 } },
          { type: 'task', task: { kind: 'example', callId: 'c_1', attempt: 2 } },
          { type: 'dial', job: { callId: 'c_m22', attempt: 1 } },
        ]),
      );
      expect(await drain()).toEqual([]);
    });

    it('holds a delayed job back until its delay has passed; a negative delay is none', async () => {
      await h.queue.sendMany([
        { job: { callId: 'c_later', attempt: 1 }, delaySeconds: 2 },
        { job: { callId: 'c_far', attempt: 1 }, delaySeconds: 5000 },
        { job: { callId: 'c_now', attempt: 1 }, delaySeconds: -4 },
      ]);
      const sentAt = Date.now();
      expect((await drain()).map(parseQueueMessage)).toEqual([{ type: 'dial', job: { callId: 'c_now', attempt: 1 } }]);
      const later = await receiveWithin(6000);
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1900);
      expect(later.map((m) => parseQueueMessage(m.body))).toEqual([{ type: 'dial', job: { callId: 'c_later', attempt: 1 } }]);
      await h.delete(later);
      // The 5000 s delay is held to the queue's 15 minutes: still waiting, not lost, not sent at once.
      expect(await drain()).toEqual([]);
    });

    it('hides a received message for its visibility timeout and delivers it again if it was not deleted', async () => {
      await h.queue.send({ callId: 'c_vis', attempt: 1 }, 0);
      const [first, ...none] = await h.receive(10, 1);
      expect(none).toEqual([]);
      expect(first?.receiveCount).toBe(1);
      expect(await h.receive(10, 1)).toEqual([]);
      const again = await receiveWithin(5000, 30);
      expect(again.map((m) => m.body)).toEqual([first?.body]);
      expect(again[0]?.receiveCount).toBe(2);
      await h.delete(again);
      await sleep(1200);
      expect(await h.receive(10, 1)).toEqual([]);
    });

    it('moves a message received maxReceives times without a delete to the dead letters', async () => {
      await h.queue.send({ callId: 'c_poison', attempt: 1 }, 0);
      await h.queue.send({ callId: 'c_fine', attempt: 1 }, 0);
      let poisonReceives = 0;
      for (let round = 0; round < h.maxReceives + 3; round++) {
        const got = await receiveWithin(3000, 1);
        const fine = got.filter((m) => m.body.includes('c_fine'));
        poisonReceives += got.length - fine.length;
        await h.delete(fine);
        if (got.length === 0) break;
      }
      expect(poisonReceives).toBe(h.maxReceives);
      expect((await h.deadLetters()).map(parseQueueMessage)).toEqual([{ type: 'dial', job: { callId: 'c_poison', attempt: 1 } }]);
      expect(await drain()).toEqual([]);
    });
  });
}
