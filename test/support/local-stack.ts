// One embedded stack per test file: the real handlers and adapters on dynalite and
// fauxqs, a fake HubSpot and a fake voice back end, reached over real HTTP.
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { startFakeHubSpot, type FakeHubSpot } from '../fakes/fake-hubspot';
import { startFakeVoice } from '../fakes/fake-voice';

export const HUBSPOT_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';

export interface TestStack {
  stack: LocalStack;
  hubspot: FakeHubSpot;
  voice: Awaited<ReturnType<typeof startFakeVoice>>;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  webhook<T = any>(query: Record<string, string>, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** API key + agent + HubSpot connection, ready for deliveries. */
  setup(agent?: Record<string, unknown>): Promise<{ key: string; agentId: string }>;
  stop(): Promise<void>;
}

export async function startTestStack(opts: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const hubspot = await startFakeHubSpot({ token: HUBSPOT_TOKEN });
  const voice = await startFakeVoice({ secret: 'voice-secret-0123456789' });
  const stack = await startLocalStack({
    port: 0,
    adminPort: 0,
    hubspotBaseUrl: hubspot.url,
    schedulerPollMs: 100,
    sweepEveryMs: 3_600_000,
    ...opts,
  });

  async function request(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    return { status: res.status, body: parsed };
  }

  const t: TestStack = {
    stack,
    hubspot,
    voice,
    admin: (method, path, body) => request(stack.adminUrl, method, path, body),
    webhook: (query, body, headers) => request(stack.publicUrl, 'POST', `/call/crm-webhook?${new URLSearchParams(query)}`, body, headers),
    async setup(agent = {}) {
      const key = await t.admin('POST', '/admin/api-keys', { name: 'hubspot' });
      const created = await t.admin('POST', '/admin/agents', {
        name: 'Sales',
        timezone: 'America/New_York',
        defaultCountry: 'US',
        variables: [
          { name: 'firstname', source: 'hubspot', field: 'firstname' },
          { name: 'company', source: 'hubspot', field: 'company' },
        ],
        voice: { provider: 'http', url: `${voice.url}/calls`, secret: voice.secret },
        ...agent,
      });
      if (created.status !== 201) throw new Error(`agent not created: ${JSON.stringify(created.body)}`);
      const connected = await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN });
      if (connected.status !== 200) throw new Error(`not connected: ${JSON.stringify(connected.body)}`);
      return { key: key.body.key, agentId: created.body.id };
    },
    async stop() {
      await stack.stop();
      await voice.stop();
      await hubspot.stop();
    },
  };
  return t;
}

/** HubSpot's app-subscription payload for contact.creation events. */
export function creationEvents(contactIds: string[], portalId: string, start = 1): Record<string, unknown>[] {
  return contactIds.map((objectId, i) => ({
    eventId: start + i,
    subscriptionId: 2001,
    portalId: Number(portalId),
    appId: 1160452,
    occurredAt: 1781000000000 + i,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: Number(objectId),
    changeSource: 'CRM',
    changeFlag: 'NEW',
  }));
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
