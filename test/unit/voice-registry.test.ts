import { createHmac } from 'node:crypto';
import { redactVoiceConfig, validateVoiceConfig, VOICE_PROVIDERS, voiceProvider } from '../../functions/adapters/voice/registry';
import { signBody, verifyBody } from '../../functions/adapters/voice/signing';
import { simulatedOutcome } from '../../functions/adapters/voice/simulator';

const SECRET = 'a-secret-of-24-characters';

function invalid(input: unknown) {
  const r = validateVoiceConfig(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return r.error;
}

function valid(input: unknown) {
  const r = validateVoiceConfig(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('voice provider registry', () => {
  it('lists and finds the registered providers by name', () => {
    expect(VOICE_PROVIDERS).toEqual(['http', 'simulator', 'retell', 'vapi', 'bland', 'callkaro']);
    for (const name of VOICE_PROVIDERS) expect(voiceProvider(name)?.name).toBe(name);
  });

  it.each(['twilio', '', 'HTTP', 'toString', '__proto__', 'constructor'])('knows no provider %j', (name) => {
    expect(voiceProvider(name)).toBeUndefined();
  });
});

describe('validateVoiceConfig', () => {
  it('accepts an http config and keeps its settings', () => {
    expect(valid({ provider: 'http', url: 'https://voice.example.com/calls?k=1', secret: SECRET })).toEqual({
      provider: 'http',
      url: 'https://voice.example.com/calls?k=1',
      secret: SECRET,
    });
    expect(valid({ provider: 'http', url: 'http://127.0.0.1:8080/calls', secret: SECRET, timeoutMs: 2500 })).toMatchObject({
      timeoutMs: 2500,
    });
  });

  it.each([
    [null, 'voice'],
    ['http', 'voice'],
    [[], 'voice'],
    [{}, 'voice.provider'],
    [{ provider: 'twilio' }, 'voice.provider'],
    [{ provider: 'http', secret: SECRET }, 'voice.url'],
    [{ provider: 'http', url: 'ftp://voice.example.com', secret: SECRET }, 'voice.url'],
    [{ provider: 'http', url: 'voice.example.com/calls', secret: SECRET }, 'voice.url'],
    [{ provider: 'http', url: 42, secret: SECRET }, 'voice.url'],
    [{ provider: 'http', url: 'https://v.example.com' }, 'voice.secret'],
    [{ provider: 'http', url: 'https://v.example.com', secret: 'short' }, 'voice.secret'],
    [{ provider: 'http', url: 'https://v.example.com', secret: '***' }, 'voice.secret'],
    [{ provider: 'http', url: 'https://v.example.com', secret: SECRET, timeoutMs: 60_000 }, 'voice.timeoutMs'],
    [{ provider: 'http', url: 'https://v.example.com', secert: SECRET }, 'voice.secert'],
    [{ provider: 'simulator', secret: 'short' }, 'voice.secret'],
    [{ provider: 'simulator', outcomes: [] }, 'voice.outcomes'],
    [{ provider: 'simulator', outcomes: ['completed', 'hung-up'] }, 'voice.outcomes'],
    [{ provider: 'simulator', delayMs: -1 }, 'voice.delayMs'],
    [{ provider: 'simulator', delayMs: 1.5 }, 'voice.delayMs'],
    [{ provider: 'simulator', url: 'https://v.example.com' }, 'voice.url'],
  ])('refuses %j naming %s', (input, parameter) => {
    const error = invalid(input);
    expect(error.parameter).toBe(parameter);
    expect(error.message).toContain(parameter === 'voice' ? 'voice' : parameter);
  });

  it('lists the registered providers when the provider is unknown', () => {
    expect(invalid({ provider: 'twilio' }).message).toContain('http, simulator');
  });

  it('says what "***" is when a redacted secret is sent back', () => {
    expect(invalid({ provider: 'http', url: 'https://v.example.com', secret: '***' }).message).toMatch(/placeholder/);
  });

  it('generates a fresh simulator secret when none is given and keeps one that is', () => {
    const a = valid({ provider: 'simulator' });
    const b = valid({ provider: 'simulator' });
    expect(typeof a.secret).toBe('string');
    expect((a.secret as string).length).toBeGreaterThanOrEqual(16);
    expect(a.secret).not.toBe(b.secret);
    expect(valid({ provider: 'simulator', secret: SECRET, outcomes: ['busy', 'completed'], delayMs: 0 })).toEqual({
      provider: 'simulator',
      secret: SECRET,
      outcomes: ['busy', 'completed'],
      delayMs: 0,
    });
  });
});

describe('redactVoiceConfig', () => {
  it('hides secrets and strips query strings and credentials from urls', () => {
    const config = { provider: 'http', url: 'https://user:pw@voice.example.com/calls?key=abc#frag', secret: SECRET, timeoutMs: 2000 };
    expect(redactVoiceConfig(config)).toEqual({ provider: 'http', url: 'https://voice.example.com/calls', secret: '***', timeoutMs: 2000 });
    expect(config.secret).toBe(SECRET);
  });

  it('leaves a simulator config readable apart from its secret', () => {
    expect(redactVoiceConfig({ provider: 'simulator', secret: SECRET, outcomes: ['busy'], delayMs: 10 })).toEqual({
      provider: 'simulator',
      secret: '***',
      outcomes: ['busy'],
      delayMs: 10,
    });
  });

  it('hides what each provider declares secret, whatever the setting is called', () => {
    const bland = redactVoiceConfig({ provider: 'bland', apiKey: 'k-1234567', webhookSecret: 'whs-1234567', task: 'Say hi' });
    expect(bland).toEqual({ provider: 'bland', apiKey: '***', webhookSecret: '***', task: 'Say hi' });
    expect(redactVoiceConfig({ provider: 'retell', apiKey: 'key_abc', agentId: 'agent_1', fromNumber: '+14155550100' })).toEqual({
      provider: 'retell',
      apiKey: '***',
      agentId: 'agent_1',
      fromNumber: '+14155550100',
    });
  });

  it('hides every setting of a provider that is no longer registered', () => {
    expect(redactVoiceConfig({ provider: 'x', privateKey: 'k-123', region: 'eu' })).toEqual({
      provider: 'x',
      privateKey: '***',
      region: '***',
    });
  });
});

describe('signing', () => {
  const body = '{"callId":"c","attempt":1}';
  const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

  it('signs as sha256=<hex HMAC-SHA256(secret, raw body)>', () => {
    expect(signBody(SECRET, body)).toBe(expected);
    expect(signBody(SECRET, Buffer.from(body))).toBe(expected);
  });

  it('verifies its own signature, in either hex case', () => {
    expect(verifyBody(SECRET, body, expected)).toBe(true);
    expect(verifyBody(SECRET, body, `sha256=${expected.slice(7).toUpperCase()}`)).toBe(true);
  });

  it.each([
    undefined,
    null,
    '',
    'sha256=',
    'sha256=abc',
    `sha256=${'g'.repeat(64)}`,
    expected.slice(7),
    `${expected}00`,
    `sha512=${expected.slice(7)}`,
  ])('returns false, without throwing, for the header %j', (header) => {
    expect(verifyBody(SECRET, body, header)).toBe(false);
  });

  it('refuses a body or secret that does not match, and an empty secret', () => {
    expect(verifyBody(SECRET, `${body} `, expected)).toBe(false);
    expect(verifyBody('another-secret-12345', body, expected)).toBe(false);
    expect(verifyBody('', body, signBody('', body))).toBe(false);
  });
});

describe('simulatedOutcome', () => {
  it('follows the script by attempt and repeats its last entry', () => {
    const script = ['no-answer', 'busy'];
    expect([1, 2, 3, 7].map((n) => simulatedOutcome(n, script))).toEqual(['no-answer', 'busy', 'busy', 'busy']);
  });

  it('picks one of the five outcomes without a script', () => {
    for (let i = 0; i < 50; i++)
      expect(['completed', 'no-answer', 'busy', 'failed', 'voicemail']).toContain(simulatedOutcome(1, undefined));
  });
});
