// `npm start` as a real child process, for tests that must kill it the hard way (SIGKILL)
// and start it again on the same data folder. It runs exactly what an operator runs:
// tsx local/start.ts, configured only through the environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const READY_LINE = 'hubdial is running';
/** Enough of the tail of stdout/stderr to explain a failure without holding every log line. */
const MAX_OUTPUT_CHARS = 64 * 1024;

export interface ChildStackOptions {
  /** HUBDIAL_DATA_DIR: keep it to restart on the same data. */
  dataDir: string;
  /** PORT / ADMIN_PORT: fixed, so status-callback URLs handed out before a restart still reach it. */
  port: number;
  adminPort: number;
  hubspotBaseUrl: string;
  /** Defaults to http://127.0.0.1:PORT. */
  publicBaseUrl?: string;
  /** Extra environment, e.g. SQS_ENDPOINT. */
  env?: Record<string, string>;
  /** LOG_LEVEL of the child; its output is kept for failure messages. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  startTimeoutMs?: number;
}

export interface ChildStack {
  pid: number;
  publicUrl: string;
  adminUrl: string;
  /** The tail of what the child wrote to stdout and stderr. */
  output(): string;
  /** SIGKILL to the whole process group (tsx and the node process it runs), then waits for exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The test's own environment minus everything that configures hubdial or the AWS SDK: a
 * shell where an operator exported DYNAMODB_ENDPOINT or SQS_ENDPOINT for their own
 * `npm start` (or AWS_ENDPOINT_URL for LocalStack) must not point the child at shared
 * tables and queues that another process is working on.
 */
const HUBDIAL_SETTINGS =
  /^(DYNAMODB_ENDPOINT|SQS_ENDPOINT|PUBLIC_BASE_URL|HUBSPOT_BASE_URL|RETENTION_DAYS|PORT|ADMIN_PORT|LOG_LEVEL|HUBDIAL_.*|AWS_.*)$/;

function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !HUBDIAL_SETTINGS.test(name)));
}

const running = new Set<number>();
// A child is spawned detached (its own process group, so one signal reaches tsx and the
// node process under it): make sure a crashed or interrupted test run never leaves one behind.
process.once('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

export async function startChildStack(opts: ChildStackOptions): Promise<ChildStack> {
  const publicUrl = `http://127.0.0.1:${opts.port}`;
  const bin = join(ROOT, 'node_modules/.bin');
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(),
    // tsx's shebang is `env node`: the project's pinned Node 22 must come first on PATH.
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    PORT: String(opts.port),
    ADMIN_PORT: String(opts.adminPort),
    HUBDIAL_DATA_DIR: opts.dataDir,
    HUBSPOT_BASE_URL: opts.hubspotBaseUrl,
    PUBLIC_BASE_URL: opts.publicBaseUrl ?? publicUrl,
    LOG_LEVEL: opts.logLevel ?? 'WARN',
    ...opts.env,
  };
  // Under jest the logger would otherwise go silent in the child too.
  delete env.JEST_WORKER_ID;

  const child = spawn(join(bin, 'tsx'), ['local/start.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn tsx local/start.ts');
  running.add(pid);

  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => running.delete(pid));

  try {
    await waitForReady(child, () => output, opts.startTimeoutMs ?? 30_000);
  } catch (err) {
    killGroup(pid, 'SIGKILL');
    await exited;
    throw err;
  }

  return {
    pid,
    publicUrl,
    adminUrl: `http://127.0.0.1:${opts.adminPort}`,
    output: () => output,
    async kill() {
      killGroup(pid, 'SIGKILL');
      await exited;
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // tsx may exit before the node process it started: make sure nothing is left.
      killGroup(pid, 'SIGKILL');
    },
  };
}

function waitForReady(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const check = () => {
      if (!output().includes(READY_LINE)) return;
      cleanup();
      resolveReady();
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`hubdial exited before it was ready (code ${code}, signal ${signal}):\n${output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`hubdial did not print "${READY_LINE}" within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Ports free right now on 127.0.0.1 (the OS picks them; they are released before returning). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((done, fail) => {
          const server = createServer();
          server.once('error', fail);
          server.listen(0, '127.0.0.1', () => done(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  return ports;
}
