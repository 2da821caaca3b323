// One bulk import on a fresh embedded stack: deliveries of up to 100 contact.creation
// events with a fixed number in flight, each ack timed; then (optionally) a wait until
// every contact has been dialled, and a sample of status callbacks. Everything measured
// is returned; nothing is printed here.
import { performance } from 'node:perf_hooks';
import type { OperationCounts } from '../functions/adapters/dynamodb/dynamo-store';
import { creationEvents } from '../test/support/local-stack';
import { sleep, SETTLE_MS, trackDials, type DialFigures } from './dial-tracker';
import { countsBetween, type SdkCounter, type SdkCounts } from './sdk-counters';
import { startStackUnderTest } from './stack-under-test';
import { postStatusCallbacks, type CallbackFigures } from './status-callbacks';
import { forEachLimited } from './stats';

export interface ScenarioConfig {
  label: string;
  contacts: number;
  deliverySize: number;
  inFlight: number;
  hubspotLatencyMs: number;
  /** Set for the naive baseline: contact reads at once. Absent = the real batch read. */
  naiveConcurrency?: number;
  waitForDials: boolean;
  /** 'during': the dial poller runs while deliveries come in (as `npm start`); 'after': it waits for the last ack. */
  dials: 'during' | 'after';
  /** How many placed calls get a "completed" status callback afterwards (0: none). */
  callbacks: number;
  dialTimeoutSeconds: number;
  /** Where dynalite and fauxqs run: on this event loop (as `npm start`) or on worker threads. */
  backends: 'inline' | 'threads';
  /** Dial batches the local poller handles at once. */
  pollerConcurrency: number;
  /** default: the embedded default (SQLite store, queue, scheduler); dynamodb: DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs. */
  stack: 'default' | 'dynamodb';
  counter: SdkCounter;
}

export interface ScenarioResult {
  config: Omit<ScenarioConfig, 'counter'>;
  deliveries: number;
  /** The warm-up delivery's ack latency: one delivery of `deliverySize` with nothing else running. */
  soloAckMs: number;
  ackMs: number[];
  statuses: Record<string, number>;
  accepted: number;
  duplicates: number;
  rejected: number;
  ingestSeconds: number;
  contactsPerSecond: number;
  hubspot: { total: number; batchReads: number; singleReads: number; other: number };
  /** Store operations and SDK requests from the first delivery until the dials settled. */
  storeOps: OperationCounts;
  sdk: SdkCounts;
  /**
   * CPU of this whole process (every thread: handlers, SDK clients, emulators, fakes)
   * per contact, and how busy the main event loop was while the deliveries were posted.
   */
  cpu: { importMsPerContact: number; pipelineMsPerContact?: number; loopBusyDuringImport: number };
  dials?: DialFigures;
  callbacks?: CallbackFigures;
}

interface Ack {
  status: number;
  text: string;
  ackedAt: number;
  ms: number;
}

