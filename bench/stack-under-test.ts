// The system the bench drives: the embedded stack (startLocalStack, SQLite by default or
// the DynamoDB / SQS adapters against dynalite and fauxqs) with a fake HubSpot
// holding the contacts and a fake voice back end on its own thread, set up through the admin API as an
// operator would: an API key, an agent calling at any time, HubSpot connected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHubSpotApi } from '../functions/adapters/hubspot/hubspot';
import { startLocalStack, type LocalStack } from '../local/stack';
import { makeContacts, startFakeHubSpot, type FakeHubSpot } from '../test/fakes/fake-hubspot';
import { startDynalite } from '../local/dynalite';
import { startFauxqs } from '../local/fauxqs';
import { type BackendThreads, startBackendThreads } from './backend-threads';
import { naiveHubSpotFor } from './naive-intake';
import { startVoiceThread, type VoiceThread } from './voice-thread';

const HUBSPOT_TOKEN = 'pat-na1-bench0000-0000-0000-0000-000000000000';
const VOICE_SECRET = 'bench-voice-secret-0123456789';

export interface StackUnderTest {
  stack: LocalStack;
  hubspot: FakeHubSpot;
  voice: VoiceThread;
  /** POST /call/crm-webhook with the agent's id and API key in the query, as HubSpot is configured. */
  webhookUrl: string;
  stop(): Promise<void>;
}

export interface StackUnderTestOptions {
  contacts: number;
  backends: 'inline' | 'threads';
  /** Set for the naive baseline: HubSpot read one contact at a time, this many at once. */
  naiveConcurrency?: number;
  pollerConcurrency: number;
  /** default: what `npm start` runs with no endpoints set (SQLite); dynamodb: DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs. */
  stack: 'default' | 'dynamodb';
}

export async function startStackUnderTest(opts: StackUnderTestOptions): Promise<StackUnderTest> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const hubspot = await startFakeHubSpot({ token: HUBSPOT_TOKEN });
    stops.push(() => hubspot.stop());
    const voice = await startVoiceThread(VOICE_SECRET);
    stops.push(() => voice.stop());
    const endpoints = opts.stack === 'dynamodb' ? await startBackends(opts.backends) : undefined;
    if (endpoints) stops.push(() => endpoints.stop());
    // The default stack on a file as `npm start` keeps it (WAL, a commit per transaction), not in memory.
    const dataDir = endpoints ? undefined : await mkdtemp(join(tmpdir(), 'hubdial-bench-'));
    if (dataDir) stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const stack = await startLocalStack({
      port: 0,
      adminPort: 0,
      hubspotBaseUrl: hubspot.url,
      // Only the HubSpot read changes for the baseline; the rest is the same code.
      hubspotFor:
        opts.naiveConcurrency === undefined
          ? undefined
          : naiveHubSpotFor((token) => createHubSpotApi(token, { basePath: hubspot.url }), opts.naiveConcurrency),
      dataDir,
      dynamodbEndpoint: endpoints?.dynamodbEndpoint,
      sqsEndpoint: endpoints?.sqsEndpoint,
      // The sweeper and the local scheduler have nothing to do in this run; fewer idle
      // polls keep their requests out of the figures.
      sweepEveryMs: 3_600_000,
      pollerConcurrency: opts.pollerConcurrency,
      schedulerPollMs: 1_000,
    });
    stops.push(() => stack.stop());

    for (const [id, contact] of makeContacts(opts.contacts)) hubspot.contacts.set(id, contact);
    const key = await admin<{ key: string }>(stack.adminUrl, 'POST', '/admin/api-keys', { name: 'bench' }, 201);
    const agent = await admin<{ id: string }>(
      stack.adminUrl,
      'POST',
      '/admin/agents',
      {
        name: 'Bench',
        timezone: 'America/New_York',
        defaultCountry: 'US',
        variables: [
          { name: 'firstname', source: 'hubspot', field: 'firstname' },
          { name: 'company', source: 'hubspot', field: 'company' },
        ],
        voice: { provider: 'http', url: `${voice.url}/calls`, secret: VOICE_SECRET },
      },
      201,
    );
    await admin(stack.adminUrl, 'PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN }, 200);
    const webhookUrl = `${stack.publicUrl}/call/crm-webhook?${new URLSearchParams({ agent_id: agent.id, type: 'hubspot', x_api_key: key.key })}`;
    return { stack, hubspot, voice, webhookUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** dynalite and fauxqs for the DynamoDB run: on this event loop (inline) or on worker threads. */
async function startBackends(where: 'inline' | 'threads'): Promise<BackendThreads> {
  if (where === 'threads') return startBackendThreads();
  const dynamo = await startDynalite();
  const sqs = await startFauxqs().catch(async (err) => {
    await dynamo.stop();
    throw err;
  });
  return {
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    async stop() {
      await Promise.all([dynamo.stop(), sqs.stop()]);
    },
  };
}

async function admin<T = unknown>(base: string, method: string, path: string, body: unknown, expected: number): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
