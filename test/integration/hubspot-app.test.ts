// `hubdial hubspot app` writes a project that HubSpot's own parser reads, with no component skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main';
import { REQUIRED_SCOPES } from '../../cli/hubspot-app/project';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env: {} });
  return { code, stdout, stderr };
}

function parse(dir: string): any {
  const script = join(__dirname, '../support/parse-hubspot-project.mjs');
  return JSON.parse(execFileSync('node', [script, dir], { cwd: join(__dirname, '../..'), encoding: 'utf8' }));
}

const BASE = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

describe('hubdial hubspot app', () => {
  const root = mkdtempSync(join(tmpdir(), 'hubdial-app-'));

  it('writes a project HubSpot parses: the app (private, static auth, contact scopes) and the webhooks, nothing skipped', async () => {
    const out = join(root, 'project');
    const r = await cli([
      'hubspot',
      'app',
      '--agent',
      'agt_abc',
      '--key',
      'hd_secretkey',
      '--base',
      BASE,
      '--out',
      out,
      '--name',
      'Acme Calls',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const parsed = parse(out);
    expect(parsed.configError).toBeNull();
    expect(parsed.known).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'hsproject.json'), 'utf8'))).toEqual({
      name: 'Acme Calls',
      srcDir: 'src',
      platformVersion: parsed.latest,
    });
    expect(parsed.skipped).toEqual([]);
    const nodes = Object.values(parsed.nodes) as any[];
    expect(nodes.map((n) => n.componentType).sort()).toEqual(['APPLICATION', 'WEBHOOKS']);
    const app = nodes.find((n) => n.componentType === 'APPLICATION');
    expect(app.uid).toBe('acme_calls_app');
    expect(app.config).toMatchObject({
      name: 'Acme Calls',
      distribution: 'private',
      auth: { type: 'static', requiredScopes: [...REQUIRED_SCOPES] },
    });
    const hooks = nodes.find((n) => n.componentType === 'WEBHOOKS');
    expect(hooks.config.settings).toEqual({
      targetUrl: `${BASE}/call/crm-webhook?agent_id=agt_abc&type=hubspot&x_api_key=hd_secretkey`,
      maxConcurrentRequests: 10,
    });
    expect(hooks.config.subscriptions.crmObjects.map((s: any) => [s.subscriptionType, s.objectType, s.active])).toEqual([
      ['object.creation', 'contact', true],
      ['object.deletion', 'contact', true],
      ['object.merge', 'contact', true],
    ]);
    expect(hooks.config.subscriptions.hubEvents).toEqual([{ subscriptionType: 'contact.privacyDeletion', active: true }]);

    // Its own folder may be written again (a new key, a new base).
    const again = await cli(['hubspot', 'app', '--agent', 'agt_abc', '--key', 'hd_other', '--base', BASE, '--out', out]);
    expect(again.code).toBe(0);
    expect(parse(out).skipped).toEqual([]);
  });

  it('refuses to overwrite a folder it did not write, and writes nothing there', async () => {
    const out = join(root, 'someone-else');
    mkdirSync(out);
    writeFileSync(join(out, 'hsproject.json'), '{"name":"theirs"}');
    const r = await cli(['hubspot', 'app', '--agent', 'agt_abc', '--key', 'k', '--base', BASE, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was not written by `hubdial hubspot app`/);
    expect(readFileSync(join(out, 'hsproject.json'), 'utf8')).toBe('{"name":"theirs"}');
    expect(existsSync(join(out, 'src'))).toBe(false);
  });

  it('writes a non-https base with a warning; refuses a base that is not a URL', async () => {
    const out = join(root, 'local');
    const r = await cli(['hubspot', 'app', '--agent', 'agt_abc', '--key', 'k', '--base', 'http://127.0.0.1:3000', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: --base http:\/\/127\.0\.0\.1:3000 is not https/);
    const hooks = (Object.values(parse(out).nodes) as any[]).find((n) => n.componentType === 'WEBHOOKS');
    expect(hooks.config.settings.targetUrl).toMatch(/^http:\/\/127\.0\.0\.1:3000\/call\/crm-webhook\?/);
    const bad = await cli(['hubspot', 'app', '--agent', 'agt_abc', '--key', 'k', '--base', 'not a url', '--out', join(root, 'bad')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--base must be/);
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });
});
