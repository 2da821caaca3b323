import { randomBytes } from 'node:crypto';
import type { Store } from '../../core/ports';

// The service-level key that signs callback tokens. Generated once and kept in the
// store (so every Lambda container and a restarted `npm start` agree), or given as
// HUBDIAL_CALLBACK_KEY. Independent of every agent's voice secret and API key.

export const CALLBACK_KEY_NAME = 'callback-signing-key';
const MIN_ENV_KEY_CHARS = 32;

const cache = new WeakMap<Store, Promise<string>>();

export function callbackKey(store: Store): Promise<string> {
  const fromEnv = process.env.HUBDIAL_CALLBACK_KEY;
  if (fromEnv && fromEnv.length >= MIN_ENV_KEY_CHARS) return Promise.resolve(fromEnv);
  let key = cache.get(store);
  if (!key) {
    key = store.ensureServiceValue(CALLBACK_KEY_NAME, randomBytes(32).toString('base64url'));
    // A failed read is not remembered: the next callback tries again.
    key.catch(() => cache.delete(store));
    cache.set(store, key);
  }
  return key;
}
