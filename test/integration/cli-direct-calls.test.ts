// The CLI commands for calls that do not wait for a webhook, against the real embedded
// stack: what an operator types, what reaches the voice back end, what they read back.
import { run } from '../../cli/main';
import { startTestStack, waitFor, type TestStack } from '../support/local-stack';

let t: TestStack;
let agentId: string;

beforeAll(async () => {
  t = await startTestStack();
  ({ agentId } = await t.setup());
});
afterAll(() => t.stop());

async function hubdial(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: { HUBDIAL_ADMIN_URL: t.stack.adminUrl },
  });
  return { code, stdout, stderr };
}

it('agents test-call rings the number with the variables, and calls list marks it as a test', async () => {
  const res = await hubdial(['agents', 'test-call', agentId, '--to', '+1 415 555 2671', '--var', 'firstname=Ada', '--var', 'company=A=B']);
  expect(res).toMatchObject({ code: 0 });
  const callId = /Test call (call_[0-9a-f]{26})/.exec(res.stdout)?.[1];
  expect(callId).toBeDefined();
  const request: any = await waitFor(
    async () => t.voice.requests.find((r: any) => r.body.callId === callId),
    'test call at the voice back end',
  );
  expect(request.body).toMatchObject({ to: '+14155552671', variables: { firstname: 'Ada', company: 'A=B' } });

  const list = await hubdial(['calls', 'list', '--agent', agentId]);
  const row = list.stdout.split('\n').find((line) => line.includes(callId as string));
  expect(row).toMatch(/\(test\)/);
  expect(row).toMatch(/\(test call\)/);
  const json = await hubdial(['--json', 'calls', 'list', '--agent', agentId]);
  expect(JSON.parse(json.stdout).items.find((c: any) => c.id === callId)).toMatchObject({ test: true });
  const show = await hubdial(['calls', 'show', callId as string]);
  expect(show.stdout).toMatch(/Test call:\s+yes/);
});

it('agents test-call with a bad number fails naming --to / to', async () => {
  const res = await hubdial(['agents', 'test-call', agentId, '--to', '12']);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/parameter: to/);
  const badVar = await hubdial(['agents', 'test-call', agentId, '--to', '+14155552671', '--var', 'novalue']);
  expect(badVar.code).not.toBe(0);
  expect(badVar.stderr).toMatch(/--var takes name=value/);
});

it('calls create calls one contact, and a second run names the existing call', async () => {
  t.hubspot.contacts.set('801', { firstname: 'Edsger', phone: '+14155550801' });
  const first = await hubdial(['--json', 'calls', 'create', '--agent', agentId, '--contact', '801']);
  expect(first.code).toBe(0);
  const created = JSON.parse(first.stdout);
  expect(created).toMatchObject({ callId: expect.stringMatching(/^call_/), status: 'scheduled' });
  await waitFor(async () => t.voice.requests.find((r: any) => r.body.callId === created.callId), 'the call at the voice back end');
  const second = await hubdial(['calls', 'create', '--agent', agentId, '--contact', '801']);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(created.callId);
  const missing = await hubdial(['calls', 'create', '--agent', agentId, '--contact', '424242']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/parameter: contactId/);
});

describe('hubdial backfill', () => {
  const since = '2026-08-01T00:00:00Z';
  const until = '2026-08-02T00:00:00Z';

  beforeAll(() => {
    for (let i = 0; i < 120; i++) {
      t.hubspot.contacts.set(String(900_001 + i), {
        firstname: 'Ada',
        phone: `+1415555${String(1000 + i)}`,
        createdate: new Date(Date.parse(since) + i * 60_000).toISOString(),
      });
    }
  });

  it('starts a backfill, shows progress on stderr and ends with a summary', async () => {
    const res = await hubdial(['backfill', '--agent', agentId, '--since', since, '--until', until, '--poll-ms', '100']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Backfill bf_\S+ is done/);
    expect(res.stdout).toMatch(/Found:\s+120/);
    expect(res.stdout).toMatch(/Accepted:\s+120 \(new calls\)/);
    expect(res.stdout).toMatch(/Duplicates:\s+0/);
    expect(res.stderr).toMatch(/backfill \[.*\] 120\/120 found \| 120 accepted \| 0 duplicates \| 0 rejected/);

    // Again, as JSON: nothing new.
    const again = await hubdial(['--json', 'backfill', '--agent', agentId, '--since', since, '--until', until, '--poll-ms', '100']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'done', found: 120, accepted: 0, duplicates: 120, rejected: 0 });
  }, 60_000);

  it('--detach prints the id; --id follows it', async () => {
    const started = await hubdial(['--json', 'backfill', '--agent', agentId, '--since', since, '--until', until, '--detach']);
    const { id } = JSON.parse(started.stdout);
    expect(id).toMatch(/^bf_/);
    const followed = await hubdial(['--json', 'backfill', '--id', id, '--poll-ms', '100']);
    expect(JSON.parse(followed.stdout)).toMatchObject({ id, status: 'done', duplicates: 120 });
  }, 60_000);

  it('bad input names the field; missing flags are usage errors', async () => {
    const bad = await hubdial(['backfill', '--agent', agentId, '--since', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/parameter: since/);
    const none = await hubdial(['backfill', '--since', since]);
    expect(none.stderr).toMatch(/--agent is required/);
    const unknown = await hubdial(['backfill', '--agent', 'agt_nope', '--since', since]);
    expect(unknown.stderr).toMatch(/agent_not_found/);
  });
});
