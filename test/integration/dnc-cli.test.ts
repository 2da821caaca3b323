// hubdial dnc add | list | remove | import, against the embedded stack's real admin API.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main';
import { startTestStack, type TestStack } from '../support/local-stack';

describe('hubdial dnc', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t.stop());

  async function hubdial(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(args, {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      env: { HUBDIAL_ADMIN_URL: t.stack.adminUrl },
    });
    return { code, stdout, stderr };
  }

  it('adds, imports a CSV, lists and removes numbers', async () => {
    const added = await hubdial(['dnc', 'add', '+14155550101', '+1 415 555 0102', 'nope', '--reason', 'asked']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added 2 number(s)');
    expect(added.stderr).toMatch(/not added: nope: /);

    const dir = mkdtempSync(join(tmpdir(), 'hubdial-dnc-'));
    const csv = join(dir, 'list.csv');
    writeFileSync(csv, 'name,phone\nAda,+14155550103\nGrace,"+1 (415) 555-0104"\nDup,+14155550101\n');
    const imported = await hubdial(['dnc', 'import', csv]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Added 2 number(s) to the do-not-call list (1 already listed)');

    const listed = await hubdial(['--json', 'dnc', 'list']);
    expect(JSON.parse(listed.stdout).items.map((e: any) => e.number)).toEqual([
      '+14155550101',
      '+14155550102',
      '+14155550103',
      '+14155550104',
    ]);
    const paged = await hubdial(['dnc', 'list', '--limit', '3']);
    expect(paged.stderr).toMatch(/More: hubdial dnc list --cursor /);

    expect((await hubdial(['dnc', 'remove', '+14155550102'])).code).toBe(0);
    const missing = await hubdial(['dnc', 'remove', '+14155550102']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not on the do-not-call list/);
    expect(JSON.parse((await hubdial(['--json', 'dnc', 'list'])).stdout).items).toHaveLength(3);
  });
});

describe('hubdial --call-days', () => {
  async function hubdial(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env: {} });
    return { code, stdout, stderr };
  }

  it('puts call_days in the webhook URL in its canonical spelling, and names the flag when it is wrong', async () => {
    const ok = await hubdial([
      'webhook-url',
      '--agent',
      'agt_1',
      '--key',
      'k',
      '--base',
      'https://h.example',
      '--call-days',
      'Monday-Friday',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('https://h.example/call/crm-webhook?agent_id=agt_1&type=hubspot&x_api_key=k&call_days=mon-fri\n');
    const bad = await hubdial(['webhook-url', '--agent', 'agt_1', '--key', 'k', '--call-days', 'weekdays']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--call-days must list days/);
  });
});
