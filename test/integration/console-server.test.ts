import { startConsoleServer } from '../../cli/console-server';
import { createSigV4Signer } from '../../cli/sigv4';
import { startFakeAdmin } from '../fakes/fake-admin';

// hubdial console: the page locally, /admin/... forwarded signed, foreign pages refused.
it('serves the page, signs what it forwards and refuses a foreign origin', async () => {
  const admin = await startFakeAdmin();
  const sign = createSigV4Signer({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' } });
  const server = await startConsoleServer({ endpoint: admin.url, sign, port: 0 });
  try {
    const page = await fetch(`${server.url}/calls/x`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const res = await fetch(`${server.url}/admin/agents`);
    expect(res.status).toBe(200);
    expect(String(admin.last().headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    const before = admin.requests.length;
    const evil = await fetch(`${server.url}/admin/api-keys`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{"name":"x"}',
    });
    expect(evil.status).toBe(403);
    expect(admin.requests.length).toBe(before);
  } finally {
    await server.stop();
    await admin.close();
  }
});
