import { createHmac, timingSafeEqual } from 'node:crypto';

// The X-Hubdial-Signature scheme shared by every direction of the voice contract:
// "sha256=" + hex HMAC-SHA256(secret, raw body). Verification compares digests, never
// strings, in constant time, and treats anything it cannot read as "not signed".

export const SIGNATURE_HEADER = 'X-Hubdial-Signature';

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;

function digest(secret: string, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${digest(secret, rawBody).toString('hex')}`;
}

export function verifyBody(secret: string, rawBody: string | Buffer, header: string | undefined | null): boolean {
  // An empty secret would make every forger's job trivial: refuse rather than verify.
  if (typeof secret !== 'string' || secret.length === 0 || typeof header !== 'string') return false;
  const match = SIGNATURE_FORMAT.exec(header.trim());
  if (!match?.[1]) return false;
  return timingSafeEqual(Buffer.from(match[1], 'hex'), digest(secret, rawBody));
}
