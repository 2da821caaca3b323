// An operator's notification endpoint: records every POST, checks X-Hubdial-Signature with
// its own HMAC (not hubdial's helper), and answers as the test says (down with 503, or
// closed altogether). Restartable on the same port, to play an endpoint that comes back.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
  signatureValid: boolean;
  /** What the receiver answered. */
  answered: number;
}

export interface FakeNotifyReceiver {
  url: string;
  secret: string;
  received: ReceivedEvent[];
  /** Status to answer with (default 200); set to 503 to play an endpoint that is down. */
  status: number;
  headers: Record<string, string>;
  /** eventIds of the events accepted (2xx) with a valid signature. */
  acceptedEventIds(): Set<string>;
  /** Stops listening (connections refused) until `start` again. */
  close(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeNotifyReceiver(opts: { secret?: string } = {}): Promise<FakeNotifyReceiver> {
  const secret = opts.secret ?? 'notify-secret-0123456789abcdef';
  let port = 0;
  let server: Server | undefined;

  const listen = async () => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
        const header = req.headers['x-hubdial-signature'];
        const expected = createHmac('sha256', secret).update(rawBody).digest();
        const given = typeof header === 'string' && header.startsWith('sha256=') ? Buffer.from(header.slice(7), 'hex') : Buffer.alloc(0);
        receiver.received.push({
          headers: req.headers,
          rawBody,
          body,
          signatureValid: given.length === expected.length && timingSafeEqual(given, expected),
          answered: receiver.status,
        });
        res.writeHead(receiver.status, { 'content-type': 'application/json', ...receiver.headers });
        res.end(JSON.stringify({ ok: receiver.status < 300 }));
      });
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const close = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  const receiver: FakeNotifyReceiver = {
    url: `http://127.0.0.1:${port}/hubdial-events`,
    secret,
    received: [],
    status: 200,
    headers: {},
    acceptedEventIds() {
      return new Set(receiver.received.filter((e) => e.signatureValid && e.answered < 300).map((e) => String(e.body?.eventId)));
    },
    close,
    start: listen,
    stop: close,
  };
  return receiver;
}
