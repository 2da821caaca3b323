// Retell, Vapi, Bland and CallKaro end to end on the embedded stack: a contact created
// inside the window reaches the platform's fake create-call endpoint once with the
// platform's auth, the E.164 number, every mapped variable and our ids; the platform's
// callback moves the call exactly as an http callback does; 5xx and no answer are never
// sent twice; a 429 is, after Retry-After.
import { deriveCallId } from '../../functions/core/call-id';
import type { CallRecord } from '../../functions/core/model';
import { makeContacts } from '../fakes/fake-hubspot';
import { startFakeBland, type FakeBland } from '../fakes/fake-bland';
import { startFakeCallKaro, type FakeCallKaro } from '../fakes/fake-callkaro';
import { startFakeRetell, type FakeRetell } from '../fakes/fake-retell';
import { startFakeVapi, type FakeVapi } from '../fakes/fake-vapi';
import type { PlatformFake, PlatformRequest } from '../fakes/platform-fake';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../support/local-stack';

const HOUR = 3_600_000;
const VARIABLES = [
  { name: 'firstname', source: 'hubspot', field: 'firstname' },
  { name: 'company', source: 'hubspot', field: 'company' },
];

let t: TestStack;
let key: string;
let retell: FakeRetell;
let vapi: FakeVapi;
let bland: FakeBland;
let callkaro: FakeCallKaro;
let nextContact = 7001;

beforeAll(async () => {
  t = await startTestStack();
  ({ key } = await t.setup());
  [retell, vapi, bland, callkaro] = await Promise.all([
    startFakeRetell(),
    startFakeVapi(),
    startFakeBland('org_bland_key_0123456789', 'bland-webhook-secret-0123'),
    startFakeCallKaro(),
  ]);
});
afterAll(async () => {
  await Promise.all([retell, vapi, bland, callkaro].map((f) => f?.stop()));
  await t?.stop();
});

