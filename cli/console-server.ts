// `hubdial console`: the console's page served on the operator's machine for a deployed
// stack. The browser talks only to this loopback server; its /admin/... requests are
// forwarded to the endpoint, SigV4-signed here with the operator's AWS credentials, so
// the browser never holds a credential. The same cross-site refusals as the local admin
// listener apply, so another web page cannot use this server as a signing proxy.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleFileFor } from '../console/build';
import { refuseCrossSite } from '../local/admin-guard';
import type { RequestSigner } from './sigv4';

export interface ConsoleServerOptions {
  endpoint: string;
  sign?: RequestSigner;
  port: number;
  fetch?: typeof fetch;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startConsoleServer(opts: ConsoleServerOptions): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const fetchFn = opts.fetch ?? fetch;
  const base = opts.endpoint.replace(/\/+$/, '');
  let port = 0;
  const server = createServer(async (req, res) => {
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      const path = req.url ?? '/';
      const body = await readBody(req);
      const refused = refuseCrossSite(method, req.headers, port, body.length > 0);
      if (refused) {
        res.writeHead(refused.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: refused.status === 415 ? 'unsupported_media_type' : 'forbidden', message: refused.message }));
        return;
      }
      if (!path.startsWith('/admin/') && path !== '/admin') {
        if (method !== 'GET') {
          res.writeHead(405, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Method Not Allowed' }));
          return;
        }
        const file = await consoleFileFor(new URL(path, 'http://local').pathname);
        res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
        res.end(file.body);
        return;
      }
      const url = new URL(base + path);
      let headers: Record<string, string> = { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) };
      if (opts.sign) {
        const { host: _host, ...signed } = await opts.sign({ method, url, headers, body: body || undefined });
        headers = signed;
      }
      const upstream = await fetchFn(url, { method, headers, body: body || undefined });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(await upstream.text());
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'bad_gateway',
          message: `the admin API at ${base} could not be reached: ${err instanceof Error ? err.message : String(err)}`,
        }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
