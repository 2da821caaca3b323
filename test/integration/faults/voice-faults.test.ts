// The voice back end refusing (429), failing (5xx), hanging past the provider timeout,
// and its status callbacks arriving twice, late, early or before the placement reply.
// Every call must end in a stated status, an attempt never gets more than
// MAX_DIAL_ERRORS_PER_ATTEMPT requests, a request that may have placed the call (5xx,
// timeout) is never sent again, and no callback ever causes a second dial.
import { createHmac } from 'node:crypto';
import { deriveCallId } from '../../../functions/core/call-id';
import { buildStatusCallbackUrl } from '../../../functions/core/callback-url';
import { callbackKey } from '../../../functions/adapters/voice/callback-key';
import { MAX_DIAL_ERRORS_PER_ATTEMPT, pendingAttempt } from '../../../functions/core/call-state';
import type { CallRecord, CallStatus } from '../../../functions/core/model';
import { makeContacts } from '../../fakes/fake-hubspot';
import type { FakeVoice, FakeVoiceReply, FakeVoiceRequest } from '../../fakes/fake-voice';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../../support/local-stack';

// No call window on these agents: the clock only decides when retries fall due.
const START = new Date('2026-06-10T15:00:00Z');
const HOUR = 3_600_000;
/** The provider timeout of the agent that talks to a hanging back end. */
const SHORT_TIMEOUT_MS = 300;

type Harness = {
  t: TestStack;
  key: string;
  /** voice timeoutMs left at the default */
  agentId: string;
  /** voice timeoutMs = SHORT_TIMEOUT_MS */
  impatientAgentId: string;
  clock: { now: Date };
};

async function startHarness(visibilityTimeoutSeconds: number): Promise<Harness> {
  const clock = { now: START };
  const t = await startTestStack({
    now: () => clock.now,
    visibilityTimeoutSeconds,
  });
  const { key, agentId } = await t.setup();
  const impatient = await t.admin('POST', '/admin/agents', {
    name: 'Impatient',
    timezone: 'America/New_York',
    defaultCountry: 'US',
    variables: [],
    voice: { provider: 'http', url: `${t.voice.url}/calls`, secret: t.voice.secret, timeoutMs: SHORT_TIMEOUT_MS },
  });
  if (impatient.status !== 201) throw new Error(`agent not created: ${JSON.stringify(impatient.body)}`);
  return { t, key, agentId, impatientAgentId: impatient.body.id, clock };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  await h?.t.stop();
}

let nextContact = 9001;

