// hubdial: the operator CLI for the admin API. `run` is the whole program, so tests
// drive it in-process; the file runs itself when it is the entry (`npm run hubdial`).
import { Command, CommanderError } from 'commander';
import { AdminApiError, AdminUnreachableError } from './admin-client';
import { registerAgents } from './commands/agents';
import { registerApiKeys } from './commands/api-keys';
import { registerBackfill } from './commands/backfill';
import { registerCalls } from './commands/calls';
import { registerDoNotCall } from './commands/dnc';
import { registerConsole } from './commands/console';
import { registerHubSpot } from './commands/hubspot';
import { registerWebhookUrl } from './commands/webhook-url';
import { DEFAULT_ENDPOINT, UsageError, type CliIo } from './context';

export type { CliIo } from './context';

export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has already printed its own usage errors (and help, with exit code 0).
    if (err instanceof CommanderError) return err.exitCode;
    io.stderr(`${describeError(err)}\n`);
    return 1;
  }
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('hubdial')
    .description('Operate hubdial: API keys, agents, the HubSpot connection and the call history.')
    .option('--endpoint <url>', `admin API base URL (default: $HUBDIAL_ADMIN_URL or ${DEFAULT_ENDPOINT}, the local stack's admin listener)`)
    .option('--json', 'print the raw JSON reply instead of tables')
    .option('--region <region>', 'AWS region for signing (default: from an execute-api endpoint host, else $AWS_REGION)')
    .option('--profile <profile>', 'AWS profile for signing (default: $AWS_PROFILE or the default credential chain)')
    .option('--sign', 'sign requests with SigV4 (default when the endpoint is not loopback)')
    .option('--no-sign', 'do not sign requests (default for a loopback endpoint)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)');
  // Subcommands copy the settings above (output, exit override) when they are created.
  registerApiKeys(program, io);
  registerAgents(program, io);
  registerHubSpot(program, io);
  registerCalls(program, io);
  registerWebhookUrl(program, io);
  registerBackfill(program, io);
  registerDoNotCall(program, io);
  registerConsole(program, io);
  return program;
}

function describeError(err: unknown): string {
  if (err instanceof AdminApiError) {
    const lines = [`error: ${err.message}${err.parameter ? ` (parameter: ${err.parameter})` : ''} [HTTP ${err.status} ${err.code}]`];
    const scopes = err.body?.requiredScopes;
    if (Array.isArray(scopes) && scopes.length > 0) lines.push(`HubSpot scopes the app needs: ${scopes.join(', ')}`);
    if (err.status === 403 && err.code === 'http_403') {
      lines.push(
        'The endpoint refused the request: check the AWS credentials and --region used for signing, and that they may call the admin API.',
      );
    }
    return lines.join('\n');
  }
  if (err instanceof AdminUnreachableError) {
    const local = /^https?:\/\/(127\.|localhost|\[::1\])/.test(err.endpoint);
    return `error: ${err.message}${local ? '\nIs the local stack running (npm start)? Or pass --endpoint.' : ''}`;
  }
  if (err instanceof UsageError) return `error: ${err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  // Credential-chain failures surface here when signing is on.
  if (err instanceof Error && err.name === 'CredentialsProviderError') {
    return `error: no AWS credentials to sign the admin request: ${message}\nSet AWS_PROFILE (or run aws sso login), or pass --no-sign for an endpoint that takes no IAM signature.`;
  }
  return `error: ${message}`;
}

function processIo(): CliIo {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: process.env,
  };
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
