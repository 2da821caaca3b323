import { request } from 'node:http';
import { startGateway } from '../../local/http-gateway';

// The local API Gateway stand-in answers every malformed request with JSON, never 5xx.
describe('local HTTP gateway', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const seen: unknown[] = [];
  beforeAll(async () => {
    gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      routes: [
        {
          method: 'POST',
          path: '/call/status/{provider}',
          handler: async (event) => {
            seen.push(event);
            return { statusCode: 200, body: JSON.stringify(event.pathParameters) };
          },
        },
      ],
    });
  });
  afterAll(() => gateway.stop());

  function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const { port } = new URL(gateway.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('{}');
    });
  }

  it('passes decoded path parameters to the handler in the v2 event shape', async () => {
    const res = await raw('/call/status/http%2Dv2?x=1');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ provider: 'http-v2' });
  });

  it.each([
    ['bad percent-encoding in a path parameter', '/call/status/%E0%A4%A', {}, 400],
    ['an unknown route', '/nope', {}, 404],
    ['a request target that is not a URL path', '//[', {}, 400],
    ['oversized headers', '/call/status/http', { 'x-big': 'a'.repeat(20_000) }, 431],
  ])('answers %s with JSON', async (_name, path, headers, status) => {
    const res = await raw(path, headers);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toHaveProperty('message');
  });
});
