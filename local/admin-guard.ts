// What keeps a web page the operator happens to visit from driving the loopback admin
// listener: a browser lets any site POST to 127.0.0.1 ("simple" text/plain requests need
// no CORS preflight), and DNS rebinding lets a site's own name resolve to 127.0.0.1.
// So: only loopback Host names with this listener's port, no foreign Origin (or a
// cross-site Sec-Fetch-Site), and JSON bodies only. The console, served by this same
// listener, is same-origin and passes all three.
import type { IncomingHttpHeaders } from 'node:http';

export interface Refusal {
  status: 403 | 415;
  message: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function loopbackOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
}

/** undefined: the request may go on. */
export function refuseCrossSite(method: string, headers: IncomingHttpHeaders, port: number, hasBody: boolean): Refusal | undefined {
  const host = (headers.host ?? '').toLowerCase();
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
    return { status: 403, message: `Host "${host.slice(0, 100)}" is not this listener: use http://127.0.0.1:${port}` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !loopbackOrigins(port).includes(origin.toLowerCase())) {
    return {
      status: 403,
      message: `requests from ${origin.slice(0, 100)} are refused: the admin API only answers its own console and local tools`,
    };
  }
  if (headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, message: 'cross-site requests are refused: the admin API only answers its own console and local tools' };
  }
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (BODY_METHODS.has(method) && (type !== '' || hasBody) && type !== 'application/json') {
    return { status: 415, message: `the admin API takes JSON bodies only: send content-type application/json (got "${type || 'none'}")` };
  }
  return undefined;
}