/** A new contact in HubSpot, delivered to `agentId` with these call settings; returns its call id. */
async function newCallFor(h: Harness, agentId: string, settings: Record<string, string> = {}): Promise<string> {
  const [[contactId, props]] = makeContacts(1, nextContact++) as [[string, Record<string, string | null>]];
  h.t.hubspot.contacts.set(contactId, props);
  const res = await h.t.webhook(
    { agent_id: agentId, type: 'hubspot', x_api_key: h.key, ...settings },
    creationEvents([contactId], h.t.hubspot.portalId),
  );
  if (res.status !== 200 || res.body.accepted !== 1) throw new Error(`delivery not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  return deriveCallId(agentId, h.t.hubspot.portalId, contactId);
}

/** Answers this call's requests with `replies` in turn (the last repeats); other calls get the default. */
function scriptReplies(voice: FakeVoice, callId: string, replies: ((req: FakeVoiceRequest) => FakeVoiceReply | undefined)[]): void {
  const previous = voice.reply;
  let n = 0;
  voice.reply = (req) => {
    if (req.body?.callId !== callId) return previous(req);
    const script = replies[Math.min(n++, replies.length - 1)];
    return script?.(req) ?? previous(req);
  };
}

const requestsFor = (h: Harness, callId: string, attempt?: number) =>
  h.t.voice.requests.filter((r) => r.body?.callId === callId && (attempt === undefined || r.body?.attempt === attempt));

async function callOf(h: Harness, callId: string): Promise<CallRecord> {
  const call = await h.t.stack.deps.store.getCall(callId);
  if (!call) throw new Error(`call ${callId} is not stored`);
  return call;
}

function untilCall(h: Harness, callId: string, what: string, ok: (c: CallRecord) => boolean, timeoutMs = 15_000): Promise<CallRecord> {
  return waitFor(
    async () => {
      const c = await callOf(h, callId);
      return ok(c) ? c : undefined;
    },
    `${what} (call ${callId})`,
    timeoutMs,
  );
}

const inStatus = (h: Harness, callId: string, status: CallStatus, timeoutMs?: number) =>
  untilCall(h, callId, `status ${status}`, (c) => c.status === status, timeoutMs);

/**
 * Nothing left to dial at the current clock: the queue is empty (no job waiting, delayed
 * or being handled) and no call waits for an attempt already due. Only then does "n
 * requests so far" mean "n requests, ever, up to this time".
 */
async function isSettled(h: Harness): Promise<boolean> {
  const queued = await h.t.stack.dialJobsPending();
  if (queued > 0) return false;
  const waiting = await h.t.stack.deps.store.listCalls({ status: 'scheduled', limit: 100 });
  return waiting.items.every((c) => (pendingAttempt(c)?.scheduledAt ?? '9999') > h.clock.now.toISOString());
}

async function settled(h: Harness, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => ((await isSettled(h)) ? true : undefined), 'nothing left to dial', timeoutMs);
}

/** A callback signed as the back end signs it, to any status-callback URL. */
async function postOutcome(url: string, secret: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(body);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubdial-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
    },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}

async function outcome(
  h: Harness,
  req: FakeVoiceRequest,
  result: Parameters<FakeVoice['sendOutcome']>[1],
  durationSeconds?: number,
): Promise<{ status: number; body: any }> {
  const res = await h.t.voice.sendOutcome(req, result, durationSeconds);
  return { status: res.status, body: await res.json() };
}

describe('voice back end faults (embedded stack, 1 s visibility timeout)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(1);
  });
  afterAll(() => stopHarness(h));

  it('429 twice, then placed: the same attempt is sent again and the third request places the call', async () => {
    const callId = await newCallFor(h, h.agentId);
    scriptReplies(h.t.voice, callId, [
      () => ({ status: 429, body: { error: 'rate limited' } }),
      () => ({ status: 429, body: 'slow down' }),
      () => undefined,
    ]);
    const placed = await untilCall(h, callId, 'the third request to place the call', (c) => Boolean(c.attempts[0]?.providerCallId));
    expect(placed.status).toBe('dialing');
    expect(placed.attempts[0]?.dialErrors).toBe(2);
    expect(placed.history.map((e) => e.status)).toEqual(['scheduled', 'dialing', 'scheduled', 'dialing', 'scheduled', 'dialing']);

    await settled(h);
    const requests = requestsFor(h, callId, 1);
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.signatureValid && r.body.attempt === 1)).toBe(true);
    const last = requests[2] as FakeVoiceRequest;
    expect((await outcome(h, last, 'completed', 61)).body).toMatchObject({ status: 'completed', changed: true });
    await settled(h);
    expect(requestsFor(h, callId)).toHaveLength(3);
  });

  it(`429 on every request: each attempt gets exactly ${MAX_DIAL_ERRORS_PER_ATTEMPT} requests, the retry is planned, and the call fails with the reason`, async () => {
    const callId = await newCallFor(h, h.agentId, { num_of_retries: '1', gap_between_retries: '1' });
    scriptReplies(h.t.voice, callId, [() => ({ status: 429, body: { error: 'too many requests' } })]);

    const retrying = await untilCall(h, callId, 'attempt 2 to be planned', (c) => c.attempts.length === 2, 30_000);
    expect(retrying.status).toBe('scheduled');
    expect(retrying.attempts[0]).toMatchObject({ outcome: 'failed', dialErrors: MAX_DIAL_ERRORS_PER_ATTEMPT });
    await settled(h);
    expect(requestsFor(h, callId, 1)).toHaveLength(MAX_DIAL_ERRORS_PER_ATTEMPT);
    expect(requestsFor(h, callId, 2)).toHaveLength(0);

    h.clock.now = new Date(new Date(retrying.attempts[1]?.scheduledAt ?? 0).getTime() + 1000);
    const failed = await inStatus(h, callId, 'failed', 30_000);
    expect(failed.reason).toMatch(new RegExp(`refused the call ${MAX_DIAL_ERRORS_PER_ATTEMPT} times`));
    expect(failed.reason).toMatch(/HTTP 429/);
    await settled(h);
    expect(requestsFor(h, callId, 2)).toHaveLength(MAX_DIAL_ERRORS_PER_ATTEMPT);
    expect(requestsFor(h, callId)).toHaveLength(2 * MAX_DIAL_ERRORS_PER_ATTEMPT);
  });

  it('5xx: the request may have placed the call, so it is never sent again; its callback settles the attempt', async () => {
    const callId = await newCallFor(h, h.agentId);
    scriptReplies(h.t.voice, callId, [() => ({ status: 502, body: { error: 'bad gateway' } })]);
    const waiting = await untilCall(h, callId, 'the 5xx to be recorded', (c) => /HTTP 502/.test(c.reason));
    expect(waiting.status).toBe('dialing');
    await settled(h);
    const [only] = requestsFor(h, callId, 1) as [FakeVoiceRequest];
    expect(requestsFor(h, callId)).toHaveLength(1);
    expect((await outcome(h, only, 'completed', 40)).body).toMatchObject({ changed: true, status: 'completed' });
    await settled(h);
    expect(requestsFor(h, callId)).toHaveLength(1);
  });

  it("a back end that never answers within the agent's timeoutMs gets one request; the sweeper fails the attempt when no callback comes", async () => {
    const callId = await newCallFor(h, h.impatientAgentId);
    scriptReplies(h.t.voice, callId, [() => ({ status: 200, body: { providerCallId: 'too-late' }, delayMs: 10 * SHORT_TIMEOUT_MS })]);
    const waiting = await untilCall(h, callId, 'the timeout to be recorded', (c) => /no answer from/.test(c.reason));
    expect(waiting.status).toBe('dialing');
    expect(waiting.reason).toMatch(new RegExp(`within ${SHORT_TIMEOUT_MS} ms`));
    await settled(h);
    expect(requestsFor(h, callId, 1)).toHaveLength(1);

    const before = h.clock.now;
    h.clock.now = new Date(before.getTime() + 61 * 60_000);
    await h.t.stack.sweep();
    const failed = await callOf(h, callId);
    h.clock.now = before;
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/no status callback/);
    expect(failed.attempts[0]?.providerCallId).toBeUndefined();
    await settled(h);
    expect(requestsFor(h, callId)).toHaveLength(1);
  });

  it('"completed" arriving twice, one after the other and at the same moment, settles the call once', async () => {
    const callId = await newCallFor(h, h.agentId, { num_of_retries: '2' });
    const req = await h.t.voice.waitForRequest((r) => r.body?.callId === callId);
    await untilCall(h, callId, 'the placement to be recorded', (c) => Boolean(c.attempts[0]?.providerCallId));

    const both = await Promise.all([outcome(h, req, 'completed', 45), outcome(h, req, 'completed', 45)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.changed).sort()).toEqual([false, true]);
    const again = await outcome(h, req, 'completed', 45);
    expect(again.body).toMatchObject({ changed: false, status: 'completed' });

    const call = await callOf(h, callId);
    expect(call.history.map((e) => e.status)).toEqual(['scheduled', 'dialing', 'completed']);
    await settled(h);
    expect(requestsFor(h, callId)).toHaveLength(1);
  });

  it("out of order: attempt 1's callbacks after attempt 2 was planned, and attempt 2's before it was dialled, change nothing and never dial", async () => {
    const callId = await newCallFor(h, h.agentId, { num_of_retries: '2', gap_between_retries: '2' });
    const first = await h.t.voice.waitForRequest((r) => r.body?.callId === callId);
    await untilCall(h, callId, 'the placement to be recorded', (c) => Boolean(c.attempts[0]?.providerCallId));
    expect((await outcome(h, first, 'no-answer')).body).toMatchObject({ changed: true, status: 'scheduled' });
    const planned = await callOf(h, callId);
    const attempt2At = planned.attempts[1]?.scheduledAt;
    expect(attempt2At).toBe(new Date(h.clock.now.getTime() + 2 * HOUR).toISOString());

    // Attempt 1 reported again, and then contradicted: both too late to count.
    expect((await outcome(h, first, 'no-answer')).body).toMatchObject({ changed: false, status: 'scheduled' });
    expect((await outcome(h, first, 'completed', 12)).body).toMatchObject({ changed: false, status: 'scheduled' });
    // A (validly signed) report for attempt 2, which has not been dialled yet.
    const attempt2Url = buildStatusCallbackUrl(
      h.t.stack.deps.publicBaseUrl,
      'http',
      { callId, attempt: 2 },
      await callbackKey(h.t.stack.deps.store),
    );
    const early = await postOutcome(attempt2Url, h.t.voice.secret, {
      callId,
      attempt: 2,
      providerCallId: 'prov-early',
      outcome: 'completed',
    });
    expect(early).toMatchObject({ status: 200, body: { changed: false, status: 'scheduled' } });

    const unchanged = await callOf(h, callId);
    expect(unchanged.version).toBe(planned.version);
    expect(unchanged.attempts).toEqual(planned.attempts);
    await settled(h);
    expect(requestsFor(h, callId, 2)).toHaveLength(0);

    h.clock.now = new Date(new Date(attempt2At ?? 0).getTime() + 1000);
    const second = await h.t.voice.waitForRequest((r) => r.body?.callId === callId && r.body?.attempt === 2);
    await untilCall(h, callId, 'attempt 2 to be placed', (c) => Boolean(c.attempts[1]?.providerCallId));
    expect((await outcome(h, second, 'completed', 80)).body).toMatchObject({ changed: true, status: 'completed' });

    // Attempt 1's report once more, after the call is over.
    expect((await outcome(h, first, 'no-answer')).body).toMatchObject({ changed: false, status: 'completed' });
    await settled(h);
    expect(requestsFor(h, callId, 1)).toHaveLength(1);
    expect(requestsFor(h, callId, 2)).toHaveLength(1);
    const done = await callOf(h, callId);
    expect(done.attempts.map((a) => a.outcome)).toEqual(['no-answer', 'completed']);
  });

  it('a callback that arrives before the placement reply settles the attempt; the late reply changes nothing', async () => {
    const callId = await newCallFor(h, h.agentId, { num_of_retries: '1', gap_between_retries: '1' });
    let early: Promise<{ status: number; body: any }> | undefined;
    scriptReplies(h.t.voice, callId, [
      (req) => {
        // The back end reports the outcome while hubdial still waits for its answer.
        setImmediate(() => (early = outcome(h, req, 'busy')));
        return { status: 200, body: { providerCallId: 'prov-fast' }, delayMs: 1000 };
      },
      () => undefined,
    ]);
    const retry = await untilCall(h, callId, 'attempt 1 to be settled by its callback', (c) => c.attempts.length === 2);
    expect((await early)?.body).toMatchObject({ changed: true, status: 'scheduled' });
    await settled(h);
    const afterReply = await callOf(h, callId);
    expect(afterReply.attempts[0]).toMatchObject({ outcome: 'busy', providerCallId: 'prov-fast' });
    expect(afterReply.status).toBe('scheduled');
    expect(requestsFor(h, callId)).toHaveLength(1);

    h.clock.now = new Date(new Date(retry.attempts[1]?.scheduledAt ?? 0).getTime() + 1000);
    const second = await h.t.voice.waitForRequest((r) => r.body?.callId === callId && r.body?.attempt === 2);
    await untilCall(h, callId, 'attempt 2 to be placed', (c) => Boolean(c.attempts[1]?.providerCallId));
    expect((await outcome(h, second, 'voicemail', 20)).body).toMatchObject({ changed: true, status: 'failed' });
    await settled(h);
    expect(requestsFor(h, callId)).toHaveLength(2);
  });
});

describe('a callback for an attempt whose placement timed out (embedded stack, 4 s visibility timeout)', () => {
  // The job's redelivery comes one visibility timeout after the hang: long enough that the
  // back end's callback surely lands between the recorded timeout and that redelivery.
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(4);
  });
  afterAll(() => stopHarness(h));

  it('settles the attempt, so the redelivered job does not dial the contact again', async () => {
    const callId = await newCallFor(h, h.impatientAgentId);
    // The back end placed the call but its answer came too late for hubdial...
    scriptReplies(h.t.voice, callId, [() => ({ status: 200, body: { providerCallId: 'prov-slow' }, delayMs: 10 * SHORT_TIMEOUT_MS })]);
    const timedOut = await untilCall(
      h,
      callId,
      'the timeout to be recorded',
      (c) => c.status === 'dialing' && /no answer from/.test(c.reason),
    );
    expect(timedOut.reason).toMatch(/not sent again/);
    const [placed] = requestsFor(h, callId, 1) as [FakeVoiceRequest];

    // ...and the conversation happened: the back end reports it.
    const report = await outcome(h, placed, 'completed', 95);
    expect(report.status).toBe(200);

    // Done when the redelivered job has been handled, or as soon as it dialled again.
    await waitFor(
      async () => (requestsFor(h, callId).length > 1 || (await isSettled(h)) ? true : undefined),
      'the redelivered job to be handled',
    );
    const call = await callOf(h, callId);
    expect([call.status, requestsFor(h, callId).length]).toEqual(['completed', 1]);
    expect(call.attempts[0]).toMatchObject({ outcome: 'completed', providerCallId: 'prov-slow', durationSeconds: 95 });
  });
});
