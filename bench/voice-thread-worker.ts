// Runs on the worker thread started by voice-thread.ts.
import { performance } from 'node:perf_hooks';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { defaultFakeVoiceReply, startFakeVoice } from '../test/fakes/fake-voice';
import type { ReceivedMessage } from './voice-thread';

const REPORT_EVERY_MS = 10;

const port = parentPort;
if (!port) throw new Error('voice-thread-worker.ts runs only as the worker thread voice-thread.ts starts');

async function main(port: MessagePort): Promise<void> {
  const voice = await startFakeVoice({ secret: workerData.secret as string });
  let pending: ReceivedMessage['calls'] = [];
  let n = 0;
  voice.reply = (req) => {
    n += 1;
    const reply = defaultFakeVoiceReply(req, n);
    pending.push({
      callId: String(req.body?.callId),
      body: { callId: req.body?.callId, attempt: req.body?.attempt, statusCallbackUrl: req.body?.statusCallbackUrl },
      providerCallId: (reply.body as { providerCallId: string }).providerCallId,
      signatureValid: req.signatureValid,
      epochMs: performance.timeOrigin + performance.now(),
    });
    // The fake keeps every request for tests; here the main thread keeps them.
    voice.requests.length = 0;
    return reply;
  };
  setInterval(() => {
    if (pending.length === 0) return;
    port.postMessage({ calls: pending } satisfies ReceivedMessage);
    pending = [];
  }, REPORT_EVERY_MS);
  port.postMessage({ url: voice.url });
}

void main(port);
