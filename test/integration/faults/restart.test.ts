// `npm start` killed with SIGKILL while deliveries are in flight, then started again on the
// same data folder, with HubSpot redelivering what was not answered 2xx (and everything
// once more). Afterwards every contact has exactly one call record, nobody is dialled
// twice, and every delivery answered 2xx before the kill still has all its calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCallId } from '../../../functions/core/call-id';
import { startFauxqs, type LocalSqs } from '../../../local/fauxqs';
import { makeContacts, startFakeHubSpot, type FakeHubSpot } from '../../fakes/fake-hubspot';
import { defaultFakeVoiceReply, startFakeVoice, type FakeVoice, type FakeVoiceRequest } from '../../fakes/fake-voice';
import { freePorts, startChildStack, type ChildStack, type ChildStackOptions } from '../../support/child-stack';
import { creationEvents, HUBSPOT_TOKEN, waitFor } from '../../support/local-stack';

const BATCH_READ = '/crm/v3/objects/contacts/batch/read';
/** Longer than any wait below: a request the back end "hangs" on stays open until the kill. */
const HANG_MS = 60_000;

type Answer = { status: number; body: any } | { error: string };
type Delivery = { name: string; ids: string[]; events: Record<string, unknown>[] };

/** One hubdial process at a time on one data folder, driven over HTTP like an operator and HubSpot would. */
class Operator {
  child: ChildStack | undefined;
  key = '';
  agentId = '';

  constructor(
    readonly options: ChildStackOptions,
    readonly hubspot: FakeHubSpot,
    readonly voice: FakeVoice,
  ) {}

  async start(): Promise<void> {
    this.child = await startChildStack(this.options);
  }

  private get running(): ChildStack {
    if (!this.child) throw new Error('hubdial is not running');
    return this.child;
  }

