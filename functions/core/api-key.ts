import { randomBytes } from 'node:crypto';
import { sha256Hex } from './call-id';

// API keys are shown once and stored only as a SHA-256 hash: a leaked table does not
// leak working keys. A key is checked by looking its hash up: the comparison is on
// the hash of what was presented, so its timing says nothing about a stored key.

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** `hd_` + 32 url-safe random characters (192 bits). */
export function generateApiKey(): string {
  return `hd_${randomBytes(24).toString('base64url')}`;
}
