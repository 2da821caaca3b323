// What a call produced (summary, transcript, recording, the platform's reason) through the
// real handlers on the embedded stack: in the call detail, in `calls show`, in exactly one
// HubSpot Call engagement per attempt (PATCHed with what comes later), and as signed
// operator notifications delivered at least once through the queue.
import { createHmac } from 'node:crypto';
import { describeCall } from '../../cli/commands/calls';
import { deriveCallId } from '../../functions/core/call-id';
import { MAX_TRANSCRIPT_BYTES, TRANSCRIPT_CUT_MARKER } from '../../functions/core/call-state';
import { callEngagement } from '../../functions/core/call-engagement';
import { MAX_WRITEBACK_TRIES, withAttempt, writeBackTask } from '../../functions/core/follow-ups';
import { POSTING_CLAIM_SECONDS } from '../../functions/handlers/tasks/hubspot-writeback';
import { startFakeNotifyReceiver, type FakeNotifyReceiver } from '../fakes/fake-notify-receiver';
import { startFakeRetell, type FakeRetell } from '../fakes/fake-retell';
import type { PlatformRequest } from '../fakes/platform-fake';
import { postOutcome } from '../support/outcome-callback';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, waitFor, type TestStack } from '../support/local-stack';

jest.setTimeout(60_000);

const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7';
const NO_ANSWER = '73a0d17f-1163-4015-bdd5-ec830791da20';