  async admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.running.adminUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async setup(): Promise<void> {
    this.key = (await this.admin('POST', '/admin/api-keys', { name: 'hubspot' })).body.key;
    const agent = await this.admin('POST', '/admin/agents', {
      name: 'Sales',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [{ name: 'firstname', source: 'hubspot', field: 'firstname' }],
      // The longest timeout: a back end that hangs keeps its dial job in flight until the kill.
      voice: { provider: 'http', url: `${this.voice.url}/calls`, secret: this.voice.secret, timeoutMs: 15_000 },
    });
    if (agent.status !== 201) throw new Error(`agent not created: ${JSON.stringify(agent.body)}`);
    this.agentId = agent.body.id;
    const connected = await this.admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN });
    if (connected.status !== 200) throw new Error(`not connected: ${JSON.stringify(connected.body)}`);
  }

  /** HubSpot's POST; a connection that dies with the process is an answer that never came. */
  async deliver(delivery: Delivery): Promise<Answer> {
    const q = new URLSearchParams({ agent_id: this.agentId, type: 'hubspot', x_api_key: this.key });
    try {
      const res = await fetch(`${this.running.publicUrl}/call/crm-webhook?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(delivery.events),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (err) {
      return { error: String((err as { cause?: { code?: string } }).cause?.code ?? err) };
    }
  }

  callIdOf(contactId: string): string {
    return deriveCallId(this.agentId, this.hubspot.portalId, contactId);
  }

  async calls(query = ''): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: any } = await this.admin(
        'GET',
        `/admin/calls?agent_id=${this.agentId}&limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  requestsFor(contactId: string): FakeVoiceRequest[] {
    const callId = this.callIdOf(contactId);
    return this.voice.requests.filter((r) => r.body?.callId === callId);
  }

  /**
   * The end of the story every contact must reach: dialled exactly once, then settled by
   * the back end's callback, with one call record per contact in a stated status.
   */
  async expectEachContactCalledOnce(contactIds: string[]): Promise<void> {
    await waitFor(
      async () => (contactIds.every((id) => this.requestsFor(id).length > 0) ? true : undefined),
      `every one of ${contactIds.length} contacts to be dialled`,
      30_000,
    ).catch(async (err) => {
      throw new Error(`${(err as Error).message}\n${await this.diagnose(contactIds)}`);
    });
    for (let i = 0; i < contactIds.length; i += 20) {
      const answers = await Promise.all(
        contactIds.slice(i, i + 20).map(async (id) => {
          const res = await this.voice.sendOutcome(this.requestsFor(id)[0] as FakeVoiceRequest, 'completed', 30);
          await res.body?.cancel();
          return [id, res.status];
        }),
      );
      expect(answers.filter(([, status]) => status !== 200)).toEqual([]);
    }
    const calls = await this.calls();
    expect(calls.filter((c) => c.status !== 'completed').map((c) => `${c.contactId}:${c.status}:${c.reason}`)).toEqual([]);
    expect(calls.map((c) => c.contactId).sort()).toEqual([...contactIds].sort());
    const dialledTwice = contactIds.filter((id) => this.requestsFor(id).length !== 1);
    expect(dialledTwice).toEqual([]);
  }

  /**
   * What a failed wait saw, so a red run says where the contacts got stuck: the call
   * records of those not dialled (status, reason, attempts), what the voice back end
   * received, what the SQS API was asked (when a proxy watches it), and hubdial's output.
   */
  async diagnose(contactIds: string[]): Promise<string> {
    const missing = new Set(contactIds.filter((id) => this.requestsFor(id).length === 0));
    const mine = this.voice.requests.filter((r) => contactIds.some((id) => r.body?.callId === this.callIdOf(id)));
    const records = (await this.calls().catch(() => [])).filter((c) => missing.has(c.contactId));
    const lines = records.map((c) => `  ${c.contactId} ${c.status}: ${c.reason}; attempts ${JSON.stringify(c.attempts)}`);
    return [
      `at the deadline ${missing.size} of ${contactIds.length} contacts had not reached the voice back end: ${[...missing].slice(0, 20).join(', ')}`,
      `${records.length} of them have a call record:`,
      ...lines.slice(0, 20),
      `voice back end: ${this.voice.requests.length} requests in all, ${mine.length} for these contacts (counted before the call records were read)`,
      ...(this.watch ? [`SQS API calls seen: ${this.watch()}`] : []),
      '--- hubdial warnings and errors ---',
      ...(this.child?.output() ?? '')
        .split('\n')
        .filter((line) => !line.startsWith('{"level":"INFO"'))
        .slice(-40),
      '--- hubdial output (tail) ---',
      this.child?.output().slice(-3000) ?? '(not running)',
    ].join('\n');
  }

  /** Set by a test that watches the SQS API through a proxy. */
  watch: (() => string) | undefined;

  async stop(): Promise<void> {
    await this.child?.stop();
  }
}

function deliveryOf(
  name: string,
  contacts: [string, Record<string, string | null>][],
  hubspot: FakeHubSpot,
  firstEventId: number,
): Delivery {
  for (const [id, props] of contacts) hubspot.contacts.set(id, props);
  const ids = contacts.map(([id]) => id);
  return { name, ids, events: creationEvents(ids, hubspot.portalId, firstEventId) };
}

const is2xx = (a: Answer | undefined): a is { status: number; body: any } =>
  a !== undefined && 'status' in a && a.status >= 200 && a.status < 300;
const batchReads = (hubspot: FakeHubSpot) => hubspot.requests.filter((r) => r.path.startsWith(BATCH_READ)).length;

describe('npm start killed mid-delivery and restarted on the same data folder', () => {
  let hubspot: FakeHubSpot;
  let voice: FakeVoice;
  const dataDirs: string[] = [];
  const operators: Operator[] = [];

  beforeAll(async () => {
    hubspot = await startFakeHubSpot({ token: HUBSPOT_TOKEN });
    voice = await startFakeVoice({ secret: 'voice-secret-0123456789' });
  });
  afterAll(async () => {
    for (const op of operators) await op.stop();
    await voice?.stop();
    await hubspot?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  async function newOperator(env: Record<string, string> = {}): Promise<Operator> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hubdial-restart-'));
    dataDirs.push(dataDir);
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    // INFO: a failure message then carries every dial decision of the child.
    const op = new Operator({ dataDir, port, adminPort, hubspotBaseUrl: hubspot.url, env, logLevel: 'INFO' }, hubspot, voice);
    operators.push(op);
    return op;
  }

  it('keeps every 2xx delivery, loses no contact and dials none twice across a SIGKILL (the default SQLite stack)', async () => {
    const op = await newOperator();
    await op.start();
    await op.setup();
    const contacts = makeContacts(181, 30_001);
    const slice = (from: number, to: number) => contacts.slice(from, to);
    const answers = new Map<Delivery, Answer>();

    // Before the kill, answered 2xx: three deliveries, dialled at once.
    const early = [
      deliveryOf('D1', slice(0, 50), hubspot, 1),
      deliveryOf('D2', slice(50, 100), hubspot, 101),
      deliveryOf('D3', slice(100, 130), hubspot, 201),
    ];
    for (const [d, a] of await Promise.all(early.map(async (d) => [d, await op.deliver(d)] as const))) answers.set(d, a);
    expect(early.map((d) => (answers.get(d) as any).status)).toEqual([200, 200, 200]);
    await waitFor(
      async () => ((await op.calls()).every((c) => c.attempts[0]?.providerCallId) ? true : undefined),
      'the early calls to be placed',
    );

    // Then the back end hangs: the next dial job stays in flight, and the jobs behind it
    // wait in the queue (the poller handles one batch at a time).
    voice.reply = (req) => ({ status: 200, body: { providerCallId: `prov_hung_${req.body?.callId}` }, delayMs: HANG_MS });
    const ringing = deliveryOf('D4', slice(130, 131), hubspot, 301);
    answers.set(ringing, await op.deliver(ringing));
    await voice.waitForRequest((r) => r.body?.callId === op.callIdOf(ringing.ids[0] as string));
    const queued = deliveryOf('D5', slice(131, 161), hubspot, 401);
    answers.set(queued, await op.deliver(queued));
    expect([answers.get(ringing), answers.get(queued)].map((a) => (a as any).status)).toEqual([200, 200]);

    // And HubSpot is slow: these deliveries are still reading contacts when the process dies.
    hubspot.delayMs = 2500;
    const readsBefore = batchReads(hubspot);
    // D6 shares contacts with D1, D7 with D5 (queued) and D6 (in flight too).
    const inFlight = [
      deliveryOf('D6', [...slice(161, 181), ...slice(0, 10)], hubspot, 501),
      deliveryOf('D7', slice(150, 171), hubspot, 601),
    ];
    const pending = inFlight.map((d) => op.deliver(d).then((a) => answers.set(d, a)));
    await waitFor(
      async () => (batchReads(hubspot) >= readsBefore + inFlight.length ? true : undefined),
      'the in-flight deliveries to reach HubSpot',
    );
    await op.child?.kill();
    await Promise.all(pending);
    expect(inFlight.map((d) => is2xx(answers.get(d)))).toEqual([false, false]);

    hubspot.delayMs = 0;
    voice.reply = (req) => defaultFakeVoiceReply(req, voice.requests.length);
    await op.start();

    // Every 2xx answered before the kill is still true: all the calls it accepted are stored.
    const stored = new Map((await op.calls()).map((c) => [c.contactId, c]));
    for (const [delivery, answer] of answers) {
      if (!is2xx(answer)) continue;
      for (const call of answer.body.calls)
        expect([delivery.name, call.objectId, stored.get(call.objectId)?.id]).toEqual([delivery.name, call.objectId, call.callId]);
    }

    // The dial jobs that were waiting in the queue survived the kill with the data folder:
    // they are dialled before HubSpot redelivers anything.
    await waitFor(
      async () => (queued.ids.every((id) => op.requestsFor(id).length > 0) ? true : undefined),
      'the queued dial jobs to survive the restart',
      20_000,
    );

    // HubSpot redelivers what was not answered 2xx, and (its retries overlapping) everything once more.
    const all = [...answers.keys()];
    const again = [...all.filter((d) => !is2xx(answers.get(d))), ...all];
    const replies = await Promise.all(again.map((d) => op.deliver(d)));
    expect(replies.filter((a) => !is2xx(a))).toEqual([]);

    const everyone = [...new Set(all.flatMap((d) => d.ids))];
    expect(everyone.length).toBe(contacts.length);
    await op.expectEachContactCalledOnce(everyone);
  }, 90_000);

  it('hands off again, after a restart, the calls stored just before the kill whose dial jobs never reached the queue', async () => {
    const sqs = await startFauxqs();
    const proxy = await startSendHoldingProxy(sqs);
    try {
      const op = await newOperator({ SQS_ENDPOINT: proxy.url });
      op.watch = () => proxy.describe();
      await op.start();
      await op.setup();
      const delivery = deliveryOf('D1', makeContacts(40, 40_001), hubspot, 1);

      // Sends hang: the calls are written, their hand-off never completes. (Intake stores
      // every call of a delivery before it hands any off, in SendMessageBatch requests.)
      proxy.holdSends = true;
      const answer = op.deliver(delivery);
      await waitFor(async () => (proxy.held >= 1 ? true : undefined), 'the delivery to store calls and block on their hand-off');
      await op.child?.kill();
      expect(is2xx(await answer)).toBe(false);
      proxy.release();
      // The killed process's last long poll is still open in the queue, which does not see
      // its caller go (SQS neither): messages sent now could be handed to it and stay
      // hidden for the visibility timeout. That delay is SQS's rule, not this test's case.
      await proxy.idle();

      await op.start();
      // Stored, never handed off: waiting for a first attempt that nothing will start.
      const storedBeforeKill = await op.calls();
      expect(storedBeforeKill.length).toBeGreaterThanOrEqual(20);
      expect(storedBeforeKill.filter((c) => c.status !== 'scheduled' || c.attempts[0]?.startedAt)).toEqual([]);
      const redelivered = await op.deliver(delivery);
      expect(redelivered).toMatchObject({ status: 200, body: { rejected: [] } });
      if (is2xx(redelivered)) expect(redelivered.body.duplicates).toBe(storedBeforeKill.length);
      await op.expectEachContactCalledOnce(delivery.ids);
    } finally {
      proxy.release();
      await proxy.stop();
      await sqs.stop();
    }
  }, 60_000);
});

/** How many messages a ReceiveMessage reply carries (0 for one that is not JSON). */
function messagesIn(reply: string): number {
  try {
    return JSON.parse(reply || '{}').Messages?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * An HTTP proxy in front of the SQS API that, while `holdSends` is set, accepts SendMessage
 * and SendMessageBatch calls and never answers them (a hand-off in progress when the process
 * dies). Everything else passes through, and it counts what it saw.
 */
async function startSendHoldingProxy(upstream: LocalSqs) {
  const target = new URL(upstream.endpoint);
  const held = new Set<ServerResponse>();
  const state = { holdSends: false };
  const seen = new Map<string, number>();
  /** Requests passed on to the queue and not answered by it yet. */
  let forwarding = 0;
  let lostReceives = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = req.headers['x-amz-target'];
      const name = `${String(action).replace('AmazonSQS.', '')}${state.holdSends ? ' (held)' : ''}`;
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (state.holdSends && (action === 'AmazonSQS.SendMessage' || action === 'AmazonSQS.SendMessageBatch')) {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      forwarding += 1;
      let gone = false;
      res.on('close', () => {
        gone = !res.writableFinished;
      });
      let answered = false;
      const settle = () => {
        if (answered) return;
        answered = true;
        forwarding -= 1;
      };
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('error', () => {
            settle();
            res.destroy();
          });
          up.on('end', () => {
            settle();
            if (gone) {
              // Its caller was killed: what the queue handed out here reached nobody.
              if (action === 'AmazonSQS.ReceiveMessage') lostReceives += messagesIn(Buffer.concat(body).toString());
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', () => {
        settle();
        res.destroy();
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get held() {
      return held.size;
    },
    get holdSends() {
      return state.holdSends;
    },
    set holdSends(value: boolean) {
      state.holdSends = value;
    },
    describe: () =>
      [...[...seen].map(([name, n]) => `${name} x${n}`), `messages received for a caller that had gone: ${lostReceives}`].join(', '),
    /** Resolves once every request passed on to the queue has had its answer (a long poll ends within its wait). */
    idle: () => waitFor(async () => (forwarding === 0 ? true : undefined), 'the queue to answer every request passed on to it'),
    /** Stops holding and drops what was held (its sender is gone). */
    release() {
      state.holdSends = false;
      for (const res of held) res.destroy();
      held.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
