// On a machine whose own Node is 20, the tooling runs on the pinned Node 22 (the `node`
// devDependency) without engine warnings: npm's EBADENGINE (npx installs the project into
// its cache on first use and checks its `engines` against the Node running npm) and Node's
// ExperimentalWarning (node:sqlite, type stripping). Each run starts from a fresh npm cache,
// as on a fresh clone, and offline, so nothing here reaches a registry.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const WARNINGS = /EBADENGINE|EBADDEVENGINES|ExperimentalWarning|Unsupported engine/;

/** A Node 20 outside node_modules: HUBDIAL_SYSTEM_NODE, else the usual system paths. */
function findNode20(): string | undefined {
  const candidates = [process.env.HUBDIAL_SYSTEM_NODE, '/usr/bin/node', '/usr/local/bin/node', '/opt/homebrew/bin/node'];
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ['-v'], { encoding: 'utf8' }).trim();
      if (/^v20\./.test(version) && existsSync(join(dirname(candidate), 'npx'))) return candidate;
    } catch {
      /* not runnable: try the next */
    }
  }
  return undefined;
}

const node20 = findNode20();
const scratch = mkdtempSync(join(tmpdir(), 'hubdial-quiet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Only what a shell on that machine has: the system Node first, no npm_* from a parent npm. */
function systemEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cache = mkdtempSync(join(scratch, 'npm-cache-'));
  return {
    HOME: process.env.HOME ?? scratch,
    PATH: `${dirname(node20 ?? '/usr/bin/node')}:/usr/bin:/bin`,
    npm_config_cache: cache,
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

const describeWithNode20 = node20 ? describe : describe.skip;
if (!node20) {
  console.warn('quiet-tooling test SKIPPED: no Node 20 found (/usr/bin/node, /usr/local/bin/node or HUBDIAL_SYSTEM_NODE)');
}

describeWithNode20(`tooling started from the system Node 20 (${node20})`, () => {
  it('`npx hubdial --help` prints the usage and no engine or experimental warning', () => {
    const npx = join(dirname(node20!), 'npx');
    const run = spawnSync(npx, ['hubdial', '--help'], { cwd: ROOT, env: systemEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('Usage: hubdial');
    expect(run.stderr).not.toMatch(WARNINGS);
    expect(run.status).toBe(0);
  }, 150_000);

  it('cli/hubdial.mjs run by Node 20 itself runs again under the pinned Node 22, quietly', () => {
    const run = spawnSync(node20!, [join(ROOT, 'cli', 'hubdial.mjs'), '--help'], {
      cwd: scratch,
      env: systemEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout).toContain('Usage: hubdial');
    expect(run.stderr).not.toMatch(WARNINGS);
    expect(run.status).toBe(0);
  }, 90_000);

  it('`npm start` comes up and stops on Ctrl-C without a warning on stderr', async () => {
    const npm = join(dirname(node20!), 'npm');
    const dataDir = mkdtempSync(join(scratch, 'data-'));
    const child = spawn(npm, ['start'], {
      cwd: ROOT,
      env: systemEnv({ HUBDIAL_DATA_DIR: dataDir, PORT: '0', ADMIN_PORT: '0' }),
      detached: true, // its own process group, so Ctrl-C reaches npm and the stack alike
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!stdout.includes('hubdial is running') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout).toContain('hubdial is running');
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGINT');
      await exited;
    }
    expect(stderr).not.toMatch(WARNINGS);
  }, 150_000);
});
