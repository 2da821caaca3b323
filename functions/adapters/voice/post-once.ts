import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

// One POST on node:http with kept-alive connections. fetch (undici + web streams) cost
// about 0.4 ms of CPU per create-call, which on two cores is what stood between a call's
// ack and its dial; plain node:http does the same exchange at a fraction of it. It also
// tells us what fetch hid: whether the connection was ever made, so a timeout before
// that is a certain "not sent".

export type PostOutcome =
  /** The timer ran out after the request could have reached the server. */
  | { kind: 'timeout' }
  /** No HTTP answer. `code` is Node's error code; `CONNECT_TIMEOUT` and `ERR_INVALID_*` mean nothing was sent. */
  | { kind: 'failed'; code?: string }
  /** An HTTP answer; `bodyError` says its body broke off (the text is what arrived). */
  | { kind: 'reply'; status: number; text: string; retryAfter?: string; bodyError?: string };

/** Replies are a few hundred bytes; beyond this the text is not kept (it is never needed whole). */
const MAX_REPLY_CHARS = 1 << 20;
/** Idle connections close before a typical server's 5 s keep-alive does, so a reused one is not already gone. */
const IDLE_SOCKET_MS = 4000;

const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

export function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ kind: 'failed', code: 'ERR_INVALID_URL' });
  }
  const protocol = target.protocol;
  if (protocol !== 'http:' && protocol !== 'https:') return Promise.resolve({ kind: 'failed', code: 'ERR_INVALID_PROTOCOL' });

  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    let connected = false;
    let response: { res: IncomingMessage; text: string } | undefined;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const answered = (bodyError?: string) => {
      if (!response) return;
      const { res, text } = response;
      const retryAfter = res.headers['retry-after'];
      settle({
        kind: 'reply',
        status: res.statusCode ?? 0,
        text,
        ...(retryAfter ? { retryAfter } : {}),
        ...(bodyError ? { bodyError } : {}),
      });
    };

    const send = protocol === 'https:' ? httpsRequest : httpRequest;
    let req: ClientRequest;
    try {
      req = send(target, {
        method: 'POST',
        agent: agents[protocol],
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
    } catch (err) {
      // A header Node refuses to put on the wire (ERR_INVALID_CHAR, ...): nothing left this process.
      resolve({ kind: 'failed', code: (err as NodeJS.ErrnoException).code ?? 'ERR_INVALID_ARG_VALUE' });
      return;
    }

    const timer = setTimeout(() => {
      if (response) answered('ETIMEDOUT');
      else settle(connected ? { kind: 'timeout' } : { kind: 'failed', code: 'CONNECT_TIMEOUT' });
      req.destroy();
    }, timeoutMs);

    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        connected = true;
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (response) answered(err.code ?? 'ECONNRESET');
      else settle({ kind: 'failed', code: err.code });
    });
    req.on('response', (res) => {
      response = { res, text: '' };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (response && response.text.length < MAX_REPLY_CHARS) response.text += chunk;
      });
      res.on('end', () => answered());
      res.on('error', (err: NodeJS.ErrnoException) => answered(err.code ?? 'ECONNRESET'));
      res.on('close', () => {
        if (!res.complete) answered('ECONNRESET');
      });
    });
    req.end(body);
  });
}
