// The hubdial CLI end to end over real HTTP against a stand-in admin API: what each
// command sends, what it prints, how it fails, and when it signs with SigV4.
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../cli/main';
import { createSigV4Signer, resolveRegion } from '../../cli/sigv4';
import { startFakeAdmin, type FakeAdmin } from '../fakes/fake-admin';

const AWS_KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token-example',
};
const VOICE_SECRET = 'voice-secret-do-not-print-0123';

let admin: FakeAdmin;
let dir: string;

beforeAll(async () => {
  admin = await startFakeAdmin();
  dir = await mkdtemp(join(tmpdir(), 'hubdial-cli-'));
});
afterAll(() => admin.close());
beforeEach(() => {
  admin.requests.length = 0;
  admin.agents.clear();
  admin.calls.clear();
});

interface Invocation {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  fetch?: typeof fetch;
}

async function hubdial(args: string[], opts: Invocation = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    // A clean environment: no real AWS credentials or endpoints leak in from the machine.
    env: { HUBDIAL_ADMIN_URL: admin.url, ...opts.env },
    stdin: async () => opts.stdin ?? '',
    fetch: opts.fetch,
  });
  return { code, stdout, stderr };
}

function seedAgent(overrides: Record<string, unknown> = {}) {
  const agent = {
    id: 'agt_sales',
    name: 'Sales',
    timezone: 'America/New_York',
    defaultCountry: 'US',
    variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
    callDefaults: {
      min_trigger_time: '09:00',
      max_trigger_time: '18:00',
      carry_over: true,
      num_of_retries: 2,
      gap_between_retries: [2, 4],
    },
    voice: { provider: 'http', url: 'https://voice.example.com/calls', secret: VOICE_SECRET },
    createdAt: '2026-06-01T10:00:00.000Z',
    updatedAt: '2026-06-01T10:00:00.000Z',
    ...overrides,
  };
  admin.agents.set(agent.id, agent);
  return agent;
}

function seedCall(id: string, overrides: Record<string, unknown> = {}) {
  const call = {
    id,
    agentId: 'agt_sales',
    portalId: '4455667',
    contactId: `c-${id}`,
    to: '+12125550100',
    variables: { firstname: 'Ada' },
    missingVariables: [],
    status: 'scheduled',
    reason: 'first attempt scheduled inside the call window',
    attempts: [{ number: 1, scheduledAt: '2026-06-10T15:00:00.000Z' }],
    history: [{ at: '2026-06-10T15:00:00.000Z', status: 'scheduled', reason: 'first attempt scheduled inside the call window' }],
    createdAt: '2026-06-10T15:00:00.000Z',
    updatedAt: '2026-06-10T15:00:00.000Z',
    ...overrides,
  };
  admin.calls.set(id, call);
  return call;
}

describe('api-keys create', () => {
  it('posts the name and prints the key once, with a warning on stderr', async () => {
    const r = await hubdial(['api-keys', 'create', '--name', 'hubspot prod']);
    expect(r.code).toBe(0);
    expect(admin.requests).toHaveLength(1);
    expect(admin.last()).toMatchObject({ method: 'POST', path: '/admin/api-keys', body: { name: 'hubspot prod' } });
    expect(admin.last().headers['content-type']).toBe('application/json');
    const key = /^\s+(hd_[0-9a-f]{32})$/m.exec(r.stdout)?.[1];
    expect(key).toBeDefined();
    expect(r.stdout).toContain('API key id:  key_');
    expect(r.stderr).toMatch(/will not be shown again/);
  });

  it('prints the raw reply with --json', async () => {
    const r = await hubdial(['--json', 'api-keys', 'create', '--name', 'ci']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'ci',
      key: expect.stringMatching(/^hd_/),
      createdAt: expect.any(String),
    });
  });

  it('requires --name before sending anything', async () => {
    const r = await hubdial(['api-keys', 'create']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("required option '--name <name>' not specified");
    expect(admin.requests).toHaveLength(0);
  });
});

