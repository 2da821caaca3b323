import { readCallback } from '../support/voice-callback';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VoiceProviderError } from '../../functions/core/errors';
import type { PlaceCallRequest } from '../../functions/core/ports';
import { validateVoiceConfig, voiceProvider } from '../../functions/adapters/voice/registry';

interface Received {
  path: string;
  headers: Record<string, string | undefined>;
  rawBody: string;
}

// A stand-in for hubdial's public listener: it records every status callback and
// wakes whoever waits for the next one.
async function startCallbackListener() {
  const received: Received[] = [];
  const waiting: ((r: Received) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
      const r = { path: req.url ?? '', headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      waiting.shift()?.(r);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    /** The next callback not yet handed out. */
    next(): Promise<Received> {
      return new Promise((resolve) => waiting.push(resolve));
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('simulator voice provider', () => {
  const provider = voiceProvider('simulator')!;
  const secret = 'simulator-secret-0123456789';
  let listener: Awaited<ReturnType<typeof startCallbackListener>>;

  beforeAll(async () => {
    listener = await startCallbackListener();
  });
  afterAll(() => listener.stop());

  const request = (attempt: number): PlaceCallRequest => ({
    callId: 'call_sim',
    attempt,
    agentId: 'agt_1',
    to: '+14155552671',
    variables: { firstname: 'Ada' },
    statusCallbackUrl: `${listener.url}/call/status/simulator?call_id=call_sim&attempt=${attempt}&token=tok`,
  });

  async function placeAndHear(attempt: number, config: Record<string, unknown>) {
    const heard = listener.next();
    const placed = await provider.placeCall(request(attempt), config);
    return { placed, callback: await heard };
  }

  it('places at once and posts a signed callback, shaped like an http back end, to the statusCallbackUrl', async () => {
    const config = { provider: 'simulator', secret, outcomes: ['completed'], delayMs: 0 };
    const { placed, callback } = await placeAndHear(1, config);

    expect(placed.providerCallId).toMatch(/^sim_/);
    expect(callback.path).toBe('/call/status/simulator?call_id=call_sim&attempt=1&token=tok');
    expect(callback.headers['content-type']).toBe('application/json');
    expect(callback.headers['x-hubdial-signature']).toBe(`sha256=${createHmac('sha256', secret).update(callback.rawBody).digest('hex')}`);
    const body = JSON.parse(callback.rawBody);
    expect(body).toMatchObject({ callId: 'call_sim', attempt: 1, providerCallId: placed.providerCallId, outcome: 'completed' });
    expect(body.durationSeconds).toBeGreaterThan(0);
    expect(readCallback(provider, callback.rawBody, callback.headers, config)).toMatchObject({
      callId: 'call_sim',
      attempt: 1,
      outcome: 'completed',
    });
  });

  it('follows its outcomes script attempt by attempt, repeating the last entry', async () => {
    const config = { provider: 'simulator', secret, outcomes: ['no-answer', 'voicemail', 'busy'], delayMs: 0 };
    const outcomes: string[] = [];
    for (const attempt of [1, 2, 3, 4, 5]) {
      const { callback } = await placeAndHear(attempt, config);
      const report = readCallback(provider, callback.rawBody, callback.headers, config);
      expect(report).toMatchObject({ attempt });
      outcomes.push(String(report!.outcome));
    }
    expect(outcomes).toEqual(['no-answer', 'voicemail', 'busy', 'busy', 'busy']);
  });

  it('picks a valid outcome without a script, signed with the secret validation generated', async () => {
    const validated = validateVoiceConfig({ provider: 'simulator', delayMs: 0 });
    if (!validated.ok) throw new Error(validated.error.message);
    const { callback } = await placeAndHear(1, validated.value);
    const report = readCallback(provider, callback.rawBody, callback.headers, validated.value);
    expect(['completed', 'no-answer', 'busy', 'failed', 'voicemail']).toContain(report?.outcome);
    expect(readCallback(provider, callback.rawBody, callback.headers, { ...validated.value, secret })).toBeUndefined();
  });

  it('refuses to place a call it could not sign a callback for', async () => {
    const before = listener.received.length;
    await expect(provider.placeCall(request(1), { provider: 'simulator', delayMs: 0 })).rejects.toMatchObject({
      name: 'VoiceProviderError',
      retryable: false,
    });
    await expect(
      provider.placeCall({ ...request(1), statusCallbackUrl: 'not a url' }, { provider: 'simulator', secret }),
    ).rejects.toBeInstanceOf(VoiceProviderError);
    expect(listener.received.length).toBe(before);
  });
});
