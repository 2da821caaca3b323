// After the dials: the voice back end reports "completed" for a sample of the placed
// calls, so the call-status path is timed and its DynamoDB and SQS requests counted.
import { performance } from 'node:perf_hooks';
import type { OperationCounts } from '../functions/adapters/dynamodb/dynamo-store';
import { sendFakeOutcome } from '../test/fakes/fake-voice';
import { countsBetween, type SdkCounter, type SdkCounts } from './sdk-counters';
import { forEachLimited } from './stats';
import type { VoiceThread } from './voice-thread';

export interface CallbackFigures {
  sent: number;
  ok: number;
  seconds: number;
  latencyMs: number[];
  storeOps: OperationCounts;
  sdk: SdkCounts;
}

export async function postStatusCallbacks(
  voice: VoiceThread,
  sample: number,
  inFlight: number,
  counters: { store: () => OperationCounts; sdk: SdkCounter },
): Promise<CallbackFigures> {
  const placed = voice.received.slice(0, sample);
  const storeBefore = counters.store();
  const sdkBefore = counters.sdk.snapshot();
  const latencyMs: number[] = [];
  let ok = 0;
  const started = performance.now();
  await forEachLimited(placed, inFlight, async (request) => {
    const t0 = performance.now();
    const res = await sendFakeOutcome(voice.secret, request, 'completed', 42);
    await res.text();
    latencyMs.push(performance.now() - t0);
    if (res.status === 200) ok += 1;
  });
  const storeAfter = counters.store();
  return {
    sent: placed.length,
    ok,
    seconds: (performance.now() - started) / 1000,
    latencyMs,
    storeOps: {
      reads: storeAfter.reads - storeBefore.reads,
      writes: storeAfter.writes - storeBefore.writes,
      queries: storeAfter.queries - storeBefore.queries,
    },
    sdk: countsBetween(sdkBefore, counters.sdk.snapshot()),
  };
}
