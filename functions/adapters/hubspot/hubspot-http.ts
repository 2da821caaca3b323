// HubSpot's REST API over Node's fetch, for the six requests the adapter sends. They go
// out as @hubspot/api-client v14 sent them (same paths, query strings, JSON bodies, Accept
// and bearer token), but without the SDK: its generated clients, form-data and mime-db
// were ~350 KiB of every Lambda bundle and most of the webhook's cold import.

import { parseJson } from '../../core/json';

/** A non-2xx reply, in the shape the SDK's ApiException carried it. */
export class HttpFailure extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${code}`);
  }
}

export interface HubSpotRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  /** Repeated names stay repeated (`properties=a&properties=b`), as HubSpot reads arrays. */
  query?: [name: string, value: string][];
  body?: unknown;
  signal?: AbortSignal;
}

export type HubSpotSend = (request: HubSpotRequest) => Promise<unknown>;

export function createHubSpotHttp(config: { accessToken: string; basePath: string }): HubSpotSend {
  return async (request) => {
    const url = new URL(`${config.basePath}${request.path}`);
    for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
    const res = await fetch(url, {
      method: request.method,
      headers: {
        Accept: 'application/json, */*;q=0.8',
        Authorization: `Bearer ${config.accessToken}`,
        'User-Agent': 'hubdial',
        ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const text = await res.text();
    const body = parseJson(text);
    // An error reply keeps its status whatever its body: a proxy's HTML 502, an empty 503.
    if (!res.ok) throw new HttpFailure(res.status, body ?? text, headersOf(res));
    if (body === undefined) throw new Error(`HubSpot answered ${res.status} with a body that is not JSON`);
    return body;
  };
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
