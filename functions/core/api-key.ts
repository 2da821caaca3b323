import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// API keys are shown once and stored only as a SHA-256 hash: a leaked table does not
// leak working keys, and a lookup by hash needs no scan.

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `hd_` + 32 url-safe random characters (192 bits). */
export function generateApiKey(): string {
  return `hd_${randomBytes(24).toString('base64url')}`;
}

/** Constant-time check that a presented key matches a stored hash. */
export function apiKeyMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
