// A small stand-in for API Gateway's HTTP API: turns a node:http request into the
// payload-format 2.0 event the Lambda handlers receive, and their result back into a
// response. Limits mirror API Gateway's (10 MB payload) so behaviour matches AWS.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseCrossSite } from './admin-guard';

export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  method: string;
  /** API Gateway route syntax: `/call/status/{provider}`, `/admin/{proxy+}`. */
  path: string;
  handler: LambdaHttpHandler;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  params: string[];
}

function compile(route: Route): CompiledRoute {
  const params: string[] = [];
  const source = route.path.replace(/\{([^}]+?)(\+?)\}/g, (_m, name: string, greedy: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), params };
}

export async function startGateway(opts: {
  routes: Route[];
  port: number;
  host: string;
  /** Refuse what a foreign web page could send (admin listener): see admin-guard.ts. */
  sameOriginOnly?: boolean;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const routes = opts.routes.map(compile);
  let port = 0;
  const guard = opts.sameOriginOnly
    ? (req: IncomingMessage, hasBody: boolean) => refuseCrossSite((req.method ?? 'GET').toUpperCase(), req.headers, port, hasBody)
    : undefined;
  const server = createServer((req, res) => {
    handle(routes, req, res, guard).catch((err) => {
      // Only reached when a handler throws instead of answering: API Gateway says 500 too.
      console.error(JSON.stringify({ level: 'ERROR', message: 'handler threw', error: err instanceof Error ? err.message : String(err) }));
      send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    });
  });
  // A client reuses an idle keep-alive socket until just before the server's advertised
  // timeout; a busy event loop can let the server close it first, and the client's next
  // request (a POST is never retried) dies with ECONNRESET. A long server-side idle time
  // (longer than HubSpot's, a tunnel's or fetch's own) makes the client the side that closes.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Malformed requests and oversized headers get a JSON answer too, never an empty one.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ message: status === 431 ? 'Request Header Fields Too Large' : 'Bad Request' });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host}:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Guard = (req: IncomingMessage, hasBody: boolean) => { status: number; message: string } | undefined;

async function handle(routes: CompiledRoute[], req: IncomingMessage, res: ServerResponse, guard?: Guard): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://local');
  } catch {
    req.resume();
    send(res, { statusCode: 400, body: JSON.stringify({ message: 'Bad Request: the request target is not a valid URL path' }) });
    return;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const candidates = routes.filter((r) => r.pattern.test(url.pathname));
  const route = candidates.find((r) => r.method === method || r.method === 'ANY');
  if (!route) {
    req.resume();
    send(res, {
      statusCode: candidates.length ? 405 : 404,
      body: JSON.stringify({ message: candidates.length ? 'Method Not Allowed' : 'Not Found' }),
    });
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    send(res, { statusCode: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
    return;
  }
  const refused = guard?.(req, body.length > 0);
  if (refused) {
    send(res, {
      statusCode: refused.status,
      body: JSON.stringify({ error: refused.status === 415 ? 'unsupported_media_type' : 'forbidden', message: refused.message }),
    });
    return;
  }
  const match = route.pattern.exec(url.pathname) ?? [];
  const pathParameters: Record<string, string> = {};
  for (const [i, name] of route.params.entries()) {
    try {
      pathParameters[name] = decodeURIComponent(match[i + 1] ?? '');
    } catch {
      send(res, {
        statusCode: 400,
        body: JSON.stringify({ message: `Bad Request: path parameter ${name} is not valid percent-encoding` }),
      });
      return;
    }
  }
  const result = await route.handler(toEvent(req, url, method, route, pathParameters, body));
  send(res, result);
}

/** The body as text, or undefined past API Gateway's payload limit. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_PAYLOAD_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  body: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // What a reverse proxy in front of a plain-HTTP listener adds, and what API Gateway
  // sends as "https": the scheme the caller used, for rebuilding the URL HubSpot signed.
  // A tunnel's own X-Forwarded-Proto is kept.
  headers['x-forwarded-proto'] ??= 'http';
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of url.searchParams) queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: Object.keys(queryStringParameters).length ? queryStringParameters : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body : undefined,
    isBase64Encoded: false,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const status = result.statusCode ?? 200;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const body = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : '';
  res.writeHead(status, headers);
  res.end(body);
}
