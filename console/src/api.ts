// The console's only way out: same-origin requests to the admin API it was served with
// (the admin listener, or `hubdial console`, which signs and forwards them).
import { ADMIN_API, type AdminRouteName, type AdminRouteParams, adminPath } from '../../functions/core/admin-contract';
import type { AdminReplies } from '../../functions/core/admin-views';
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    throw new ApiError(res.status, parsed?.error ?? `http_${res.status}`, parsed?.message ?? `HTTP ${res.status}`, parsed?.parameter);
  }
  return parsed as T;
}

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * One route of the admin API's route table, its reply typed as that route's view (the
 * same table and views the handler and the CLI use, so a field is declared once).
 */
export function adminApi<K extends AdminRouteName>(
  name: K,
  params: AdminRouteParams<K>,
  opts: { body?: unknown; query?: Record<string, string | undefined> } = {},
): Promise<AdminReplies[K]> {
  return api<AdminReplies[K]>(ADMIN_API[name].method, `${adminPath(name, params)}${query(opts.query ?? {})}`, opts.body);
}
