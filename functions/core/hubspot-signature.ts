// Proves a webhook delivery came from HubSpot, following "Validating requests from HubSpot":
// v3 (HMAC over method + URI + body + timestamp) whenever HubSpot sends it; v2/v1 (plain
// SHA-256, no timestamp) only for requests that carry nothing newer.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from './call-id';

export interface SignedRequest {
  method: string;
  /** Full https URL as HubSpot called it, including the raw query string. */
  url: string;
  rawBody: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
}

export type SignatureCheck = { ok: true; version: 'v1' | 'v2' | 'v3' } | { ok: false; reason: string };

/** HubSpot rejects v3 requests older than this; the same bound in the future absorbs clock skew. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;

// HubSpot signs the URI with exactly these escapes decoded (its docs' table); every other
// escape, %20 included, stays as sent.
const DECODED_IN_V3_URI: Record<string, string> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};
const V3_ESCAPE = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

export function decodeUriForV3(url: string): string {
  return url.replace(V3_ESCAPE, (_, hex: string) => DECODED_IN_V3_URI[hex.toUpperCase()] ?? `%${hex}`);
}

export function verifyHubSpotSignature(req: SignedRequest, clientSecret: string, now: Date): SignatureCheck {
  const v3 = req.headers['x-hubspot-signature-v3'];
  if (v3 !== undefined) return verifyV3(req, v3, clientSecret, now);

  const legacy = req.headers['x-hubspot-signature'];
  if (legacy === undefined) return fail('missing X-HubSpot-Signature-v3 header');
  const version = req.headers['x-hubspot-signature-version']?.trim().toLowerCase();
  if (version === 'v2') {
    const expected = sha256Hex(clientSecret + req.method.toUpperCase() + req.url + req.rawBody);
    return sameText(expected, legacy.trim().toLowerCase()) ? { ok: true, version: 'v2' } : fail('signature does not match');
  }
  if (version === 'v1') {
    const expected = sha256Hex(clientSecret + req.rawBody);
    return sameText(expected, legacy.trim().toLowerCase()) ? { ok: true, version: 'v1' } : fail('signature does not match');
  }
  return fail(
    version === undefined
      ? 'missing X-HubSpot-Signature-Version header (expected v1 or v2 beside X-HubSpot-Signature)'
      : 'unsupported X-HubSpot-Signature-Version (expected v1 or v2)',
  );
}

function verifyV3(req: SignedRequest, signature: string, clientSecret: string, now: Date): SignatureCheck {
  const timestamp = req.headers['x-hubspot-request-timestamp']?.trim();
  if (timestamp === undefined || timestamp === '') return fail('missing X-HubSpot-Request-Timestamp header');
  if (!/^\d{1,16}$/.test(timestamp)) return fail('X-HubSpot-Request-Timestamp is not a time in milliseconds');
  const age = now.getTime() - Number(timestamp);
  if (age > MAX_TIMESTAMP_SKEW_MS) return fail('timestamp is older than 5 minutes');
  if (-age > MAX_TIMESTAMP_SKEW_MS) return fail('timestamp is more than 5 minutes in the future');

  const source = req.method.toUpperCase() + decodeUriForV3(req.url) + req.rawBody + timestamp;
  const expected = createHmac('sha256', clientSecret).update(source, 'utf8').digest('base64');
  return sameText(expected, signature.trim()) ? { ok: true, version: 'v3' } : fail('signature does not match');
}

/** Constant time for equal lengths; a length difference alone reveals nothing secret. */
function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function fail(reason: string): SignatureCheck {
  return { ok: false, reason };
}
