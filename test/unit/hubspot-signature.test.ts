import { createHash, createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import fc from 'fast-check';
import { decodeUriForV3, verifyHubSpotSignature, type SignedRequest } from '../../functions/core/hubspot-signature';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const NOW = new Date('2026-06-10T15:00:00Z');
const HOOK = 'https://hooks.example.com/call/crm-webhook?agent_id=agt_1&type=hubspot&x_api_key=k_123';
const BODY = JSON.stringify([
  {
    eventId: 1,
    subscriptionId: 2001,
    portalId: 62515,
    occurredAt: 1781103600000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 123,
    changeSource: 'CRM',
    changeFlag: 'NEW',
    appId: 54321,
  },
]);

/** What HubSpot puts on the wire for v3: it signs the URI with the table's escapes decoded. */
function v3Headers(opts: { url: string; body: string; at: number; secret?: string; method?: string }) {
  const source = `${opts.method ?? 'POST'}${decodeUriForV3(opts.url)}${opts.body}${opts.at}`;
  const signature = createHmac('sha256', opts.secret ?? SECRET)
    .update(source, 'utf8')
    .digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(opts.at) };
}

function request(headers: Record<string, string | undefined>, over: Partial<SignedRequest> = {}): SignedRequest {
  return { method: 'POST', url: HOOK, rawBody: BODY, headers, ...over };
}

describe('verifyHubSpotSignature: HubSpot published examples', () => {
  // developers.hubspot.com "v1 request validation": secret + body, the resulting hash as published.
  it('accepts the documented v1 example', () => {
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const headers = {
      'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
      'x-hubspot-signature-version': 'v1',
    };
    expect(verifyHubSpotSignature(request(headers, { rawBody: body }), SECRET, NOW)).toEqual({ ok: true, version: 'v1' });
  });

  // "v2 request validation", GET example: secret + method + URI, no body.
  it('accepts the documented v2 GET example', () => {
    const headers = {
      'x-hubspot-signature': 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e',
      'x-hubspot-signature-version': 'v2',
    };
    const req = request(headers, { method: 'GET', url: 'https://www.example.com/webhook_uri', rawBody: '' });
    expect(verifyHubSpotSignature(req, SECRET, NOW)).toEqual({ ok: true, version: 'v2' });
  });
});

