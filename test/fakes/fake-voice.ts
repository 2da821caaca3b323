// A voice back end speaking hubdial's "http" provider contract, in process over real
// HTTP: it records every call request (checking its signature with its own HMAC, not
// hubdial's helper), answers as the test says, and can post signed outcome callbacks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeVoiceOutcome = 'completed' | 'no-answer' | 'busy' | 'failed' | 'voicemail';

export interface FakeVoiceRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: any;
  rawBody: string;
  signatureValid: boolean;
  /** The client's port: equal ports mean one kept-alive connection. */
  remotePort?: number;
  /** The providerCallId the fake answered with, if any. */
  providerCallId?: string;
}

export interface FakeVoiceReply {
  status: number;
  /** An object is sent as JSON, a string as is. */
  body?: unknown;
  /** Wait this long before answering (to outlast a client timeout). */
  delayMs?: number;
  /** Drop the connection instead: before any reply, or after half of the body. */
  breakOff?: 'before-reply' | 'mid-body';
}

export interface FakeVoice {
  url: string;
  secret: string;
  requests: FakeVoiceRequest[];
  /** How the fake answers the next requests; default 200 {providerCallId: "fake_<n>"}. */
  reply: (req: FakeVoiceRequest) => FakeVoiceReply;
  /** POSTs a signed outcome for `request` to its statusCallbackUrl. */
  sendOutcome(request: FakeVoiceRequest, outcome: FakeVoiceOutcome, durationSeconds?: number): Promise<Response>;
  /** Resolves with the first request (already received or still to come) matching `match`. */
  waitForRequest(match?: (req: FakeVoiceRequest) => boolean, timeoutMs?: number): Promise<FakeVoiceRequest>;
  stop(): Promise<void>;
}

function hmacHex(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function signatureMatches(secret: string, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = Buffer.from(hmacHex(secret, body), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const defaultFakeVoiceReply = (req: FakeVoiceRequest, n: number): FakeVoiceReply => ({
  status: 200,
  body: { providerCallId: `fake_${n}_${String(req.body?.callId ?? 'call')}` },
});

/** What a placed call's outcome callback is made from. */
export type PlacedCall = Pick<FakeVoiceRequest, 'body' | 'providerCallId'>;

/** POSTs a signed outcome for `request` to its statusCallbackUrl, as the back end would. */
export function sendFakeOutcome(
  secret: string,
  request: PlacedCall,
  outcome: FakeVoiceOutcome,
  durationSeconds?: number,
): Promise<Response> {
  const { callId, attempt, statusCallbackUrl } = request.body ?? {};
  if (typeof statusCallbackUrl !== 'string') throw new Error('this request carried no statusCallbackUrl');
  const payload: Record<string, unknown> = { callId, attempt, providerCallId: request.providerCallId ?? 'fake_unplaced', outcome };
  if (durationSeconds !== undefined) payload.durationSeconds = durationSeconds;
  const raw = JSON.stringify(payload);
  return fetch(statusCallbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubdial-signature': `sha256=${hmacHex(secret, raw)}` },
    body: raw,
  });
}

export async function startFakeVoice(opts: { secret?: string } = {}): Promise<FakeVoice> {
  const secret = opts.secret ?? 'fake-voice-secret-0123456789';
  const requests: FakeVoiceRequest[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

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
      const record: FakeVoiceRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        rawBody,
        signatureValid: signatureMatches(secret, rawBody, req.headers['x-hubdial-signature']),
        remotePort: req.socket.remotePort,
      };
      requests.push(record);
      const answer = fake.reply(record) ?? defaultFakeVoiceReply(record, requests.length);
      if (answer.body && typeof answer.body === 'object' && typeof (answer.body as any).providerCallId === 'string') {
        record.providerCallId = (answer.body as any).providerCallId;
      }
      for (const wake of waiters) wake();

      const send = () => {
        timers.delete(timer);
        if (res.destroyed) return;
        const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        if (answer.breakOff === 'before-reply') {
          res.socket?.destroy();
          return;
        }
        res.writeHead(answer.status, {
          'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
          'content-length': Buffer.byteLength(payload),
        });
        if (answer.breakOff === 'mid-body') {
          res.write(payload.slice(0, payload.length >> 1), () => res.socket?.destroy());
          return;
        }
        res.end(payload);
      };
      const timer = setTimeout(send, answer.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeVoice = {
    url: `http://127.0.0.1:${port}`,
    secret,
    requests,
    reply: (req) => defaultFakeVoiceReply(req, requests.length),
    sendOutcome: (request, outcome, durationSeconds) => sendFakeOutcome(secret, request, outcome, durationSeconds),
    waitForRequest(match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.find(match);
          if (!found) return false;
          clearTimeout(giveUp);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const giveUp = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`fake voice: no matching request within ${timeoutMs} ms (${requests.length} received)`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
