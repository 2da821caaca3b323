// The fake voice back end on a worker thread, for the bench. A real voice platform
// answers from its own machines; on this event loop the fake's HTTP parsing and
// signature checks would be charged to hubdial's dials. Same fake, same HTTP contract:
// the thread reports each request it received, stamped on arrival.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { PlacedCall } from '../test/fakes/fake-voice';

export interface ReceivedCall extends PlacedCall {
  callId: string;
  signatureValid: boolean;
  /** performance.now() on this thread's clock when the request arrived. */
  at: number;
}

export interface VoiceThread {
  url: string;
  secret: string;
  /** Every create-call request received so far, in arrival order (reported every few ms). */
  received: ReceivedCall[];
  /** Called with each batch of newly reported requests. */
  onReceived?: (batch: ReceivedCall[]) => void;
  stop(): Promise<void>;
}

/** What the worker posts: arrival times on the wall clock, which both threads share. */
export interface ReceivedMessage {
  calls: (Omit<ReceivedCall, 'at'> & { epochMs: number })[];
}

// Worker threads do not inherit tsx's loader: the eval'd entry registers it, then loads the TS worker.
const ENTRY = `require(require('node:worker_threads').workerData.tsx); require(require('node:worker_threads').workerData.file);`;

export async function startVoiceThread(secret: string): Promise<VoiceThread> {
  const worker = new Worker(ENTRY, {
    eval: true,
    workerData: { tsx: require.resolve('tsx/cjs'), file: join(__dirname, 'voice-thread-worker.ts'), secret },
  });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url: string }) => resolve(m.url));
    worker.once('error', reject);
  });
  const thread: VoiceThread = {
    url,
    secret,
    received: [],
    async stop() {
      await worker.terminate();
    },
  };
  worker.on('message', ({ calls }: ReceivedMessage) => {
    const batch = calls.map(({ epochMs, ...call }) => ({ ...call, at: epochMs - performance.timeOrigin }));
    thread.received.push(...batch);
    thread.onReceived?.(batch);
  });
  return thread;
}