describe('verifyHubSpotSignature: v3', () => {
  it('accepts a fresh, correctly signed delivery', () => {
    const headers = v3Headers({ url: HOOK, body: BODY, at: NOW.getTime() - 1000 });
    expect(verifyHubSpotSignature(request(headers), SECRET, NOW)).toEqual({ ok: true, version: 'v3' });
  });

  it("decodes only the escapes in HubSpot's table before hashing the URI", () => {
    const url =
      'https://hooks.example.com/call/crm-webhook?agent_id=agt_1&min_trigger_time=09%3A00&max_trigger_time=18%3a00&gap_between_retries=2%2C4%2C6&note=a%20b%2Bc';
    expect(decodeUriForV3(url)).toBe(
      'https://hooks.example.com/call/crm-webhook?agent_id=agt_1&min_trigger_time=09:00&max_trigger_time=18:00&gap_between_retries=2,4,6&note=a%20b%2Bc',
    );
    const at = NOW.getTime();
    expect(verifyHubSpotSignature(request(v3Headers({ url, body: BODY, at }), { url }), SECRET, NOW)).toEqual({ ok: true, version: 'v3' });

    const sign = (uri: string) => ({
      'x-hubspot-signature-v3': createHmac('sha256', SECRET).update(`POST${uri}${BODY}${at}`).digest('base64'),
      'x-hubspot-request-timestamp': String(at),
    });
    // Signed over the URI as sent (nothing decoded), or with %20/%2B decoded too: not what HubSpot signs.
    expect(verifyHubSpotSignature(request(sign(url), { url }), SECRET, NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifyHubSpotSignature(request(sign(decodeURIComponent(url)), { url }), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
  });

  it('decodes every one of the twelve table escapes', () => {
    expect(decodeUriForV3('%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(":/?@!$'()*,;");
    expect(decodeUriForV3('%20%23%25%26%3D%2B%5B')).toBe('%20%23%25%26%3D%2B%5B');
  });

  it('hashes a non-ASCII body as UTF-8', () => {
    const body = JSON.stringify([{ objectId: 7, propertyValue: 'Zoë Ångström — 東京 🚀' }]);
    const at = NOW.getTime();
    expect(verifyHubSpotSignature(request(v3Headers({ url: HOOK, body, at }), { rawBody: body }), SECRET, NOW).ok).toBe(true);

    const latin1 = createHmac('sha256', SECRET).update(`POST${HOOK}${body}${at}`, 'latin1').digest('base64');
    const req = request({ 'x-hubspot-signature-v3': latin1, 'x-hubspot-request-timestamp': String(at) }, { rawBody: body });
    expect(verifyHubSpotSignature(req, SECRET, NOW)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects a timestamp older than 5 minutes and accepts one exactly 5 minutes old', () => {
    const old = NOW.getTime() - 5 * 60_000;
    expect(verifyHubSpotSignature(request(v3Headers({ url: HOOK, body: BODY, at: old })), SECRET, NOW).ok).toBe(true);
    expect(verifyHubSpotSignature(request(v3Headers({ url: HOOK, body: BODY, at: old - 1 })), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'timestamp is older than 5 minutes',
    });
  });

  it('rejects a timestamp more than 5 minutes in the future and tolerates smaller clock skew', () => {
    const ahead = NOW.getTime() + 5 * 60_000 + 1;
    expect(verifyHubSpotSignature(request(v3Headers({ url: HOOK, body: BODY, at: ahead })), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'timestamp is more than 5 minutes in the future',
    });
    expect(verifyHubSpotSignature(request(v3Headers({ url: HOOK, body: BODY, at: NOW.getTime() + 60_000 })), SECRET, NOW).ok).toBe(true);
  });

  it('rejects a wrong secret, a tampered body, a tampered URL and a tampered timestamp', () => {
    const at = NOW.getTime();
    const good = v3Headers({ url: HOOK, body: BODY, at });
    const mismatch = { ok: false, reason: 'signature does not match' };
    expect(verifyHubSpotSignature(request(good), 'another-secret', NOW)).toEqual(mismatch);
    expect(verifyHubSpotSignature(request(good, { rawBody: BODY.replace('"objectId":123', '"objectId":124') }), SECRET, NOW)).toEqual(
      mismatch,
    );
    expect(verifyHubSpotSignature(request(good, { url: HOOK.replace('agt_1', 'agt_2') }), SECRET, NOW)).toEqual(mismatch);
    expect(verifyHubSpotSignature(request(good, { method: 'PUT' }), SECRET, NOW)).toEqual(mismatch);
    expect(verifyHubSpotSignature(request({ ...good, 'x-hubspot-request-timestamp': String(at - 1) }), SECRET, NOW)).toEqual(mismatch);
    expect(verifyHubSpotSignature(request({ ...good, 'x-hubspot-signature-v3': 'AAAA' }), SECRET, NOW)).toEqual(mismatch);
  });

  it('names the missing or malformed header', () => {
    expect(verifyHubSpotSignature(request({}), SECRET, NOW)).toEqual({ ok: false, reason: 'missing X-HubSpot-Signature-v3 header' });
    expect(verifyHubSpotSignature(request({ 'x-hubspot-signature-v3': 'abc=' }), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'missing X-HubSpot-Request-Timestamp header',
    });
    expect(
      verifyHubSpotSignature(
        request({ 'x-hubspot-signature-v3': 'abc=', 'x-hubspot-request-timestamp': '2026-06-10T15:00:00Z' }),
        SECRET,
        NOW,
      ),
    ).toEqual({
      ok: false,
      reason: 'X-HubSpot-Request-Timestamp is not a time in milliseconds',
    });
  });

  it('prefers v3: a valid v1 beside a bad v3 is rejected, a valid v3 beside a bad v1 passes', () => {
    const at = NOW.getTime();
    const v1 = {
      'x-hubspot-signature': createHash('sha256')
        .update(SECRET + BODY)
        .digest('hex'),
      'x-hubspot-signature-version': 'v1',
    };
    const badV1 = { ...v1, 'x-hubspot-signature': '0'.repeat(64) };
    expect(
      verifyHubSpotSignature(request({ ...v1, 'x-hubspot-signature-v3': 'AAAA', 'x-hubspot-request-timestamp': String(at) }), SECRET, NOW)
        .ok,
    ).toBe(false);
    expect(verifyHubSpotSignature(request({ ...badV1, ...v3Headers({ url: HOOK, body: BODY, at }) }), SECRET, NOW)).toEqual({
      ok: true,
      version: 'v3',
    });
  });

  it('never puts the secret or the expected signature in a reason', () => {
    const at = NOW.getTime();
    const expected = v3Headers({ url: HOOK, body: BODY, at })['x-hubspot-signature-v3'];
    const cases: SignedRequest[] = [
      request({ 'x-hubspot-signature-v3': 'AAAA', 'x-hubspot-request-timestamp': String(at) }),
      request({ 'x-hubspot-signature': 'f'.repeat(64), 'x-hubspot-signature-version': 'v2' }),
      request({ 'x-hubspot-signature': 'f'.repeat(64), 'x-hubspot-signature-version': 'v1' }),
      request({}),
    ];
    for (const c of cases) {
      const check = verifyHubSpotSignature(c, SECRET, NOW);
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.reason).not.toContain(SECRET);
        expect(check.reason).not.toContain(expected);
      }
    }
  });
});

describe('verifyHubSpotSignature: v1 and v2', () => {
  it('checks v2 over method + exact URI (no decoding) + body', () => {
    const url = 'https://hooks.example.com/call/crm-webhook?min_trigger_time=09%3A00';
    const signature = createHash('sha256').update(`${SECRET}POST${url}${BODY}`).digest('hex');
    const headers = { 'x-hubspot-signature': signature, 'x-hubspot-signature-version': 'v2' };
    expect(verifyHubSpotSignature(request(headers, { url }), SECRET, NOW)).toEqual({ ok: true, version: 'v2' });
    expect(verifyHubSpotSignature(request(headers, { url: decodeUriForV3(url) }), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
  });

  it('accepts upper-case hex and rejects a tampered v1 body', () => {
    const signature = createHash('sha256')
      .update(SECRET + BODY)
      .digest('hex')
      .toUpperCase();
    const headers = { 'x-hubspot-signature': signature, 'x-hubspot-signature-version': 'v1' };
    expect(verifyHubSpotSignature(request(headers), SECRET, NOW).ok).toBe(true);
    expect(verifyHubSpotSignature(request(headers, { rawBody: `${BODY} ` }), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
  });

  it('rejects X-HubSpot-Signature without a known version', () => {
    const signature = createHash('sha256')
      .update(SECRET + BODY)
      .digest('hex');
    const missing = verifyHubSpotSignature(request({ 'x-hubspot-signature': signature }), SECRET, NOW);
    const unknown = verifyHubSpotSignature(request({ 'x-hubspot-signature': signature, 'x-hubspot-signature-version': 'v9' }), SECRET, NOW);
    expect(missing).toEqual({ ok: false, reason: expect.stringMatching(/^missing X-HubSpot-Signature-Version header/) });
    expect(unknown).toEqual({ ok: false, reason: expect.stringMatching(/^unsupported X-HubSpot-Signature-Version/) });
  });
});

describe("verifyHubSpotSignature agrees with the SDK's Signature helper", () => {
  // The SDK does not decode the URI, so the cross-check uses URIs without table escapes.
  const url = fc
    .webUrl({ withQueryParameters: true, validSchemes: ['https'] })
    .filter((u) => !/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/i.test(u));
  const secret = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' });
  const body = fc.string({ maxLength: 400, unit: 'grapheme' });

  it('v3 on random URLs, UTF-8 bodies and secrets', () => {
    fc.assert(
      fc.property(url, body, secret, fc.integer({ min: -300_000, max: 300_000 }), (u, b, s, skew) => {
        const timestamp = NOW.getTime() + skew;
        const signature = Signature.getSignature('POST', 'v3', { clientSecret: s, requestBody: b, url: u, timestamp, signature: '' });
        const req: SignedRequest = {
          method: 'POST',
          url: u,
          rawBody: b,
          headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) },
        };
        expect(verifyHubSpotSignature(req, s, NOW)).toEqual({ ok: true, version: 'v3' });
        expect(verifyHubSpotSignature({ ...req, rawBody: `${b}x` }, s, NOW).ok).toBe(false);
      }),
    );
  });

  it('v3: both accept what the SDK signs and both refuse another secret (SDK isValid reads the real clock)', () => {
    const timestamp = Date.now();
    fc.assert(
      fc.property(url, body, secret, (u, b, s) => {
        const signature = Signature.getSignature('POST', 'v3', { clientSecret: s, requestBody: b, url: u, timestamp, signature: '' });
        const req: SignedRequest = {
          method: 'POST',
          url: u,
          rawBody: b,
          headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) },
        };
        const sdk = (clientSecret: string) =>
          Signature.isValid({ signatureVersion: 'v3', method: 'POST', url: u, requestBody: b, timestamp, clientSecret, signature });
        expect([verifyHubSpotSignature(req, s, new Date(timestamp)).ok, sdk(s)]).toEqual([true, true]);
        expect([verifyHubSpotSignature(req, `${s}x`, new Date(timestamp)).ok, sdk(`${s}x`)]).toEqual([false, false]);
      }),
      { numRuns: 50 },
    );
  });

  it('v1 and v2 on random inputs', () => {
    fc.assert(
      fc.property(url, body, secret, fc.constantFrom('v1' as const, 'v2' as const), (u, b, s, version) => {
        const signature = Signature.getSignature('POST', version, { clientSecret: s, requestBody: b, url: u, signature: '' });
        const req: SignedRequest = {
          method: 'POST',
          url: u,
          rawBody: b,
          headers: { 'x-hubspot-signature': signature, 'x-hubspot-signature-version': version },
        };
        expect(verifyHubSpotSignature(req, s, NOW)).toEqual({ ok: true, version });
        expect(verifyHubSpotSignature(req, `${s}x`, NOW).ok).toBe(false);
      }),
    );
  });
});
