import { hashApiKey } from '../core/api-key';
import type { ApiKeyRecord } from '../core/model';
import type { Store } from '../core/ports';

export type ApiKeyCheck = { ok: true; key: ApiKeyRecord } | { ok: false; message: string };

/** Finds the key by its hash; the message tells the operator where the key goes. */
export async function authenticateApiKey(store: Store, presented: string | undefined): Promise<ApiKeyCheck> {
  if (!presented) return { ok: false, message: 'missing API key: add x_api_key to the webhook URL (or send an X-API-KEY header)' };
  const key = await store.getApiKeyByHash(hashApiKey(presented));
  if (!key) return { ok: false, message: 'API key is not valid: check x_api_key in the webhook URL' };
  return { ok: true, key };
}
