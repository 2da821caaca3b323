// What every command needs: output streams, the environment, the global options and an
// admin client built from them. Commands get it from `cliFor(cmd, io)` in their action.
import type { Command } from 'commander';
import { AdminClient } from './admin-client';
import { createSigV4Signer, isLoopback, type RequestSigner, resolveCredentials, resolveRegion } from './sigv4';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  /** All of standard input, for `--token -` and `--from-file -`. */
  stdin?: () => Promise<string>;
  /** The HTTP client; tests pass one that routes to a stand-in server. */
  fetch?: typeof fetch;
}

export interface GlobalOptions {
  endpoint?: string;
  json?: boolean;
  region?: string;
  profile?: string;
  /** true: --sign, false: --no-sign, undefined: sign unless the endpoint is loopback. */
  sign?: boolean;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3001';

/** A mistake in how the CLI was called, found before any request. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Cli {
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Writes a line (or block) to standard output. */
  out(text: string): void;
  /** Writes a line to standard error: warnings and hints that must not pollute --json output. */
  note(text: string): void;
  /** Pretty JSON on standard output, with any secret-looking field hidden. */
  printJson(value: unknown): void;
  readStdin(): Promise<string>;
  client(): AdminClient;
}

export function cliFor(cmd: Command, io: CliIo): Cli {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const env = io.env ?? process.env;
  let client: AdminClient | undefined;
  return {
    json: Boolean(opts.json),
    env,
    out: (text) => io.stdout(`${text}\n`),
    note: (text) => io.stderr(`${text}\n`),
    printJson: (value) => io.stdout(`${JSON.stringify(hideSecrets(value), null, 2)}\n`),
    readStdin: io.stdin ?? readProcessStdin,
    client: () => (client ??= buildClient(opts, env, io.fetch)),
  };
}

export function endpointOf(opts: GlobalOptions, env: NodeJS.ProcessEnv): URL {
  const raw = opts.endpoint || env.HUBDIAL_ADMIN_URL || DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--endpoint must be a URL such as ${DEFAULT_ENDPOINT} or https://abc123.execute-api.eu-west-1.amazonaws.com, got "${raw}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be an http or https URL, got "${raw}"`);
  if (url.search || url.username || url.password) throw new UsageError('--endpoint must not carry a query string or credentials');
  return url;
}

function buildClient(opts: GlobalOptions, env: NodeJS.ProcessEnv, fetchFn?: typeof fetch): AdminClient {
  const { endpoint, sign } = signingFor(opts, env);
  return new AdminClient({ endpoint, sign, fetch: fetchFn });
}

/** The admin endpoint and, unless it is an unsigned (loopback) one, the SigV4 signer for it. */
export function signingFor(opts: GlobalOptions, env: NodeJS.ProcessEnv): { endpoint: string; sign?: RequestSigner } {
  const url = endpointOf(opts, env);
  const endpoint = url.href.replace(/\/+$/, '');
  if (!(opts.sign ?? !isLoopback(url))) return { endpoint };
  const region = resolveRegion(url, opts.region, env);
  if (!region) {
    throw new UsageError(
      `signing requests to ${url.host} needs an AWS region: pass --region or set AWS_REGION (use --no-sign for an endpoint that takes no IAM signature)`,
    );
  }
  return { endpoint, sign: createSigV4Signer({ region, credentials: resolveCredentials(env, opts.profile || env.AWS_PROFILE) }) };
}

const SECRET_KEYS = new Set(['accesstoken', 'clientsecret', 'secret', 'token', 'password']);

/** Defence in depth: the admin API never returns these, and the CLI never prints them. */
export function hideSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        SECRET_KEYS.has(key.toLowerCase()) && typeof v === 'string' ? '(hidden)' : hideSecrets(v),
      ]),
    );
  }
  return value;
}

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Reading from standard input: paste the value, then press Enter and Ctrl-D.\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
