import { request } from 'node:http';
import { startTestStack, type TestStack } from '../support/local-stack';

// The loopback admin listener refuses what a foreign web page could send it.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t.stop());

function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
  const { port } = new URL(t.stack.adminUrl);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const agentBody = JSON.stringify({ name: 'Evil', timezone: 'UTC', variables: [], voice: { provider: 'simulator' } });
const agentCount = async () => (await t.admin('GET', '/admin/agents')).body.items.length;

it('refuses a text/plain POST from https://evil.example and creates no agent', async () => {
  const before = await agentCount();
  const res = await raw('POST', '/admin/agents', { 'content-type': 'text/plain', origin: 'https://evil.example' }, agentBody);
  expect(res.status).toBe(403);
  expect(await agentCount()).toBe(before);
});

it('refuses a body that is not JSON even from no origin (415)', async () => {
  const before = await agentCount();
  const res = await raw('POST', '/admin/agents', { 'content-type': 'text/plain' }, agentBody);
  expect(res.status).toBe(415);
  expect(JSON.parse(res.body).message).toMatch(/application\/json/);
  const form = await raw('POST', '/admin/api-keys', { 'content-type': 'application/x-www-form-urlencoded' }, 'name=x');
  expect(form.status).toBe(415);
  expect(await agentCount()).toBe(before);
});

it('refuses a JSON request from a foreign Origin, and a cross-site fetch', async () => {
  const before = await agentCount();
  const res = await raw('POST', '/admin/agents', { 'content-type': 'application/json', origin: 'https://evil.example' }, agentBody);
  expect(res.status).toBe(403);
  expect(JSON.parse(res.body).message).toMatch(/evil\.example/);
  const read = await raw('GET', '/admin/calls', { origin: 'http://127.0.0.1:1' });
  expect(read.status).toBe(403);
  const siteless = await raw('GET', '/admin/calls', { 'sec-fetch-site': 'cross-site' });
  expect(siteless.status).toBe(403);
  expect(await agentCount()).toBe(before);
});

it('refuses a Host that is not loopback with this port (DNS rebinding)', async () => {
  const { port } = new URL(t.stack.adminUrl);
  for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', `192.168.1.5:${port}`]) {
    const res = await raw('GET', '/admin/agents', { host });
    expect(res.status).toBe(403);
  }
  expect((await raw('GET', '/', { host: 'evil.example' })).status).toBe(403);
});

it('answers its own origin, under each loopback name', async () => {
  const { port } = new URL(t.stack.adminUrl);
  for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
    const origin = `http://${name}:${port}`;
    const res = await raw(
      'POST',
      '/admin/api-keys',
      { host: `${name}:${port}`, origin, 'content-type': 'application/json' },
      '{"name":"console"}',
    );
    expect(res.status).toBe(201);
  }
  // The CLI: no Origin, a JSON body; a POST without a body (cancel) needs no content type.
  const res = await raw('POST', '/admin/calls/call_none/cancel', {});
  expect(res.status).toBe(404);
});

it('serves the console at / and at any deep link, never under /admin', async () => {
  const home = await raw('GET', '/', {});
  expect(home.status).toBe(200);
  expect(home.headers['content-type']).toMatch(/text\/html/);
  expect(home.body).toContain('/app.js');
  const deep = await raw('GET', '/calls/call_abc', {});
  expect(deep.body).toBe(home.body);
  const js = await raw('GET', '/app.js', {});
  expect(js.headers['content-type']).toMatch(/javascript/);
  const admin = await raw('GET', '/admin/nope', {});
  expect(admin.status).toBe(404);
  expect(JSON.parse(admin.body).error).toBe('not_found');
});
