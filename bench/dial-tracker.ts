// Watches the fake voice back end: when each call was placed, and how often.
import { performance } from 'node:perf_hooks';
import type { VoiceThread } from './voice-thread';

/** The local poller long-polls for 1 s: a late duplicate dial would show within this. */
export const SETTLE_MS = 2_500;

export interface DialFigures {
  placed: number;
  distinctCalls: number;
  /** Every accepted call dialled once, none twice, nothing unexpected dialled. */
  exactlyOnce: boolean;
  invalidSignatures: number;
  lastAckToLastDialSeconds: number;
  firstPostToLastDialSeconds: number;
  /** Per contact: from its delivery's ack to its call being placed. */
  ackToDialMs: number[];
  timedOut: boolean;
}

export interface DialTracker {
  /** performance.now() of every placement, by call id. */
  dialledAt: Map<string, number[]>;
  /** Forgets everything seen so far (after the warm-up). */
  reset(): void;
  /** Resolves when every one of `callIds` has been dialled; rejects after `timeoutMs`. */
  until(callIds: Iterable<string>, timeoutMs: number): Promise<void>;
  /** Waits for every acked call, then SETTLE_MS more, and judges "exactly once". */
  finish(ackAtByCall: Map<string, number>, firstPost: number, lastAck: number, timeoutSeconds: number): Promise<DialFigures>;
}

export function trackDials(voice: VoiceThread): DialTracker {
  const dialledAt = new Map<string, number[]>();
  voice.onReceived = (batch) => {
    for (const { callId, at } of batch) {
      const times = dialledAt.get(callId) ?? [];
      times.push(at);
      dialledAt.set(callId, times);
    }
  };

  async function until(callIds: Iterable<string>, timeoutMs: number): Promise<boolean> {
    const ids = [...callIds];
    const deadline = performance.now() + timeoutMs;
    while (!ids.every((id) => dialledAt.has(id))) {
      if (performance.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  return {
    dialledAt,
    reset() {
      dialledAt.clear();
      voice.received.splice(0);
    },
    async until(callIds, timeoutMs) {
      if (!(await until(callIds, timeoutMs))) throw new Error(`calls not dialled within ${timeoutMs} ms`);
    },
    async finish(ackAtByCall, firstPost, lastAck, timeoutSeconds) {
      const timedOut = !(await until(ackAtByCall.keys(), timeoutSeconds * 1000));
      // Each call's first placement, taken before the settle wait.
      const lastDial = Math.max(...[...dialledAt.values()].map((times) => times[0] as number));
      await sleep(SETTLE_MS);

      const unexpected = [...dialledAt.keys()].filter((id) => !ackAtByCall.has(id)).length;
      const twice = [...dialledAt.values()].filter((times) => times.length > 1).length;
      const placed = voice.received.length;
      return {
        placed,
        distinctCalls: dialledAt.size,
        exactlyOnce: !timedOut && unexpected === 0 && twice === 0 && placed === ackAtByCall.size,
        invalidSignatures: voice.received.filter((r) => !r.signatureValid).length,
        lastAckToLastDialSeconds: (lastDial - lastAck) / 1000,
        firstPostToLastDialSeconds: (lastDial - firstPost) / 1000,
        ackToDialMs: [...ackAtByCall].flatMap(([id, ackedAt]) => {
          const at = dialledAt.get(id)?.[0];
          return at === undefined ? [] : [at - ackedAt];
        }),
        timedOut,
      };
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