describe('what the call produced', () => {
  let t: TestStack;
  let receiver: FakeNotifyReceiver;
  let key: string;
  let agentId: string;
  let nextContact = 700;

  let retell: FakeRetell;

  beforeAll(async () => {
    t = await startTestStack();
    receiver = await startFakeNotifyReceiver();
    retell = await startFakeRetell();
    ({ key, agentId } = await t.setup({
      writeBackToHubSpot: true,
      notify: { url: receiver.url, secret: receiver.secret },
      callDefaults: { num_of_retries: 1, gap_between_retries: [1] },
    }));
  });
  afterAll(async () => {
    await t.stop();
    await receiver.stop();
    await retell.stop();
  });

  /** A new contact, delivered, its call placed: the voice request and the call id. */
  async function placedCall() {
    const contactId = String(nextContact++);
    t.hubspot.contacts.set(contactId, { firstname: 'Ada', phone: `+1415555${contactId.padStart(4, '0')}` });
    const res = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents([contactId], t.hubspot.portalId));
    expect(res.body.accepted).toBe(1);
    const callId = deriveCallId(agentId, t.hubspot.portalId, contactId);
    const request = await t.voice.waitForRequest((r) => r.body?.callId === callId);
    return { callId, contactId, request };
  }

  /** Attempt 2 is planned an hour out: hand its job to the queue now instead of waiting. */
  async function retryNow(callId: string) {
    await waitFor(async () => ((await callDetail(callId)).attempts.length === 2 ? true : undefined), 'the retry to be planned');
    const now = new Date();
    await t.stack.deps.dispatcher.dispatch({ callId, attempt: 2 }, now, now);
    return t.voice.waitForRequest((r) => r.body?.callId === callId && r.body?.attempt === 2);
  }

  const engagementsFor = (contactId: string) =>
    (t.hubspot.engagements as any[]).filter((e) => e.associations?.some((a: any) => a.to?.id === contactId));
  /** Lets tasks already queued run (and any stray one show itself) before counting what reached HubSpot. */
  const settleQueue = () => new Promise((r) => setTimeout(r, 1500));
  const callDetail = async (id: string) => (await t.admin('GET', `/admin/calls/${id}`)).body;

  it('keeps summary, transcript, recording and reason on the attempt, shows them, and writes one engagement', async () => {
    const { callId, contactId, request } = await placedCall();
    const reply = await postOutcome(t.voice, request, {
      outcome: 'completed',
      durationSeconds: 42.5,
      providerReason: 'user_hangup',
      summary: 'The contact wants a demo on Tuesday.',
      transcript: 'Agent: Hello!\nUser: Hi, a demo on Tuesday please.',
      recordingUrl: 'https://recordings.example.com/r/1.wav',
    });
    expect(reply.status).toBe(200);

    const call = await callDetail(callId);
    expect(call.status).toBe('completed');
    expect(call.attempts[0]).toMatchObject({
      number: 1,
      outcome: 'completed',
      providerCallId: request.providerCallId,
      providerReason: 'user_hangup',
      durationSeconds: 42.5,
      summary: 'The contact wants a demo on Tuesday.',
      transcript: 'Agent: Hello!\nUser: Hi, a demo on Tuesday please.',
      recordingUrl: 'https://recordings.example.com/r/1.wav',
    });
    const shown = describeCall(call);
    expect(shown).toContain('The contact wants a demo on Tuesday.');
    expect(shown).toContain('  User: Hi, a demo on Tuesday please.');
    expect(shown).toContain('user_hangup');

    await waitFor(async () => (engagementsFor(contactId).length ? true : undefined), 'the engagement');
    const [engagement] = engagementsFor(contactId);
    expect(engagement.associations).toEqual([
      { to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] },
    ]);
    expect(engagement.properties).toMatchObject({
      hs_call_direction: 'OUTBOUND',
      hs_call_status: 'COMPLETED',
      hs_call_disposition: CONNECTED,
      hs_call_duration: '42500',
      hs_call_to_number: call.to,
      hs_call_recording_url: 'https://recordings.example.com/r/1.wav',
      hs_timestamp: call.attempts[0].startedAt,
    });
    const body: string = engagement.properties.hs_call_body;
    expect(body.indexOf('The contact wants a demo on Tuesday.')).toBeGreaterThanOrEqual(0);
    expect(body.indexOf('User: Hi, a demo on Tuesday please.')).toBeGreaterThan(body.indexOf('The contact wants a demo'));
    // The engagement id is kept on the attempt, so what comes later is a PATCH.
    const written = await waitFor(async () => (await callDetail(callId)).attempts[0].hubspotCallId, 'the engagement id on the attempt');
    expect(t.hubspot.calls.has(written)).toBe(true);
  });

  it('a repeated callback changes nothing and writes no second engagement', async () => {
    const { callId, contactId, request } = await placedCall();
    const first = { outcome: 'completed', durationSeconds: 30, providerReason: 'agent_hangup', transcript: 'Agent: Hi.\nUser: Bye.' };
    expect((await postOutcome(t.voice, request, first)).status).toBe(200);
    const repeat = await postOutcome(t.voice, request, first);
    expect(repeat.status).toBe(200);
    expect(repeat.body.changed).toBe(false);
    await waitFor(async () => (await callDetail(callId)).attempts[0].hubspotCallId, 'the engagement id');
    // The repeat hands the write-back off again; it must find the engagement id and stop.
    await postOutcome(t.voice, request, first);
    await settleQueue();
    expect(engagementsFor(contactId)).toHaveLength(1);
  });

  it("Retell's call_analyzed after call_ended PATCHes the same engagement with the summary, never a second POST", async () => {
    const agent = await t.admin('POST', '/admin/agents', {
      name: 'Retell sales',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      voice: { provider: 'retell', apiKey: retell.apiKey, agentId: 'agent_retell_1', fromNumber: '+14155550100', apiBaseUrl: retell.url },
      writeBackToHubSpot: true,
      notify: { url: receiver.url, secret: receiver.secret },
    });
    expect(agent.status).toBe(201);
    retell.webhookUrl = agent.body.voice.webhookUrl;
    const contactId = String(nextContact++);
    t.hubspot.contacts.set(contactId, { firstname: 'Grace', phone: `+1415555${contactId.padStart(4, '0')}` });
    const res = await t.webhook(
      { agent_id: agent.body.id, type: 'hubspot', x_api_key: key },
      creationEvents([contactId], t.hubspot.portalId),
    );
    expect(res.body.accepted).toBe(1);
    const callId = deriveCallId(agent.body.id, t.hubspot.portalId, contactId);
    const req = (await waitFor(
      async () => retell.requests.find((r) => r.body?.metadata?.hubdial_call_id === callId),
      'the Retell create-call',
    )) as PlatformRequest;

    const ended = await retell.sendEvent(req, 'call_ended', {
      disconnection_reason: 'user_hangup',
      duration_ms: 61500,
      transcript: 'Agent: Hi Grace.\nUser: Hello, tell me more.',
      recording_url: 'https://retell.example/rec.wav',
    });
    expect(ended.status).toBe(200);
    const engagementId = await waitFor(async () => (await callDetail(callId)).attempts[0].hubspotCallId, 'the engagement id');
    expect(t.hubspot.calls.get(engagementId)).toMatchObject({
      hs_call_disposition: CONNECTED,
      hs_call_duration: '61500',
      hs_call_recording_url: 'https://retell.example/rec.wav',
    });
    expect(t.hubspot.calls.get(engagementId)?.hs_call_body).toContain('User: Hello, tell me more.');

    const analyzed = await retell.sendEvent(req, 'call_analyzed', {
      call_analysis: { call_summary: 'Grace wants a demo.', in_voicemail: false },
    });
    expect(analyzed.status).toBe(200);
    await waitFor(
      async () => (t.hubspot.calls.get(engagementId)?.hs_call_body?.includes('Grace wants a demo.') ? true : undefined),
      'the PATCH with the summary',
    );
    // Retell repeats call_analyzed: nothing new, nothing written.
    expect((await retell.sendEvent(req, 'call_analyzed', { call_analysis: { call_summary: 'Grace wants a demo.' } })).status).toBe(200);
    await settleQueue();
    expect(engagementsFor(contactId)).toHaveLength(1);
    expect(t.hubspot.callUpdates.filter((u) => u.id === engagementId)).toHaveLength(1);
    const detail = await callDetail(callId);
    expect(detail.attempts[0]).toMatchObject({ summary: 'Grace wants a demo.', providerReason: 'user_hangup', durationSeconds: 61.5 });
    const shown = describeCall(detail);
    expect(shown).toContain('Grace wants a demo.');
    expect(shown).toContain('  User: Hello, tell me more.');
    expect(shown).toContain('https://retell.example/rec.wav');
  });

  it('writes one engagement per attempt, with the no-answer disposition for a miss', async () => {
    const { callId, contactId, request } = await placedCall();
    await postOutcome(t.voice, request, { outcome: 'no-answer', providerReason: 'dial_no_answer' });
    const second = await retryNow(callId);
    await postOutcome(t.voice, second, { outcome: 'completed', durationSeconds: 5, summary: 'Second try connected.' });
    await waitFor(async () => (engagementsFor(contactId).length === 2 ? true : undefined), 'two engagements');
    const byTitle = Object.fromEntries(engagementsFor(contactId).map((e) => [e.properties.hs_call_title, e.properties]));
    expect(byTitle['hubdial AI call, attempt 1']).toMatchObject({ hs_call_status: 'NO_ANSWER', hs_call_disposition: NO_ANSWER });
    expect(byTitle['hubdial AI call, attempt 1']).not.toHaveProperty('hs_call_recording_url');
    expect(byTitle['hubdial AI call, attempt 2']).toMatchObject({ hs_call_status: 'COMPLETED', hs_call_disposition: CONNECTED });
  });

  it('retries a write-back HubSpot answers with 429 (Retry-After) and 503 until it lands', async () => {
    const { contactId, request } = await placedCall();
    t.hubspot.failCallWrites(1, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      },
    });
    t.hubspot.failCallWrites(1, { status: 503, body: { status: 'error', message: 'Service Unavailable', category: 'INTERNAL_ERROR' } });
    expect((await postOutcome(t.voice, request, { outcome: 'completed', summary: 'Landed after retries.' })).status).toBe(200);
    await waitFor(async () => (engagementsFor(contactId).length ? true : undefined), 'the engagement after retries', 30_000);
    expect(engagementsFor(contactId)).toHaveLength(1);
    // Refused twice, then written: three POSTs for this contact's call.
    const posts = t.hubspot.requests.filter(
      (r: any) => r.method === 'POST' && r.path === '/crm/v3/objects/calls' && r.body?.associations?.[0]?.to?.id === contactId,
    );
    expect(posts).toHaveLength(3);
  });

  it('a write-back whose reply HubSpot lost finds the engagement it made instead of writing a second', async () => {
    const { callId, contactId, request } = await placedCall();
    t.hubspot.loseCallWriteReplies(1);
    expect((await postOutcome(t.voice, request, { outcome: 'completed', summary: 'Reply lost.' })).status).toBe(200);
    const hubspotCallId = await waitFor(async () => (await callDetail(callId)).attempts[0].hubspotCallId, 'the engagement id', 30_000);
    await settleQueue();
    expect(engagementsFor(contactId)).toHaveLength(1);
    expect([...t.hubspot.calls.keys()]).toContain(hubspotCallId);
    expect(t.hubspot.calls.get(hubspotCallId)?.hs_call_body).toContain('Reply lost.');
    // The second try looked before it wrote: one search of this contact's calls.
    const searches = t.hubspot.requests.filter(
      (r: any) => r.path === '/crm/v3/objects/calls/search' && r.body?.filterGroups?.[0]?.filters?.[0]?.value === contactId,
    );
    expect(searches).toHaveLength(1);
  });

  it('a write-back whose look for an earlier engagement HubSpot refuses (404) still writes one', async () => {
    const { callId, contactId, request } = await placedCall();
    // The POST gets a 503 (nothing stored), so the next try looks first; that search gets a 404.
    t.hubspot.failCallWrites(1, { status: 503, body: { status: 'error', message: 'Service Unavailable', category: 'INTERNAL_ERROR' } });
    t.hubspot.failCallWrites(1, { status: 404 });
    expect((await postOutcome(t.voice, request, { outcome: 'completed' })).status).toBe(200);
    await waitFor(async () => (await callDetail(callId)).attempts[0].hubspotCallId, 'the engagement id', 30_000);
    expect(engagementsFor(contactId)).toHaveLength(1);
    expect((await callDetail(callId)).history.some((h: any) => /given up/.test(h.reason))).toBe(false);
  });

  it('a write-back that died after HubSpot took its POST (its claim expired) adopts that engagement', async () => {
    const { callId, contactId, request } = await placedCall();
    // This attempt's own write-back is refused, so it writes nothing; then the state a crash
    // right after HubSpot took the POST leaves is set by hand: the engagement in HubSpot, a
    // claim on the attempt older than POSTING_CLAIM_SECONDS, no engagement id stored.
    t.hubspot.failCallWrites(1, { status: 400, body: { status: 'error', message: 'refused (test)', category: 'VALIDATION_ERROR' } });
    expect((await postOutcome(t.voice, request, { outcome: 'completed' })).status).toBe(200);
    await waitFor(
      async () =>
        (await callDetail(callId)).history.some((h: any) => /write-back of attempt 1 given up/.test(h.reason)) ? true : undefined,
      'the refused write-back',
    );
    const call = (await t.stack.deps.store.getCall(callId))!;
    const attempt = call.attempts[0]!;
    const { id: made } = await t.stack.deps.hubspotFor(HUBSPOT_TOKEN).createCallEngagement(callEngagement(call, attempt)!);
    const old = new Date(Date.now() - (POSTING_CLAIM_SECONDS + 5) * 1000).toISOString();
    expect(await t.stack.deps.store.updateCall(withAttempt(call, { ...attempt, hubspotPostingAt: old }))).toBe(true);

    await t.stack.deps.dispatcher.dispatchTask(writeBackTask(callId, 1), 0);
    await waitFor(async () => ((await callDetail(callId)).attempts[0].hubspotCallId === made ? true : undefined), 'the adopted id');
    await settleQueue();
    expect(engagementsFor(contactId)).toHaveLength(1);
  });

  it("reports a write-back HubSpot keeps refusing in the call history, with HubSpot's reason", async () => {
    const { callId, request } = await placedCall();
    t.hubspot.failCallWrites(MAX_WRITEBACK_TRIES, {
      status: 429,
      headers: { 'retry-after': '0' },
      body: { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' },
    });
    await postOutcome(t.voice, request, { outcome: 'busy' });
    const note = await waitFor(
      async () => (await callDetail(callId)).history.find((h: any) => /HubSpot write-back of attempt 1 given up/.test(h.reason)),
      'the give-up note',
      30_000,
    );
    expect(note.reason).toContain(`after ${MAX_WRITEBACK_TRIES} tries`);
    expect(note.reason).toContain('secondly limit');
  });

  it('delivers signed attempt.settled and call.finished events, with the call detail, at least once', async () => {
    const { callId, request } = await placedCall();
    await postOutcome(t.voice, request, { outcome: 'no-answer' });
    const second = await retryNow(callId);
    await postOutcome(t.voice, second, { outcome: 'completed', summary: 'Done.' });
    const wanted = [`${callId}:1:attempt.settled`, `${callId}:2:attempt.settled`, `${callId}:call.finished`];
    await waitFor(async () => (wanted.every((id) => receiver.acceptedEventIds().has(id)) ? true : undefined), 'three events');
    const events = receiver.received.filter((e) => e.body?.call?.id === callId);
    expect(events.every((e) => e.signatureValid)).toBe(true);
    const finished = events.find((e) => e.body.type === 'call.finished');
    expect(finished?.body).toMatchObject({ eventId: `${callId}:call.finished`, call: { id: callId, status: 'completed' } });
    expect(finished?.body.call.attempts[1].summary).toBe('Done.');
    expect(Number.isNaN(Date.parse(finished?.body.occurredAt))).toBe(false);
    expect(events.filter((e) => e.body.type === 'call.finished')).toHaveLength(1);
    // Our own check of the header, byte for byte.
    const e = events[0];
    expect(e?.headers['x-hubdial-signature']).toBe(
      `sha256=${createHmac('sha256', receiver.secret)
        .update(e?.rawBody ?? '')
        .digest('hex')}`,
    );
  });

  it('keeps trying an endpoint that is down, while other calls go on', async () => {
    receiver.status = 503;
    const down = await placedCall();
    await postOutcome(t.voice, down.request, { outcome: 'completed' });
    await waitFor(async () => (receiver.received.some((e) => e.body?.call?.id === down.callId) ? true : undefined), 'a refused try');
    // Another call is placed and settled while the endpoint is down.
    const other = await placedCall();
    expect((await postOutcome(t.voice, other.request, { outcome: 'completed' })).status).toBe(200);
    receiver.status = 200;
    await waitFor(
      async () => (receiver.acceptedEventIds().has(`${down.callId}:call.finished`) ? true : undefined),
      'the event once the endpoint is back',
      30_000,
    );
  });

  it('an attempt the platform refuses to place is settled too: its event and a FAILED engagement', async () => {
    const contactId = String(nextContact++);
    t.hubspot.contacts.set(contactId, { firstname: 'Ada', phone: `+1415555${contactId.padStart(4, '0')}` });
    const callId = deriveCallId(agentId, t.hubspot.portalId, contactId);
    const normal = t.voice.reply;
    t.voice.reply = (req) => (req.body?.callId === callId ? { status: 400, body: { error: 'number not allowed' } } : normal(req));
    try {
      const res = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents([contactId], t.hubspot.portalId));
      expect(res.body.accepted).toBe(1);
      await waitFor(async () => (receiver.acceptedEventIds().has(`${callId}:1:attempt.settled`) ? true : undefined), 'the event');
      await waitFor(async () => (engagementsFor(contactId).length ? true : undefined), 'the engagement');
      expect(engagementsFor(contactId)[0].properties).toMatchObject({ hs_call_status: 'FAILED' });
    } finally {
      t.voice.reply = normal;
    }
  });

  it('a call that is final from the start (no usable phone) sends call.finished', async () => {
    const contactId = String(nextContact++);
    t.hubspot.contacts.set(contactId, { firstname: 'Ada' });
    const res = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents([contactId], t.hubspot.portalId));
    expect(res.body.accepted).toBe(1);
    const callId = deriveCallId(agentId, t.hubspot.portalId, contactId);
    await waitFor(async () => (receiver.acceptedEventIds().has(`${callId}:call.finished`) ? true : undefined), 'call.finished');
    const event = receiver.received.find((e) => e.body?.eventId === `${callId}:call.finished`);
    expect(event?.body.call).toMatchObject({ id: callId, status: 'failed', attempts: [] });
  });

  it('bounds a long transcript and cuts it with a marker', async () => {
    const { callId, request } = await placedCall();
    const transcript = `${'User: la la la.\n'.repeat(8000)}END`;
    expect((await postOutcome(t.voice, request, { outcome: 'completed', transcript })).status).toBe(200);
    const stored: string = (await callDetail(callId)).attempts[0].transcript;
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(MAX_TRANSCRIPT_BYTES);
    expect(stored.endsWith(TRANSCRIPT_CUT_MARKER)).toBe(true);
    expect(stored.startsWith('User: la la la.')).toBe(true);
    expect(describeCall(await callDetail(callId))).toContain('more characters');
  });

  it('refuses a callback body over 1 MiB with 413', async () => {
    const { request } = await placedCall();
    const reply = await postOutcome(t.voice, request, { outcome: 'completed', transcript: 'x'.repeat(1024 * 1024) });
    expect(reply.status).toBe(413);
  });

  it('validates notify by parameter name and never shows its secret', async () => {
    const agent = await t.admin('GET', `/admin/agents/${agentId}`);
    expect(agent.body.notify).toEqual({ url: receiver.url, secret: '***' });
    expect(JSON.stringify(agent.body)).not.toContain(receiver.secret);
    const base = { name: 'N', timezone: 'UTC', voice: { provider: 'simulator' } };
    const badUrl = await t.admin('POST', '/admin/agents', { ...base, notify: { url: 'ftp://x', secret: 'a'.repeat(20) } });
    expect(badUrl.status).toBe(400);
    expect(JSON.stringify(badUrl.body)).toContain('notify.url');
    const badSecret = await t.admin('POST', '/admin/agents', { ...base, notify: { url: 'https://x.example.com', secret: 'short' } });
    expect(badSecret.status).toBe(400);
    expect(JSON.stringify(badSecret.body)).toContain('notify.secret');
    // A PUT built from the GET keeps the stored secret.
    const { id: _id, createdAt: _c, updatedAt: _u, workspaceId: _w, ...input } = agent.body;
    expect((await t.admin('PUT', `/admin/agents/${agentId}`, input)).status).toBe(200);
    expect((await t.stack.deps.store.getAgent(agentId))?.notify?.secret).toBe(receiver.secret);
    // null switches notifications off.
    const other = await t.admin('POST', '/admin/agents', {
      ...base,
      notify: { url: 'https://hooks.example.com/h', secret: 'b'.repeat(20) },
    });
    expect(other.status).toBe(201);
    const off = await t.admin('PUT', `/admin/agents/${other.body.id}`, { ...base, notify: null });
    expect(off.status).toBe(200);
    expect(off.body).not.toHaveProperty('notify');
    expect((await t.stack.deps.store.getAgent(other.body.id))?.notify).toBeUndefined();
  });
});