async function createAgent(voice: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await t.admin('POST', '/admin/agents', {
    name: `${voice.provider}`,
    timezone: 'America/New_York',
    defaultCountry: 'US',
    variables: VARIABLES,
    voice,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`agent not created: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A new contact, delivered to the agent; returns its call id and HubSpot properties. */
async function deliver(agentId: string, settings: Record<string, string> = {}): Promise<{ callId: string; props: Record<string, any> }> {
  const [[contactId, props]] = makeContacts(1, nextContact++) as [[string, Record<string, any>]];
  t.hubspot.contacts.set(contactId, props);
  const res = await t.webhook(
    { agent_id: agentId, type: 'hubspot', x_api_key: key, ...settings },
    creationEvents([contactId], t.hubspot.portalId, nextContact),
  );
  if (res.status !== 200 || res.body.accepted !== 1) throw new Error(`not accepted: ${JSON.stringify(res.body)}`);
  return { callId: deriveCallId(agentId, t.hubspot.portalId, contactId), props };
}

async function callOf(callId: string): Promise<CallRecord> {
  const call = await t.stack.deps.store.getCall(callId);
  if (!call) throw new Error(`call ${callId} not stored`);
  return call;
}

const until = (callId: string, what: string, ok: (c: CallRecord) => boolean, timeoutMs = 15_000) =>
  waitFor(
    async () => {
      const c = await callOf(callId);
      return ok(c) ? c : undefined;
    },
    `${what} (${callId})`,
    timeoutMs,
  );

const placed = (callId: string) =>
  until(callId, 'the call to be placed', (c) => Boolean(c.attempts[c.attempts.length - 1]?.providerCallId));

function e164(phone: string): string {
  return `+${phone.replace(/\D/g, '')}`;
}

interface Platform {
  name: string;
  fake: () => PlatformFake;
  voice: () => Record<string, unknown>;
  /** The create-call request for this call. */
  requestOf: (callId: string) => PlatformRequest | undefined;
  checkRequest: (req: PlatformRequest, call: { callId: string; props: Record<string, any>; attempt: number }) => void;
  /** The platform's word for each outcome, as DESIGN lists them. */
  /** The platform's word for each outcome, as DESIGN lists them (CallKaro has none for busy). */
  words: Record<'completed' | 'no-answer' | 'voicemail' | 'failed', string> & { busy?: string };
  end: (req: PlatformRequest, word: string) => Promise<{ status: number; body: any }>;
}

const ids = (callId: string, attempt: number) => ({ hubdial_call_id: callId, hubdial_attempt: String(attempt) });

const platforms: Platform[] = [
  {
    name: 'retell',
    fake: () => retell,
    voice: () => ({
      provider: 'retell',
      apiKey: retell.apiKey,
      agentId: 'agent_retell_1',
      fromNumber: '+14155550100',
      apiBaseUrl: retell.url,
    }),
    requestOf: (callId) => retell.requests.find((r) => r.body?.metadata?.hubdial_call_id === callId),
    checkRequest: (req, c) => {
      expect(req.path).toBe('/v2/create-phone-call');
      expect(req.headers.authorization).toBe(`Bearer ${retell.apiKey}`);
      expect(req.body).toEqual({
        from_number: '+14155550100',
        to_number: e164(c.props.phone),
        override_agent_id: 'agent_retell_1',
        retell_llm_dynamic_variables: { firstname: c.props.firstname, company: c.props.company },
        metadata: ids(c.callId, c.attempt),
      });
    },
    words: {
      completed: 'user_hangup',
      'no-answer': 'dial_no_answer',
      busy: 'dial_busy',
      voicemail: 'voicemail_reached',
      failed: 'dial_failed',
    },
    end: (req, word) => retell.sendEvent(req, 'call_ended', { disconnection_reason: word, duration_ms: 61500, transcript: 'Agent: Hi' }),
  },
  {
    name: 'vapi',
    fake: () => vapi,
    voice: () => ({ provider: 'vapi', apiKey: vapi.apiKey, assistantId: 'asst_1', phoneNumberId: 'pn_1', apiBaseUrl: vapi.url }),
    requestOf: (callId) => vapi.requests.find((r) => r.body?.assistantOverrides?.metadata?.hubdial_call_id === callId),
    checkRequest: (req, c) => {
      expect(req.path).toBe('/call');
      expect(req.headers.authorization).toBe(`Bearer ${vapi.apiKey}`);
      const server = req.body.assistantOverrides.server.url as string;
      expect(server).toMatch(new RegExp(`^${t.stack.publicUrl}/call/status/vapi\\?call_id=${c.callId}&attempt=${c.attempt}&token=`));
      expect(req.body).toEqual({
        assistantId: 'asst_1',
        phoneNumberId: 'pn_1',
        customer: { number: e164(c.props.phone) },
        assistantOverrides: {
          variableValues: { firstname: c.props.firstname, company: c.props.company },
          metadata: ids(c.callId, c.attempt),
          server: { url: server },
          serverMessages: ['end-of-call-report'],
        },
      });
    },
    words: {
      completed: 'customer-ended-call',
      'no-answer': 'customer-did-not-answer',
      busy: 'customer-busy',
      voicemail: 'voicemail',
      failed: 'pipeline-error-openai-llm-failed',
    },
    end: (req, word) => vapi.sendReport(req, word),
  },
  {
    name: 'bland',
    fake: () => bland,
    voice: () => ({
      provider: 'bland',
      apiKey: bland.apiKey,
      task: 'Greet the contact',
      webhookSecret: bland.webhookSecret,
      apiBaseUrl: bland.url,
    }),
    requestOf: (callId) => bland.requests.find((r) => r.body?.metadata?.hubdial_call_id === callId),
    checkRequest: (req, c) => {
      expect(req.path).toBe('/v1/calls');
      expect(req.headers.authorization).toBe(bland.apiKey);
      expect(req.body.webhook).toMatch(
        new RegExp(`^${t.stack.publicUrl}/call/status/bland\\?call_id=${c.callId}&attempt=${c.attempt}&token=`),
      );
      expect(req.body).toEqual({
        phone_number: e164(c.props.phone),
        task: 'Greet the contact',
        request_data: { firstname: c.props.firstname, company: c.props.company },
        metadata: ids(c.callId, c.attempt),
        webhook: req.body.webhook,
        record: true,
      });
    },
    words: { completed: 'completed', 'no-answer': 'no-answer', busy: 'busy', voicemail: 'completed+voicemail', failed: 'failed' },
    end: (req, word) =>
      word === 'completed+voicemail' ? bland.sendWebhook(req, 'completed', { answered_by: 'voicemail' }) : bland.sendWebhook(req, word),
  },
  {
    name: 'callkaro',
    fake: () => callkaro,
    voice: () => ({ provider: 'callkaro', apiKey: callkaro.apiKey, agentId: 'ck_agent_1', apiBaseUrl: callkaro.url }),
    requestOf: (callId) => callkaro.requests.find((r) => r.body?.metadata?.hubdial_call_id === callId),
    checkRequest: (req, c) => {
      expect(req.path).toBe('/call/outbound');
      expect(req.headers['x-api-key']).toBe(callkaro.apiKey);
      expect(req.body).toEqual({
        to_number: e164(c.props.phone),
        agent_id: 'ck_agent_1',
        metadata: { firstname: c.props.firstname, company: c.props.company, ...ids(c.callId, c.attempt) },
        number_of_retries: 0,
      });
    },
    words: {
      completed: 'CLIENT_INITIATED',
      'no-answer': 'USER_UNAVAILABLE',
      voicemail: 'VOICEMAIL_DETECTED',
      failed: 'NETWORK_ERROR',
    },
    end: (req, word) => callkaro.sendCallEnded(req, word),
  },
];

describe.each(platforms)('$name end to end', (p) => {
  let agent: any;
  beforeAll(async () => {
    agent = await createAgent(p.voice());
    // The URL an operator pastes into the platform, from the admin reply.
    if (p.name === 'retell') retell.webhookUrl = agent.voice.webhookUrl;
    if (p.name === 'callkaro') callkaro.webhookUrl = agent.voice.webhookUrl;
  });

  it('shows voice.webhookUrl and the pacing in effect, never the API key', async () => {
    const shown = await t.admin('GET', `/admin/agents/${agent.id}`);
    expect(shown.body.voice.apiKey).toBe('***');
    expect(JSON.stringify(shown.body)).not.toContain(p.fake() === bland ? bland.webhookSecret : '\0');
    expect(JSON.stringify(shown.body)).not.toContain((p.voice() as any).apiKey);
    expect(shown.body.voice.webhookUrl).toMatch(new RegExp(`^${t.stack.publicUrl}/call/status/${p.name}`));
    if (p.name === 'callkaro') expect(shown.body.voice.webhookUrl).toMatch(/\?agent_id=agt_[^&]+&token=v1\./);
    else expect(shown.body.voice.webhookUrl).toBe(`${t.stack.publicUrl}/call/status/${p.name}`);
    const defaults: Record<string, unknown> = {
      retell: { maxLiveCalls: 20, callsPerSecond: 1 },
      vapi: { maxLiveCalls: 10, callsPerSecond: null },
      bland: { maxLiveCalls: 10, callsPerSecond: null },
      callkaro: { maxLiveCalls: 10, callsPerSecond: null },
    };
    expect(shown.body.pacing).toEqual(defaults[p.name]);
  });

  it('places the call once with its auth, the E.164 number, every variable and our ids; completed settles it', async () => {
    const c = await deliver(agent.id);
    await placed(c.callId);
    const req = p.requestOf(c.callId) as PlatformRequest;
    p.checkRequest(req, { ...c, attempt: 1 });
    const res = await p.end(req, p.words.completed);
    expect(res).toMatchObject({ status: 200, body: { changed: true, status: 'completed' } });
    const call = await callOf(c.callId);
    expect(call.attempts[0]).toMatchObject({
      outcome: 'completed',
      providerReason: p.words.completed.split('+')[0],
      providerCallId: req.callId,
    });
    expect(call.attempts[0]?.durationSeconds).toBeGreaterThan(0);
    // Repeated: still 200, nothing changes.
    expect(await p.end(req, p.words.completed)).toMatchObject({ status: 200, body: { changed: false } });
    expect(p.fake().requests.filter((r) => r === req || p.requestOf(c.callId) === r)).toHaveLength(1);
  });

  it.each((['no-answer', 'busy', 'voicemail'] as const).filter((o) => p.words[o] !== undefined))(
    '%s plans the retry at the gap, with the platform word kept',
    async (outcome) => {
      const word = p.words[outcome] as string;
      const c = await deliver(agent.id, { num_of_retries: '1', gap_between_retries: '2' });
      await placed(c.callId);
      const res = await p.end(p.requestOf(c.callId) as PlatformRequest, word);
      expect(res).toMatchObject({ status: 200, body: { changed: true, status: 'scheduled' } });
      const call = await callOf(c.callId);
      expect(call.attempts[0]?.outcome).toBe(outcome);
      expect(call.attempts[0]?.providerReason).toBe(word.split('+')[0]);
      expect(Date.parse(call.attempts[1]?.scheduledAt as string)).toBe(Date.parse(call.attempts[0]?.endedAt as string) + 2 * HOUR);
    },
  );

  it('an unknown reason word fails the call when no retry is left', async () => {
    const c = await deliver(agent.id, { num_of_retries: '0' });
    await placed(c.callId);
    const res = await p.end(p.requestOf(c.callId) as PlatformRequest, p.words.failed);
    expect(res).toMatchObject({ status: 200, body: { changed: true, status: 'failed' } });
    expect((await callOf(c.callId)).attempts[0]).toMatchObject({ outcome: 'failed', providerReason: p.words.failed });
  });

  it('a 500 gets no second create-call: the attempt waits for the callback, which settles it', async () => {
    const c = await deliver(agent.id);
    const fake = p.fake();
    fake.script = (r) => (r.rawBody.includes(c.callId) ? { status: 500, body: { message: 'Internal server error' } } : undefined);
    try {
      const call = await until(c.callId, 'the 500 to be recorded', (x) => /HTTP 500/.test(x.reason));
      expect(call.status).toBe('dialing');
      await new Promise((r) => setTimeout(r, 2500));
      expect(fake.requests.filter((r) => r.rawBody.includes(c.callId))).toHaveLength(1);
    } finally {
      fake.script = undefined;
    }
  });

  it('a 429 gets exactly one more create-call, after Retry-After, with the same attempt number', async () => {
    const c = await deliver(agent.id);
    const fake = p.fake();
    let refused = false;
    fake.script = (r) => {
      if (!r.rawBody.includes(c.callId) || refused) return undefined;
      refused = true;
      return { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too many requests' } };
    };
    try {
      await placed(c.callId);
      const sent = fake.requests.filter((r) => r.rawBody.includes(c.callId));
      expect(sent).toHaveLength(2);
      expect((sent[1] as PlatformRequest).at - (sent[0] as PlatformRequest).at).toBeGreaterThanOrEqual(1000);
      expect(sent.every((r) => r.rawBody.includes('"hubdial_attempt":"1"'))).toBe(true);
    } finally {
      fake.script = undefined;
    }
  });

  it('a forged callback gets 401 and changes nothing', async () => {
    const c = await deliver(agent.id);
    await placed(c.callId);
    const before = await callOf(c.callId);
    const req = p.requestOf(c.callId) as PlatformRequest;
    const forged = {
      event: 'call_ended',
      data: { call_metadata: ids(c.callId, 1), hangup_reason: 'CLIENT_INITIATED' },
      call: { metadata: ids(c.callId, 1), disconnection_reason: 'user_hangup' },
      message: { type: 'end-of-call-report', endedReason: 'customer-ended-call' },
      status: 'completed',
      metadata: ids(c.callId, 1),
    };
    const url =
      p.name === 'retell' || p.name === 'callkaro'
        ? `${t.stack.publicUrl}/call/status/${p.name}?agent_id=${agent.id}&token=v1.forged`
        : `${t.stack.publicUrl}/call/status/${p.name}?call_id=${c.callId}&attempt=1&token=v1.forged`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': `v=${Date.now()},d=${'0'.repeat(64)}` },
      body: JSON.stringify(forged),
    });
    expect(res.status).toBe(401);
    expect((await callOf(c.callId)).version).toBe(before.version);
    expect(req).toBeDefined();
  });
});

describe('platform specifics', () => {
  it('retell: call_started changes nothing, call_ended settles, call_analyzed adds the summary, repeats change nothing, a stale signature is 401', async () => {
    const agent = await createAgent({
      provider: 'retell',
      apiKey: retell.apiKey,
      agentId: 'agent_retell_1',
      fromNumber: '+14155550100',
      apiBaseUrl: retell.url,
    });
    retell.webhookUrl = agent.voice.webhookUrl;
    const c = await deliver(agent.id);
    await placed(c.callId);
    const req = retell.requests.find((r) => r.body?.metadata?.hubdial_call_id === c.callId) as PlatformRequest;
    expect(await retell.sendEvent(req, 'call_started')).toMatchObject({ status: 200, body: { changed: false, status: 'dialing' } });
    const stale = await retell.sendEvent(req, 'call_ended', { disconnection_reason: 'user_hangup' }, { signedAt: Date.now() - 6 * 60_000 });
    expect(stale.status).toBe(401);
    const future = await retell.sendEvent(
      req,
      'call_ended',
      { disconnection_reason: 'user_hangup' },
      { signedAt: Date.now() + 6 * 60_000 },
    );
    expect(future.status).toBe(401);
    const wrongKey = await retell.sendEvent(req, 'call_ended', { disconnection_reason: 'user_hangup' }, { apiKey: 'key_other' });
    expect(wrongKey.status).toBe(401);
    expect((await callOf(c.callId)).status).toBe('dialing');
    const long = 'x'.repeat(40_000);
    const ended = await retell.sendEvent(req, 'call_ended', {
      disconnection_reason: 'agent_hangup',
      duration_ms: 30000,
      transcript: long,
      recording_url: 'https://retell.example/rec.wav',
    });
    expect(ended.body).toMatchObject({ changed: true, status: 'completed' });
    const analyzed = await retell.sendEvent(req, 'call_analyzed', {
      disconnection_reason: 'agent_hangup',
      call_analysis: { call_summary: 'Wants a demo.', in_voicemail: false },
    });
    expect(analyzed).toMatchObject({ status: 200, body: { changed: true, status: 'completed' } });
    expect(await retell.sendEvent(req, 'call_analyzed', { call_analysis: { call_summary: 'Wants a demo.' } })).toMatchObject({
      status: 200,
      body: { changed: false },
    });
    expect(await retell.sendEvent(req, 'call_ended', { disconnection_reason: 'agent_hangup' })).toMatchObject({
      status: 200,
      body: { changed: false },
    });
    const call = await callOf(c.callId);
    expect(call.attempts).toHaveLength(1);
    expect(call.attempts[0]).toMatchObject({
      outcome: 'completed',
      providerReason: 'agent_hangup',
      durationSeconds: 30,
      summary: 'Wants a demo.',
      recordingUrl: 'https://retell.example/rec.wav',
    });
    expect(Buffer.byteLength(call.attempts[0]?.transcript ?? '')).toBeLessThanOrEqual(32 * 1024);
    expect(call.attempts[0]?.transcript).toMatch(/transcript cut by hubdial/);
    const detail = await t.admin('GET', `/admin/calls/${c.callId}`);
    expect(detail.body.attempts[0]).toMatchObject({ summary: 'Wants a demo.', providerReason: 'agent_hangup' });
  });

  it('bland: with a webhookSecret, a callback without the right X-Webhook-Signature is 401', async () => {
    const agent = await createAgent({
      provider: 'bland',
      apiKey: bland.apiKey,
      pathwayId: 'pw_1',
      webhookSecret: bland.webhookSecret,
      apiBaseUrl: bland.url,
    });
    const c = await deliver(agent.id);
    await placed(c.callId);
    const req = bland.requests.find((r) => r.body?.metadata?.hubdial_call_id === c.callId) as PlatformRequest;
    expect(req.body.pathway_id).toBe('pw_1');
    expect((await bland.sendWebhook(req, 'completed', {}, { secret: 'not-the-secret-0000' })).status).toBe(401);
    expect((await callOf(c.callId)).status).toBe('dialing');
    expect((await bland.sendWebhook(req, 'completed')).status).toBe(200);
    expect((await callOf(c.callId)).attempts[0]).toMatchObject({ durationSeconds: 37, summary: 'Greeted the contact.' });
  });

  it("callkaro: the call_ended webhook of another agent's URL is 401", async () => {
    const a = await createAgent({ provider: 'callkaro', apiKey: callkaro.apiKey, agentId: 'ck_agent_1', apiBaseUrl: callkaro.url });
    const b = await createAgent({ provider: 'callkaro', apiKey: callkaro.apiKey, agentId: 'ck_agent_2', apiBaseUrl: callkaro.url });
    const c = await deliver(a.id);
    await placed(c.callId);
    const req = callkaro.requests.find((r) => r.body?.metadata?.hubdial_call_id === c.callId) as PlatformRequest;
    expect((await callkaro.sendCallEnded(req, 'CLIENT_INITIATED', {}, b.voice.webhookUrl)).status).toBe(401);
    expect((await callkaro.sendCallEnded(req, 'CLIENT_INITIATED', {}, a.voice.webhookUrl)).body).toMatchObject({
      changed: true,
      status: 'completed',
    });
  });

  it('rotating the API key or secret does not break the callbacks of calls in flight', async () => {
    const agent = await createAgent({
      provider: 'vapi',
      apiKey: vapi.apiKey,
      assistantId: 'asst_1',
      phoneNumberId: 'pn_1',
      apiBaseUrl: vapi.url,
    });
    const c = await deliver(agent.id);
    await placed(c.callId);
    const rotated = await t.admin('PUT', `/admin/agents/${agent.id}`, {
      ...agent,
      voice: { ...agent.voice, apiKey: 'vapi-rotated-key-9876543210' },
    });
    expect(rotated.status).toBe(200);
    const req = vapi.requests.find((r) => r.body?.assistantOverrides?.metadata?.hubdial_call_id === c.callId) as PlatformRequest;
    expect((await vapi.sendReport(req, 'customer-ended-call')).body).toMatchObject({ changed: true, status: 'completed' });

    // http: the back end and the agent move to a new secret while a call is ringing.
    const http = await createAgent({ provider: 'http', url: `${t.voice.url}/calls`, secret: 'old-secret-0123456789' });
    const h = await deliver(http.id);
    await placed(h.callId);
    const newSecret = 'new-secret-9876543210';
    expect(
      (
        await t.admin('PUT', `/admin/agents/${http.id}`, {
          ...http,
          voice: { provider: 'http', url: `${t.voice.url}/calls`, secret: newSecret },
        })
      ).status,
    ).toBe(200);
    const placedReq: any = t.voice.requests.find((r: any) => r.body?.callId === h.callId);
    const raw = JSON.stringify({ callId: h.callId, attempt: 1, providerCallId: placedReq.providerCallId, outcome: 'completed' });
    const { createHmac } = await import('node:crypto');
    const res = await fetch(placedReq.body.statusCallbackUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubdial-signature': `sha256=${createHmac('sha256', newSecret).update(raw).digest('hex')}`,
      },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect((await callOf(h.callId)).status).toBe('completed');
  });

  it('a callback body over 1 MiB is refused with 413 and a message', async () => {
    const res = await fetch(`${t.stack.publicUrl}/call/status/retell`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'call_ended', pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toMatch(/1 MiB/);
  });
});
