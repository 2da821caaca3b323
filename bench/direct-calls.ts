// `npx tsx bench/direct-calls.ts`: how long a test call takes to reach the voice back end
// on the embedded stack (the target: within 2 s), and how fast a backfill of
// 2,500 contacts goes through HubSpot's search at 5 requests per second. Prints figures;
// asserts nothing.
import './quiet-logs';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '../local/stack';
import { makeContacts, startFakeHubSpot } from '../test/fakes/fake-hubspot';
import { startFakeVoice } from '../test/fakes/fake-voice';

const TOKEN = 'pat-na1-bench0000-0000-0000-0000-000000000000';
const TEST_CALLS = 20;
const BACKFILL_CONTACTS = 2500;

async function main(): Promise<void> {
  const hubspot = await startFakeHubSpot({ token: TOKEN });
  const voice = await startFakeVoice({ secret: 'bench-voice-secret-0123456789' });
  const stack = await startLocalStack({ port: 0, adminPort: 0, hubspotBaseUrl: hubspot.url });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.adminUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as any;
  };
  try {
    const agent = await admin('POST', '/admin/agents', {
      name: 'Bench',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
      voice: { provider: 'http', url: `${voice.url}/calls`, secret: voice.secret },
    });
    await admin('PUT', '/admin/integrations/hubspot', { accessToken: TOKEN });

    const latencies: number[] = [];
    for (let i = 0; i < TEST_CALLS; i++) {
      const started = performance.now();
      const { callId } = await admin('POST', `/admin/agents/${agent.id}/test-call`, { to: `+1415555${String(2000 + i)}` });
      await voice.waitForRequest((r: any) => r.body?.callId === callId);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(0);
    console.log(`test call, POST -> voice back end (${TEST_CALLS} calls, one at a time): p50 ${at(0.5)} ms, max ${at(1)} ms`);

    const since = Date.parse('2026-11-27T00:00:00Z');
    for (const [i, [id, contact]] of makeContacts(BACKFILL_CONTACTS, 1).entries()) {
      hubspot.contacts.set(id, { ...contact, createdate: new Date(since + i * 100_000).toISOString() });
    }
    const began = performance.now();
    const { id } = await admin('POST', '/admin/backfill', { agentId: agent.id, since: new Date(since).toISOString() });
    let job: any;
    do {
      await new Promise((r) => setTimeout(r, 100));
      job = await admin('GET', `/admin/backfill/${id}`);
    } while (job.status === 'running');
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `backfill of ${BACKFILL_CONTACTS} contacts: ${job.status} in ${seconds.toFixed(1)} s (${(BACKFILL_CONTACTS / seconds).toFixed(0)} contacts/s, ` +
        `${job.pages} searches, ${(job.pages / seconds).toFixed(2)} searches/s; HubSpot 429s: ${hubspot.searchRateLimited}; per-contact reads: ${hubspot.contactReads})`,
    );
  } finally {
    await stack.stop();
    await voice.stop();
    await hubspot.stop();
  }
}

void main();
