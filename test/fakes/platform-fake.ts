// The HTTP server every voice platform fake runs on: it records each create-call request,
// answers as the platform (or as a test script says), and counts what the platform
// would see: calls live at once and create-call requests in any sliding second.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlatformRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  rawBody: string;
  at: number;
  /** The platform call id the fake answered with, when it placed the call. */
  callId?: string;
}

export interface PlatformReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface PlatformFake {
  url: string;
  requests: PlatformRequest[];
  /** Override per test; undefined falls back to the platform's own answer. */
  script?: (req: PlatformRequest) => PlatformReply | undefined;
  /** Calls placed and not yet ended (the platform's own count). */
  live: Set<string>;
  maxLive: number;
  /** Most create-call requests seen within any 1000 ms. */
  maxStartsPerSecond(): number;
  /** Marks a call ended at the platform (just before its end webhook goes out). */
  end(callId: string): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<PlatformRequest[]>;
  stop(): Promise<void>;
}

export interface PlatformBehaviour {
  /** The create-call path, e.g. "/v2/create-phone-call". */
  path: string;
  /** The platform's answer to a well-formed, authorised request, with its call id. */
  answer(req: PlatformRequest, n: number): { reply: PlatformReply; callId?: string };
}

export async function startPlatformFake(behaviour: PlatformBehaviour): Promise<PlatformFake> {
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const record: PlatformRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        rawBody,
        at: Date.now(),
      };
      fake.requests.push(record);
      let reply: PlatformReply;
      const scripted = fake.script?.(record);
      if (scripted) reply = scripted;
      else if (record.method !== 'POST' || record.path !== behaviour.path) reply = { status: 404, body: { message: 'Not Found' } };
      else {
        const answered = behaviour.answer(record, ++count);
        reply = answered.reply;
        if (answered.callId) {
          record.callId = answered.callId;
          fake.live.add(answered.callId);
          fake.maxLive = Math.max(fake.maxLive, fake.live.size);
        }
      }
      for (const wake of waiters) wake();
      const send = () => {
        timers.delete(timer);
        if (res.destroyed) return;
        const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(payload);
      };
      const timer = setTimeout(send, reply.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: PlatformFake = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    live: new Set(),
    maxLive: 0,
    maxStartsPerSecond() {
      const times = fake.requests
        .filter((r) => r.path === behaviour.path)
        .map((r) => r.at)
        .sort((a, b) => a - b);
      let most = 0;
      for (let i = 0, j = 0; j < times.length; j++) {
        while ((times[j] as number) - (times[i] as number) >= 1000) i++;
        most = Math.max(most, j - i + 1);
      }
      return most;
    },
    end: (callId) => void fake.live.delete(callId),
    waitForRequests(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (fake.requests.length < n) return false;
          clearTimeout(giveUp);
          waiters.delete(check);
          resolve(fake.requests.slice(0, n));
          return true;
        };
        const giveUp = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`platform fake: ${fake.requests.length} of ${n} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