describe('agents', () => {
  it('create sends the contract body built from the flags and never prints the voice secret', async () => {
    const r = await hubdial([
      'agents',
      'create',
      '--name',
      'Sales',
      '--timezone',
      'America/New_York',
      '--default-country',
      'us',
      '--var',
      'firstname=firstname',
      '--var',
      'company_name=company',
      '--window',
      '09:00-18:00',
      '--carry-over',
      'false',
      '--retries',
      '3',
      '--gaps',
      '2,4,6',
      '--voice-provider',
      'http',
      '--voice-url',
      'https://voice.example.com/calls?tenant=7',
      '--voice-secret',
      VOICE_SECRET,
      '--write-back',
      'true',
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(admin.last().method).toBe('POST');
    expect(admin.last().path).toBe('/admin/agents');
    expect(admin.last().body).toEqual({
      name: 'Sales',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [
        { name: 'firstname', source: 'hubspot', field: 'firstname' },
        { name: 'company_name', source: 'hubspot', field: 'company' },
      ],
      callDefaults: {
        min_trigger_time: '09:00',
        max_trigger_time: '18:00',
        carry_over: false,
        num_of_retries: 3,
        gap_between_retries: [2, 4, 6],
      },
      voice: { provider: 'http', url: 'https://voice.example.com/calls?tenant=7', secret: VOICE_SECRET },
      writeBackToHubSpot: true,
    });
    expect(r.stdout).toContain('Created agent agt_');
    expect(r.stdout).toMatch(/^Call window: +09:00-18:00$/m);
    expect(r.stdout).toMatch(/^Retries: +3, gaps 2,4,6 h$/m);
    // The voice URL is shown without its query string; the secret not at all.
    expect(r.stdout).toMatch(/^Voice: +http https:\/\/voice\.example\.com\/calls\?…$/m);
    expect(r.stdout).toContain('company_name  hubspot  company');
    expect(r.stdout + r.stderr).not.toContain(VOICE_SECRET);
  });

  it('create --from-file takes the admin body, flags override it, and "-" reads standard input', async () => {
    const file = join(dir, 'agent.json');
    const fromFile = {
      name: 'From file',
      timezone: 'Europe/Berlin',
      variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
      voice: { provider: 'simulator' },
    };
    await writeFile(file, JSON.stringify(fromFile));
    expect((await hubdial(['agents', 'create', '--from-file', file, '--name', 'Overridden'])).code).toBe(0);
    expect(admin.last().body).toEqual({ ...fromFile, name: 'Overridden' });

    expect((await hubdial(['agents', 'create', '--from-file', '-'], { stdin: JSON.stringify(fromFile) })).code).toBe(0);
    expect(admin.last().body).toEqual(fromFile);
  });

  it("create takes each platform's settings and pacing as flags", async () => {
    const cases: [string[], Record<string, unknown>][] = [
      [
        ['--voice-provider', 'retell', '--voice-api-key', 'key_1', '--voice-agent-id', 'agent_1', '--voice-from-number', '+14155550100'],
        { provider: 'retell', apiKey: 'key_1', agentId: 'agent_1', fromNumber: '+14155550100' },
      ],
      [
        ['--voice-provider', 'vapi', '--voice-api-key', 'k', '--voice-assistant-id', 'a', '--voice-phone-number-id', 'p'],
        { provider: 'vapi', apiKey: 'k', assistantId: 'a', phoneNumberId: 'p' },
      ],
      [
        ['--voice-provider', 'bland', '--voice-api-key', 'k', '--voice-task', 'Say hi', '--voice-webhook-secret', 'whsec-1234'],
        { provider: 'bland', apiKey: 'k', task: 'Say hi', webhookSecret: 'whsec-1234' },
      ],
      [
        ['--voice-provider', 'callkaro', '--voice-api-key', 'k', '--voice-agent-id', 'a', '--voice-api-base-url', 'https://proxy.example'],
        { provider: 'callkaro', apiKey: 'k', agentId: 'a', apiBaseUrl: 'https://proxy.example' },
      ],
    ];
    for (const [flags, voice] of cases) {
      const r = await hubdial([
        'agents',
        'create',
        '--name',
        'P',
        '--timezone',
        'UTC',
        ...flags,
        '--max-live-calls',
        '5',
        '--calls-per-second',
        '2',
      ]);
      expect(r.code).toBe(0);
      expect(admin.last().body).toMatchObject({ voice, pacing: { maxLiveCalls: 5, callsPerSecond: 2 } });
    }
    const bad = await hubdial([
      'agents',
      'create',
      '--name',
      'P',
      '--timezone',
      'UTC',
      '--voice-provider',
      'vapi',
      '--max-live-calls',
      '0',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--max-live-calls must be a whole number');
  });

  it('create names the missing flag before any request, and a bad file before any request', async () => {
    const missing = await hubdial(['agents', 'create', '--name', 'X', '--voice-provider', 'simulator']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--timezone is required');

    await writeFile(join(dir, 'broken.json'), '{"name": ');
    const broken = await hubdial(['agents', 'create', '--from-file', join(dir, 'broken.json')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not valid JSON');

    const badWindow = await hubdial(['agents', 'create', '--window', '9-18']);
    expect(badWindow.code).toBe(1);
    expect(badWindow.stderr).toContain("option '--window <HH:MM-HH:MM>' argument '9-18' is invalid");
    expect(admin.requests).toHaveLength(0);
  });

  it('create reports the server error with its parameter and exits 1', async () => {
    const r = await hubdial(['agents', 'create', '--name', 'X', '--timezone', 'Mars/Olympus', '--voice-provider', 'simulator']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: timezone must be an IANA time zone such as "Europe/Berlin" or "America/New_York", got "Mars/Olympus" (parameter: timezone) [HTTP 400 invalid_parameter]\n',
    );
  });

  it('list prints an aligned table, and the raw reply with --json', async () => {
    seedAgent();
    seedAgent({
      id: 'agt_support_team',
      name: 'Support',
      timezone: 'Europe/Berlin',
      callDefaults: undefined,
      voice: { provider: 'simulator' },
      variables: [],
    });
    const r = await hubdial(['agents', 'list']);
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({ method: 'GET', path: '/admin/agents' });
    expect(r.stdout).toBe(
      [
        'ID                NAME     TIMEZONE          VOICE      VARIABLES  WINDOW       RETRIES        CREATED',
        'agt_sales         Sales    America/New_York  http       firstname  09:00-18:00  2, gaps 2,4 h  2026-06-01T10:00:00Z',
        'agt_support_team  Support  Europe/Berlin     simulator             not set      not set        2026-06-01T10:00:00Z',
        '',
      ].join('\n'),
    );
    const json = await hubdial(['agents', 'list', '--json']);
    expect(JSON.parse(json.stdout).items.map((a: { id: string }) => a.id)).toEqual(['agt_sales', 'agt_support_team']);
    expect(json.stdout).not.toContain(VOICE_SECRET);
  });

  it('show prints the agent, and an unknown id exits 1 with the server message', async () => {
    seedAgent();
    const r = await hubdial(['agents', 'show', 'agt_sales']);
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({ method: 'GET', path: '/admin/agents/agt_sales' });
    expect(r.stdout).toMatch(/^Time zone: +America\/New_York$/m);
    expect(r.stdout).toMatch(/^Carry over: +yes/m);

    const missing = await hubdial(['agents', 'show', 'agt_nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: agent agt_nope was not found [HTTP 404 agent_not_found]\n');
  });

  it('update --from-file PUTs the file as the new agent', async () => {
    seedAgent();
    const replacement = { name: 'Sales EU', timezone: 'Europe/Paris', variables: [], voice: { provider: 'simulator' } };
    await writeFile(join(dir, 'replacement.json'), JSON.stringify(replacement));
    const r = await hubdial(['agents', 'update', 'agt_sales', '--from-file', join(dir, 'replacement.json')]);
    expect(r.code).toBe(0);
    expect(admin.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['PUT /admin/agents/agt_sales']);
    expect(admin.last().body).toEqual(replacement);
    expect(r.stdout).toContain('Updated agent agt_sales.');
  });

  it('update with flags changes only those fields and keeps the stored voice secret', async () => {
    seedAgent();
    const r = await hubdial(['agents', 'update', 'agt_sales', '--window', '08:00-12:00', '--var', 'company=company']);
    expect(r.code).toBe(0);
    expect(admin.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /admin/agents/agt_sales', 'PUT /admin/agents/agt_sales']);
    const put = admin.last().body;
    expect(put).toEqual({
      name: 'Sales',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [
        { name: 'firstname', source: 'hubspot', field: 'firstname' },
        { name: 'company', source: 'hubspot', field: 'company' },
      ],
      callDefaults: {
        min_trigger_time: '08:00',
        max_trigger_time: '12:00',
        carry_over: true,
        num_of_retries: 2,
        gap_between_retries: [2, 4],
      },
      voice: { provider: 'http', url: 'https://voice.example.com/calls' },
    });
    expect(admin.agents.get('agt_sales')?.voice.secret).toBe(VOICE_SECRET);

    const nothing = await hubdial(['agents', 'update', 'agt_sales']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing to update');
  });

  it('delete sends DELETE and confirms', async () => {
    seedAgent();
    const r = await hubdial(['agents', 'delete', 'agt_sales']);
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({ method: 'DELETE', path: '/admin/agents/agt_sales' });
    expect(r.stdout).toBe('Deleted agent agt_sales.\n');
    expect(admin.agents.has('agt_sales')).toBe(false);
    expect((await hubdial(['agents', 'delete', 'agt_sales'])).code).toBe(1);
  });
});

describe('hubspot connect', () => {
  it('reads the token from standard input with --token - and never prints it', async () => {
    const r = await hubdial(['hubspot', 'connect', '--token', '-'], { stdin: `${admin.validHubSpotToken}\n` });
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({
      method: 'PUT',
      path: '/admin/integrations/hubspot',
      body: { accessToken: admin.validHubSpotToken },
    });
    expect(admin.last().body).not.toHaveProperty('clientSecret');
    expect(r.stdout).toContain('Connected to HubSpot portal 4455667.');
    expect(r.stdout).toMatch(/^Signature verification: +off$/m);
    expect(r.stdout + r.stderr).not.toContain(admin.validHubSpotToken);
  });

  it('takes the token from HUBSPOT_ACCESS_TOKEN and sends the client secret without echoing either', async () => {
    const r = await hubdial(['hubspot', 'connect', '--client-secret', 'client-secret-abc'], {
      env: { HUBSPOT_ACCESS_TOKEN: admin.validHubSpotToken },
    });
    expect(r.code).toBe(0);
    expect(admin.last().body).toEqual({ accessToken: admin.validHubSpotToken, clientSecret: 'client-secret-abc' });
    const json = await hubdial(['hubspot', 'connect', '--json'], { env: { HUBSPOT_ACCESS_TOKEN: admin.validHubSpotToken } });
    expect(JSON.parse(json.stdout)).toMatchObject({ portalId: '4455667', status: 'connected' });
    for (const out of [r.stdout, r.stderr, json.stdout, json.stderr]) {
      expect(out).not.toContain(admin.validHubSpotToken);
      expect(out).not.toContain('client-secret-abc');
    }
  });

  it("reports HubSpot's reason with the parameter and exits 1", async () => {
    const expired = await hubdial(['hubspot', 'connect', '--token', 'pat-na1-expired-token-value']);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toBe(
      'error: HubSpot rejected the access token: it is expired or revoked (parameter: accessToken) [HTTP 400 hubspot_unauthorized]\n',
    );

    const scope = await hubdial(['hubspot', 'connect', '--token', 'missing-scope-token']);
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain('HubSpot scopes the app needs: crm.objects.contacts.read');
  });

  it('refuses to send an empty token', async () => {
    const r = await hubdial(['hubspot', 'connect', '--token', '-'], { stdin: '  \n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a HubSpot access token is required');
    expect(admin.requests).toHaveLength(0);
  });
});

describe('calls', () => {
  it('list sends the filters as query parameters and prints a table', async () => {
    seedCall('call_a', {
      status: 'failed',
      reason: 'no attempt left: the contact did not answer 3 times',
      attempts: [
        { number: 1, scheduledAt: 'x' },
        { number: 2, scheduledAt: 'y' },
      ],
    });
    seedCall('call_b', { status: 'failed', agentId: 'agt_other' });
    const r = await hubdial(['calls', 'list', '--agent', 'agt_sales', '--status', 'failed', '--limit', '10']);
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({
      method: 'GET',
      path: '/admin/calls',
      query: { agent_id: 'agt_sales', status: 'failed', limit: '10' },
    });
    expect(r.stdout).toBe(
      [
        'ID      STATUS  AGENT      CONTACT   TO            ATTEMPTS  UPDATED               REASON',
        'call_a  failed  agt_sales  c-call_a  +12125550100  2         2026-06-10T15:00:00Z  no attempt left: the contact did not answer 3 times',
        '',
      ].join('\n'),
    );
  });

  it('list --all follows nextCursor to the end; without it, the next cursor is offered', async () => {
    for (const id of ['call_1', 'call_2', 'call_3', 'call_4', 'call_5']) seedCall(id);
    const all = await hubdial(['calls', 'list', '--all', '--limit', '2', '--json']);
    expect(all.code).toBe(0);
    expect(admin.requests.map((q) => q.query.cursor ?? null)).toEqual([null, expect.any(String), expect.any(String)]);
    expect(JSON.parse(all.stdout)).toEqual({ items: expect.any(Array), nextCursor: null });
    expect(JSON.parse(all.stdout).items.map((c: { id: string }) => c.id)).toEqual(['call_1', 'call_2', 'call_3', 'call_4', 'call_5']);

    const one = await hubdial(['calls', 'list', '--limit', '2']);
    expect(one.stdout.trim().split('\n')).toHaveLength(3);
    const cursor = /--cursor (\S+)/.exec(one.stderr)?.[1];
    expect(cursor).toBeDefined();
    await hubdial(['calls', 'list', '--limit', '2', '--cursor', cursor ?? '']);
    expect(admin.last().query.cursor).toBe(cursor);
  });

  it('list checks --status and --limit locally, and reports a server refusal', async () => {
    expect((await hubdial(['calls', 'list', '--status', 'ringing'])).code).toBe(1);
    expect((await hubdial(['calls', 'list', '--limit', 'ten'])).code).toBe(1);
    expect(admin.requests).toHaveLength(0);
    const tooMany = await hubdial(['calls', 'list', '--limit', '500']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toBe('error: limit must be a whole number from 1 to 100 (parameter: limit) [HTTP 400 invalid_parameter]\n');
  });

  it('show prints a header, the attempts and the history with ISO UTC times', async () => {
    seedCall('call_x', {
      status: 'failed',
      reason: 'no attempt left: 2 attempts without an answer',
      variables: { firstname: 'Ada', company: 'Analytical Engines' },
      missingVariables: ['lastname'],
      settings: { window: { min: '09:00', max: '18:00' }, carryOver: true, numOfRetries: 1, gapHours: [2] },
      timezone: 'America/New_York',
      attempts: [
        {
          number: 1,
          scheduledAt: '2026-06-10T15:00:00.000Z',
          startedAt: '2026-06-10T15:00:02.120Z',
          outcome: 'no-answer',
          reason: 'nobody answered',
        },
        { number: 2, scheduledAt: '2026-06-10T17:00:00.000Z', startedAt: '2026-06-10T17:00:01.000Z', outcome: 'busy' },
      ],
      history: [
        { at: '2026-06-10T15:00:00.000Z', status: 'scheduled', reason: 'first attempt scheduled inside the call window' },
        { at: '2026-06-10T15:00:02.120Z', status: 'dialing', reason: 'attempt 1 handed to the voice provider' },
        { at: '2026-06-10T15:01:00.000Z', status: 'scheduled', reason: 'attempt 1: no answer; attempt 2 at 13:00 America/New_York' },
        { at: '2026-06-10T17:01:00.000Z', status: 'failed', reason: 'no attempt left: 2 attempts without an answer' },
      ],
      updatedAt: '2026-06-10T17:01:00.000Z',
    });
    const r = await hubdial(['calls', 'show', 'call_x']);
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({ method: 'GET', path: '/admin/calls/call_x' });
    expect(r.stdout).toBe(
      [
        'Call:               call_x',
        'Status:             failed',
        'Reason:             no attempt left: 2 attempts without an answer',
        'Agent:              agt_sales',
        'Portal:             4455667',
        'Contact:            c-call_x',
        'To:                 +12125550100',
        'Variables:          firstname=Ada, company=Analytical Engines',
        'Missing variables:  lastname',
        'Call window:        09:00-18:00 America/New_York',
        'Carry over:         yes',
        'Retries:            1, gaps 2 h',
        'Created:            2026-06-10T15:00:00Z',
        'Updated:            2026-06-10T17:01:00Z',
        '',
        'Attempts',
        '#  SCHEDULED             STARTED               OUTCOME    REASON',
        '1  2026-06-10T15:00:00Z  2026-06-10T15:00:02Z  no-answer  nobody answered',
        '2  2026-06-10T17:00:00Z  2026-06-10T17:00:01Z  busy',
        '',
        'History',
        'TIME                  STATUS     REASON',
        '2026-06-10T15:00:00Z  scheduled  first attempt scheduled inside the call window',
        '2026-06-10T15:00:02Z  dialing    attempt 1 handed to the voice provider',
        '2026-06-10T15:01:00Z  scheduled  attempt 1: no answer; attempt 2 at 13:00 America/New_York',
        '2026-06-10T17:01:00Z  failed     no attempt left: 2 attempts without an answer',
        '',
      ].join('\n'),
    );
    const json = await hubdial(['calls', 'show', 'call_x', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(admin.calls.get('call_x'));
  });

  it('cancel posts to the cancel route; a call past cancelling exits 1 with the reason', async () => {
    seedCall('call_s');
    seedCall('call_done', { status: 'completed', reason: 'connected' });
    const r = await hubdial(['calls', 'cancel', 'call_s']);
    expect(r.code).toBe(0);
    expect(admin.last()).toMatchObject({ method: 'POST', path: '/admin/calls/call_s/cancel' });
    expect(r.stdout).toBe('Cancelled call call_s.\n\nStatus:  cancelled\nReason:  cancelled by an operator\n');

    const done = await hubdial(['calls', 'cancel', 'call_done']);
    expect(done.code).toBe(1);
    expect(done.stderr).toBe('error: call call_done cannot be cancelled: it is already completed [HTTP 409 not_cancellable]\n');
  });
});

describe('webhook-url', () => {
  it('prints the URL HubSpot needs, with the call parameters, without calling the server', async () => {
    const r = await hubdial([
      'webhook-url',
      '--agent',
      'agt_sales',
      '--key',
      'hd_k&y',
      '--base',
      'https://hooks.example.com/prod/',
      '--window',
      '09:00-18:00',
      '--carry-over',
      'true',
      '--retries',
      '3',
      '--gaps',
      '2,4,6',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'https://hooks.example.com/prod/call/crm-webhook?agent_id=agt_sales&type=hubspot&x_api_key=hd_k%26y&min_trigger_time=09:00&max_trigger_time=18:00&carry_over=true&num_of_retries=3&gap_between_retries=2,4,6\n',
    );
    expect(r.stderr).toBe('');
    expect(admin.requests).toHaveLength(0);
    const parsed = new URL(r.stdout.trim()).searchParams;
    expect(parsed.get('x_api_key')).toBe('hd_k&y');
  });

  it('takes the key and base from the environment, and notes that HubSpot cannot reach loopback', async () => {
    const r = await hubdial(['webhook-url', '--agent', 'agt_1'], { env: { HUBDIAL_API_KEY: 'hd_env' } });
    expect(r.stdout).toBe('http://127.0.0.1:3000/call/crm-webhook?agent_id=agt_1&type=hubspot&x_api_key=hd_env\n');
    expect(r.stderr).toContain('HubSpot cannot reach a loopback address');
    const noKey = await hubdial(['webhook-url', '--agent', 'agt_1']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('--key is required');
  });
});

describe('errors outside the API', () => {
  it('an unreachable endpoint exits 1 and says where it tried', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const r = await hubdial(['agents', 'list', '--endpoint', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: cannot reach the admin API at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(r.stderr).toContain('npm start');
  });

  it('a reply that is not JSON (the wrong port) is reported, not crashed on', async () => {
    admin.replyOnce('GET', '/admin/agents', { status: 200, raw: '<html>hubdial public listener</html>' });
    const html = await hubdial(['agents', 'list']);
    expect(html.code).toBe(1);
    expect(html.stderr).toContain('is not JSON; is --endpoint the admin listener?');

    admin.replyOnce('GET', '/admin/agents', { status: 502, raw: 'Bad Gateway' });
    const gateway = await hubdial(['agents', 'list']);
    expect(gateway.stderr).toBe('error: HTTP 502: Bad Gateway [HTTP 502 http_502]\n');
  });
});

// SigV4 recomputed here with node:crypto, independently of @smithy/signature-v4.
function sha256(data: string) {
  return createHash('sha256').update(data).digest('hex');
}
function hmac(key: string | Buffer, data: string) {
  return createHmac('sha256', key).update(data).digest();
}
function rfc3986(s: string) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function expectedSignature(
  req: { method: string; url: URL; headers: Record<string, string>; body: string },
  secret: string,
  region: string,
) {
  const auth = req.headers.authorization ?? '';
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const amzDate = req.headers['x-amz-date'] ?? '';
  const query = [...req.url.searchParams]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonical = [
    req.method,
    req.url.pathname,
    query,
    signedHeaders.map((h) => `${h}:${(req.headers[h] ?? '').trim()}\n`).join(''),
    signedHeaders.join(';'),
    sha256(req.body),
  ].join('\n');
  const scope = `${amzDate.slice(0, 8)}/${region}/execute-api/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, amzDate.slice(0, 8)), region), 'execute-api'), 'aws4_request');
  return { signedHeaders, signature: createHmac('sha256', key).update(toSign).digest('hex') };
}

describe('SigV4 signing', () => {
  it('the signer produces a valid execute-api signature for a fixed date and fixed credentials', async () => {
    const sign = createSigV4Signer({
      region: 'eu-west-1',
      credentials: { accessKeyId: AWS_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_KEYS.AWS_SECRET_ACCESS_KEY },
      now: () => new Date('2026-06-10T15:00:00Z'),
    });
    const url = new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/admin/calls?status=failed&limit=5');
    const body = '{"name":"x"}';
    const headers = await sign({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body });
    expect(headers['x-amz-date']).toBe('20260610T150000Z');
    expect(headers.host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
    const { signedHeaders, signature } = expectedSignature(
      { method: 'POST', url, headers: headers as Record<string, string>, body },
      AWS_KEYS.AWS_SECRET_ACCESS_KEY,
      'eu-west-1',
    );
    expect(signedHeaders).toEqual(expect.arrayContaining(['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date']));
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260610/eu-west-1/execute-api/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
    );
  });

  it('commands sign requests to a non-loopback https endpoint with the region from its host', async () => {
    seedCall('call_1');
    const endpoint = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
    // Route the "AWS" host to the stand-in; the Host the signature covers is the AWS one.
    const toFake: typeof fetch = (input, init) => fetch(String(input).replace(endpoint, admin.url), init);
    const r = await hubdial(['calls', 'list', '--status', 'scheduled', '--endpoint', endpoint], { env: AWS_KEYS, fetch: toFake });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = admin.last();
    expect(got.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(got.headers['x-amz-security-token']).toBe(AWS_KEYS.AWS_SESSION_TOKEN);
    const headers = { ...(got.headers as Record<string, string>), host: new URL(endpoint).host };
    const { signature } = expectedSignature(
      { method: 'GET', url: new URL(`${endpoint}/admin/calls?status=scheduled`), headers, body: '' },
      AWS_KEYS.AWS_SECRET_ACCESS_KEY,
      'eu-west-1',
    );
    expect(got.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/execute-api/aws4_request, SignedHeaders=.*host.*, Signature=${signature}$`,
      ),
    );
  });

  it('does not sign for a loopback endpoint, or with --no-sign', async () => {
    await hubdial(['agents', 'list'], { env: AWS_KEYS });
    expect(admin.last().headers.authorization).toBeUndefined();
    expect(admin.last().headers['x-amz-date']).toBeUndefined();

    const endpoint = 'https://admin.example.com';
    const toFake: typeof fetch = (input, init) => fetch(String(input).replace(endpoint, admin.url), init);
    expect((await hubdial(['agents', 'list', '--no-sign', '--endpoint', endpoint], { env: AWS_KEYS, fetch: toFake })).code).toBe(0);
    expect(admin.last().headers.authorization).toBeUndefined();
  });

  it('needs a region for a custom domain, from --region or AWS_REGION', async () => {
    const endpoint = 'https://admin.example.com';
    const toFake: typeof fetch = (input, init) => fetch(String(input).replace(endpoint, admin.url), init);
    const noRegion = await hubdial(['agents', 'list', '--endpoint', endpoint], { env: AWS_KEYS, fetch: toFake });
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr).toContain('needs an AWS region: pass --region or set AWS_REGION');
    expect(admin.requests).toHaveLength(0);

    expect(
      (await hubdial(['agents', 'list', '--endpoint', endpoint, '--region', 'us-west-2'], { env: AWS_KEYS, fetch: toFake })).code,
    ).toBe(0);
    expect(admin.last().headers.authorization).toContain('/us-west-2/execute-api/aws4_request');
  });

  it('resolves the region: --region, then the execute-api host, then AWS_REGION', () => {
    const apiHost = new URL('https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod');
    expect(resolveRegion(apiHost, 'us-east-1', { AWS_REGION: 'eu-central-1' })).toBe('us-east-1');
    expect(resolveRegion(apiHost, undefined, { AWS_REGION: 'eu-central-1' })).toBe('ap-southeast-2');
    expect(resolveRegion(new URL('https://admin.example.com'), undefined, { AWS_REGION: 'eu-central-1' })).toBe('eu-central-1');
    expect(resolveRegion(new URL('https://admin.example.com'), undefined, {})).toBeUndefined();
  });
});

describe('the hubdial launcher', () => {
  const execFileAsync = promisify(execFile);
  const launcher = join(__dirname, '../../cli/hubdial.mjs');

  it('runs the TypeScript CLI through tsx and passes the exit code on', async () => {
    const ok = await execFileAsync(process.execPath, [
      launcher,
      'webhook-url',
      '--agent',
      'agt_1',
      '--key',
      'hd_1',
      '--base',
      'https://hooks.example.com',
    ]);
    expect(ok.stdout).toBe('https://hooks.example.com/call/crm-webhook?agent_id=agt_1&type=hubspot&x_api_key=hd_1\n');

    const failed = await execFileAsync(process.execPath, [launcher, 'calls', 'show', 'call_missing', '--endpoint', admin.url]).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 1, stderr: 'error: call call_missing was not found [HTTP 404 call_not_found]\n' });
  });
});