export async function runScenario(config: ScenarioConfig): Promise<ScenarioResult> {
  const { counter, ...shown } = config;
  const sut = await startStackUnderTest({
    contacts: config.contacts + config.deliverySize,
    backends: config.backends,
    naiveConcurrency: config.naiveConcurrency,
    pollerConcurrency: config.pollerConcurrency,
    stack: config.stack,
  });
  const { stack, hubspot, voice } = sut;
  let releaseDials: (() => void) | undefined;
  try {
    const tracker = trackDials(voice);
    hubspot.delayMs = config.hubspotLatencyMs;
    const ids = [...hubspot.contacts.keys()];
    const warmUpIds = ids.slice(config.contacts);
    const deliveries: string[][] = [];
    for (let i = 0; i < config.contacts; i += config.deliverySize)
      deliveries.push(ids.slice(i, Math.min(i + config.deliverySize, config.contacts)));

    const post = async (contactIds: string[], firstEventId: number): Promise<Ack> => {
      const body = JSON.stringify(creationEvents(contactIds, hubspot.portalId, firstEventId));
      const started = performance.now();
      const res = await fetch(sut.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.text();
      const ackedAt = performance.now();
      return { status: res.status, text, ackedAt, ms: ackedAt - started };
    };

    // Warm-up: one delivery alone, so JIT compilation, lazy module loads and connection
    // set-up are not charged to the first measured deliveries; its latency is what one
    // delivery takes with the machine to itself. Its calls are dialled before going on.
    const warmUp = await post(warmUpIds, config.contacts + 1);
    if (warmUp.status !== 200) throw new Error(`the warm-up delivery was answered ${warmUp.status}: ${warmUp.text}`);
    await tracker.until(callIdsOf(warmUp.text), 60_000);
    await sleep(SETTLE_MS);
    tracker.reset();

    const store = () => operationsOf(stack.deps.store);
    const hubspotBefore = hubspot.requests.length;
    const storeBefore = store();
    const sdkBefore = counter.snapshot();
    const ackMs: number[] = [];
    const statuses: Record<string, number> = {};
    const ackAtByCall = new Map<string, number>();
    let accepted = 0;
    let duplicates = 0;
    let rejected = 0;
    let lastAck = 0;

    if (config.dials === 'after') releaseDials = counter.holdReceives();
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    const firstPost = performance.now();
    await forEachLimited(deliveries, config.inFlight, async (contactIds, index) => {
      const ack = await post(contactIds, index * config.deliverySize + 1);
      lastAck = Math.max(lastAck, ack.ackedAt);
      ackMs.push(ack.ms);
      statuses[ack.status] = (statuses[ack.status] ?? 0) + 1;
      if (ack.status !== 200) return;
      const summary = JSON.parse(ack.text) as { accepted: number; duplicates: number; rejected: unknown[]; calls: { callId: string }[] };
      accepted += summary.accepted;
      duplicates += summary.duplicates;
      rejected += summary.rejected.length;
      for (const call of summary.calls) ackAtByCall.set(call.callId, ack.ackedAt);
    });
    const importCpu = process.cpuUsage(cpuBefore);
    const loopBusyDuringImport = performance.eventLoopUtilization(loopBefore).utilization;
    releaseDials?.();
    releaseDials = undefined;
    const ingestSeconds = (lastAck - firstPost) / 1000;
    const hubspotDuring = hubspot.requests.slice(hubspotBefore);

    const dials = config.waitForDials ? await tracker.finish(ackAtByCall, firstPost, lastAck, config.dialTimeoutSeconds) : undefined;
    const pipelineCpu = dials ? process.cpuUsage(cpuBefore) : undefined;
    const storeOps = diffOperations(storeBefore, store());
    const sdk = countsBetween(sdkBefore, counter.snapshot());
    const callbacks =
      config.callbacks > 0 && dials
        ? await postStatusCallbacks(voice, config.callbacks, config.inFlight, { store, sdk: counter })
        : undefined;

    return {
      config: shown,
      deliveries: deliveries.length,
      soloAckMs: warmUp.ms,
      ackMs,
      statuses,
      accepted,
      duplicates,
      rejected,
      ingestSeconds,
      contactsPerSecond: config.contacts / ingestSeconds,
      hubspot: {
        total: hubspotDuring.length,
        batchReads: hubspotDuring.filter((r) => r.path.startsWith('/crm/v3/objects/contacts/batch/read')).length,
        singleReads: hubspotDuring.filter((r) => r.method === 'GET' && /^\/crm\/v3\/objects\/contacts\/[^/?]+/.test(r.path)).length,
        other: hubspotDuring.filter((r) => !r.path.startsWith('/crm/v3/objects/contacts/')).length,
      },
      storeOps,
      sdk,
      cpu: {
        importMsPerContact: cpuMs(importCpu) / config.contacts,
        // The settle wait after the last dial is idle, so it barely adds.
        pipelineMsPerContact: pipelineCpu && cpuMs(pipelineCpu) / config.contacts,
        loopBusyDuringImport,
      },
      dials,
      callbacks,
    };
  } finally {
    releaseDials?.();
    await sut.stop();
  }
}

function callIdsOf(replyText: string): string[] {
  return (JSON.parse(replyText) as { calls: { callId: string }[] }).calls.map((c) => c.callId);
}

/** The DynamoDB store counts its requests; the SQLite store sends none (all zero). */
function operationsOf(store: unknown): OperationCounts {
  return (store as { operations?: OperationCounts }).operations ?? { reads: 0, writes: 0, queries: 0 };
}

function diffOperations(a: OperationCounts, b: OperationCounts): OperationCounts {
  return { reads: b.reads - a.reads, writes: b.writes - a.writes, queries: b.queries - a.queries };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
