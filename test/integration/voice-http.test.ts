import { readCallback } from '../support/voice-callback';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VoiceProviderError } from '../../functions/core/errors';
import type { PlaceCallRequest, VoiceProvider } from '../../functions/core/ports';
import { voiceProvider } from '../../functions/adapters/voice/registry';
import { startFakeVoice, type FakeVoice } from '../fakes/fake-voice';

const QUERY_SECRET = 'tenant-key-7f3a9c';
const CALLBACK_TOKEN = 'cbtoken-0c2b7d1e9f';

const request: PlaceCallRequest = {
  callId: 'call_8d1f',
  attempt: 2,
  agentId: 'agt_sales',
  to: '+14155552671',
  variables: { firstname: 'Ada', company: 'Analytical Engines' },
  statusCallbackUrl: `https://hubdial.example.com/call/status/http?call_id=call_8d1f&attempt=2&token=${CALLBACK_TOKEN}`,
};

function hmac(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function placeError(provider: VoiceProvider, config: Record<string, unknown>): Promise<VoiceProviderError> {
  try {
    await provider.placeCall(request, config);
  } catch (err) {
    if (err instanceof VoiceProviderError) return err;
    throw err;
  }
  throw new Error('placeCall succeeded but a VoiceProviderError was expected');
}

describe('http voice provider against a fake back end', () => {
  const provider = voiceProvider('http')!;
  let fake: FakeVoice;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    fake = await startFakeVoice({ secret: 'voice-secret-0123456789' });
    config = { provider: 'http', url: `${fake.url}/v1/calls?key=${QUERY_SECRET}`, secret: fake.secret };
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.reply = () => ({ status: 200, body: { providerCallId: 'prov_123' } });
  });

  const expectNoLeak = (err: Error) => {
    expect(err.message).not.toContain(QUERY_SECRET);
    expect(err.message).not.toContain('?');
    expect(err.message).not.toContain(fake.secret);
    expect(err.message).not.toContain(CALLBACK_TOKEN);
  };

  it('POSTs exactly the contract body, signed with the secret, and returns the providerCallId', async () => {
    await expect(provider.placeCall(request, config)).resolves.toEqual({ providerCallId: 'prov_123' });

    expect(fake.requests).toHaveLength(1);
    const got = fake.requests[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe(`/v1/calls?key=${QUERY_SECRET}`);
    expect(got.headers['content-type']).toBe('application/json');
    expect(Object.keys(got.body)).toEqual(['callId', 'attempt', 'agentId', 'to', 'variables', 'statusCallbackUrl']);
    expect(got.body).toEqual(request);
    expect(got.headers['x-hubdial-signature']).toBe(hmac(fake.secret, got.rawBody));
    expect(got.signatureValid).toBe(true);
    expect(got.headers['idempotency-key']).toBe(`${request.callId}-${request.attempt}`);
  });

  it('a 500 may have placed the call: not retryable (at most once), and names the back end by origin and path only', async () => {
    fake.reply = () => ({ status: 500, body: { error: 'upstream telephony down' } });
    const err = await placeError(provider, config);
    expect(err).toMatchObject({ retryable: false, kind: 'uncertain', status: 500 });
    expect(err.message).toContain(`${fake.url}/v1/calls`);
    expect(err.message).toContain('HTTP 500');
    expectNoLeak(err);
  });

  it('a 400 is not retryable, keeps the status, and masks secrets the back end echoes back', async () => {
    fake.reply = (req) => ({
      status: 400,
      body: { error: 'invalid number', echo: req.path, secret: fake.secret, callback: req.body.statusCallbackUrl },
    });
    const err = await placeError(provider, config);
    expect(err).toMatchObject({ retryable: false, status: 400 });
    expect(err.message).toContain('invalid number');
    expectNoLeak(err);
  });

  it('a 429 is a certain refusal: retryable', async () => {
    fake.reply = () => ({ status: 429, body: 'slow down' });
    await expect(placeError(provider, config)).resolves.toMatchObject({ retryable: true, kind: 'retry', status: 429 });
  });

  it('a concurrency-limit refusal is a wait for a slot, not a try', async () => {
    fake.reply = () => ({ status: 429, body: { error: 'Concurrency limit reached' } });
    await expect(placeError(provider, config)).resolves.toMatchObject({ retryable: true, kind: 'busy', status: 429 });
  });

  it('a redirect is reported, not followed', async () => {
    fake.reply = () => ({ status: 302, body: '' });
    const err = await placeError(provider, config);
    expect(err).toMatchObject({ retryable: false, status: 302 });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['no providerCallId', { ok: true }],
    ['a numeric providerCallId', { providerCallId: 42 }],
    ['an empty providerCallId', { providerCallId: '' }],
    ['a body that is not JSON', 'placed!'],
  ])('a 2xx with %s is not retryable (the call may be ringing)', async (_what, body) => {
    fake.reply = () => ({ status: 201, body });
    const err = await placeError(provider, config);
    expect(err).toMatchObject({ retryable: false, kind: 'uncertain', status: 201 });
    expect(err.message).toContain('providerCallId');
    expectNoLeak(err);
  });

  it('a back end that hangs past the timeout may have placed the call: not retryable', async () => {
    fake.reply = () => ({ status: 200, body: { providerCallId: 'too_late' }, delayMs: 10_000 });
    const err = await placeError(provider, { ...config, timeoutMs: 200 });
    expect(err).toMatchObject({ retryable: false, kind: 'uncertain' });
    expect(err.status).toBeUndefined();
    expect(err.message).toContain('200 ms');
    expectNoLeak(err);
  });

  it('a connection dropped after the request arrived may have placed the call: not retryable', async () => {
    fake.reply = () => ({ status: 200, body: { providerCallId: 'lost' }, breakOff: 'before-reply' });
    const err = await placeError(provider, config);
    expect(err).toMatchObject({ retryable: false, kind: 'uncertain' });
    expect(err.message).toContain('broke off');
    expect(fake.requests).toHaveLength(1);
    expectNoLeak(err);
  });

  it('a 2xx whose body breaks off may have placed the call: not retryable', async () => {
    fake.reply = () => ({ status: 201, body: { providerCallId: 'half_sent_reply_0123456789' }, breakOff: 'mid-body' });
    const err = await placeError(provider, config);
    expect(err).toMatchObject({ retryable: false, kind: 'uncertain', status: 201 });
    expect(err.message).toContain('reply broke off');
    expectNoLeak(err);
  });

  it('keeps the connection alive between calls, and a call after the idle connection closed still goes through', async () => {
    await provider.placeCall(request, config);
    await provider.placeCall(request, config);
    expect(fake.requests[1]!.remotePort).toBe(fake.requests[0]!.remotePort);
    // Past Node's 5 s server keep-alive: the client must not write into the closed connection.
    await new Promise((r) => setTimeout(r, 5_500));
    await expect(provider.placeCall(request, config)).resolves.toEqual({ providerCallId: 'prov_123' });
    expect(fake.requests[2]!.remotePort).not.toBe(fake.requests[0]!.remotePort);
  }, 15_000);

  it('a url Node cannot send to is refused, not retried', async () => {
    const err = await placeError(provider, { ...config, url: 'ftp://voice.example.com/calls' });
    expect(err).toMatchObject({ retryable: false, kind: 'refused' });
    expect(fake.requests).toHaveLength(0);
  });

  it('a back end that cannot be reached is retryable, without leaking the url query', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));

    const err = await placeError(provider, { ...config, url: `http://127.0.0.1:${port}/calls?key=${QUERY_SECRET}` });
    expect(err).toMatchObject({ retryable: true, kind: 'retry' });
    expect(err.message).toContain(`http://127.0.0.1:${port}/calls`);
    expect(err.message).toContain('ECONNREFUSED');
    expectNoLeak(err);
  });

  it('refuses to call without a url or secret', async () => {
    await expect(placeError(provider, { provider: 'http', url: fake.url })).resolves.toMatchObject({ retryable: false });
    await expect(placeError(provider, { provider: 'http', secret: fake.secret })).resolves.toMatchObject({ retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('http voice provider status callbacks', () => {
  const provider = voiceProvider('http')!;
  const secret = 'voice-secret-0123456789';
  const config = { provider: 'http', url: 'https://voice.example.com/calls', secret };
  const body = JSON.stringify({ callId: 'call_8d1f', attempt: 2, providerCallId: 'prov_123', outcome: 'no-answer' });

  it('accepts a correctly signed body', () => {
    expect(readCallback(provider, body, { 'x-hubdial-signature': hmac(secret, body) }, config)).toEqual({
      callId: 'call_8d1f',
      attempt: 2,
      providerCallId: 'prov_123',
      outcome: 'no-answer',
    });
  });

  it('keeps durationSeconds and tolerates extra fields', () => {
    const raw = JSON.stringify({
      callId: 'c',
      attempt: 1,
      providerCallId: 'p',
      outcome: 'completed',
      durationSeconds: 93.5,
      transcriptUrl: 'x',
    });
    expect(readCallback(provider, raw, { 'x-hubdial-signature': hmac(secret, raw) }, config)).toEqual({
      callId: 'c',
      attempt: 1,
      providerCallId: 'p',
      outcome: 'completed',
      durationSeconds: 93.5,
    });
  });

  it('rejects a body changed after signing', () => {
    const tampered = body.replace('no-answer', 'completed');
    expect(readCallback(provider, tampered, { 'x-hubdial-signature': hmac(secret, body) }, config)).toBeUndefined();
  });

  it('rejects a signature made with another secret', () => {
    expect(readCallback(provider, body, { 'x-hubdial-signature': hmac('another-secret-0123456789', body) }, config)).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not hex', 'sha256=zzzz'],
    ['another algorithm', `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`],
    ['a bare digest', createHmac('sha256', secret).update(body).digest('hex')],
  ])('rejects a %s signature header', (_what, header) => {
    expect(readCallback(provider, body, { 'x-hubdial-signature': header }, config)).toBeUndefined();
  });

  it('rejects everything when the agent has no secret', () => {
    expect(
      readCallback(provider, body, { 'x-hubdial-signature': hmac('', body) }, { provider: 'http', url: 'https://v.example.com' }),
    ).toBeUndefined();
  });

  it.each([
    ['an unknown outcome', { callId: 'c', attempt: 1, providerCallId: 'p', outcome: 'hung-up' }],
    ['attempt 0', { callId: 'c', attempt: 0, providerCallId: 'p', outcome: 'busy' }],
    ['attempt as a string', { callId: 'c', attempt: '1', providerCallId: 'p', outcome: 'busy' }],
    ['no callId', { attempt: 1, providerCallId: 'p', outcome: 'busy' }],
    ['a negative duration', { callId: 'c', attempt: 1, providerCallId: 'p', outcome: 'completed', durationSeconds: -1 }],
  ])('rejects a signed body with %s', (_what, payload) => {
    const raw = JSON.stringify(payload);
    expect(readCallback(provider, raw, { 'x-hubdial-signature': hmac(secret, raw) }, config)).toBeUndefined();
  });

  it('rejects a signed body that is not JSON', () => {
    expect(
      readCallback(provider, 'outcome=completed', { 'x-hubdial-signature': hmac(secret, 'outcome=completed') }, config),
    ).toBeUndefined();
  });
});

describe('fake voice back end callbacks', () => {
  let fake: FakeVoice;
  let listener: Server;
  let listenerUrl: string;
  const received: { headers: IncomingHttpHeaders; rawBody: string; path: string }[] = [];

  beforeAll(async () => {
    fake = await startFakeVoice();
    listener = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fake.stop();
    await new Promise<void>((r) => listener.close(() => r()));
  });

  it('sends an outcome the http provider accepts, to the statusCallbackUrl it was given', async () => {
    const provider = voiceProvider('http')!;
    const config = { provider: 'http', url: `${fake.url}/calls`, secret: fake.secret };
    const placed = await provider.placeCall(
      { ...request, statusCallbackUrl: `${listenerUrl}/call/status/http?call_id=call_8d1f&attempt=2&token=t` },
      config,
    );

    const res = await fake.sendOutcome(fake.requests[0]!, 'completed', 61);
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
    const cb = received[0]!;
    expect(cb.path).toBe('/call/status/http?call_id=call_8d1f&attempt=2&token=t');
    const headers = Object.fromEntries(Object.entries(cb.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    expect(readCallback(provider, cb.rawBody, headers, config)).toEqual({
      callId: 'call_8d1f',
      attempt: 2,
      providerCallId: placed.providerCallId,
      outcome: 'completed',
      durationSeconds: 61,
    });
  });
});
