// hubdial hubspot connect | status
import type { Command } from 'commander';
import type { HubSpotConnection } from '../admin-client';
import { cliFor, UsageError, type Cli, type CliIo } from '../context';
import { formatTime, keyValues } from '../format';
import { buildAppProject, PLATFORM_VERSION } from '../hubspot-app/project';
import { FolderNotOursError, writeAppProject } from '../hubspot-app/write';

export function registerHubSpot(program: Command, io: CliIo): void {
  const hubspot = program.command('hubspot').description('the HubSpot private app connection');

  hubspot
    .command('connect')
    .description('store the private app access token (checked against HubSpot first)')
    .option('--token <token>', 'access token from the app\'s Auth tab; "-" reads standard input; default: $HUBSPOT_ACCESS_TOKEN')
    .option(
      '--client-secret <secret>',
      'app client secret, to verify HubSpot\'s webhook signatures; "-" reads standard input; default: $HUBSPOT_CLIENT_SECRET',
    )
    .action(async (opts: { token?: string; clientSecret?: string }, cmd: Command) => {
      const cli = cliFor(cmd, io);
      if (opts.token === '-' && opts.clientSecret === '-')
        throw new UsageError('--token - and --client-secret - cannot both read standard input');
      const accessToken = (await secretFrom(cli, opts.token, 'HUBSPOT_ACCESS_TOKEN')) ?? '';
      if (!accessToken) {
        throw new UsageError(
          'a HubSpot access token is required: pipe it to --token - or set HUBSPOT_ACCESS_TOKEN (so it stays out of shell history)',
        );
      }
      const clientSecret = await secretFrom(cli, opts.clientSecret, 'HUBSPOT_CLIENT_SECRET');
      const connection = await cli.client().connectHubSpot({ accessToken, ...(clientSecret ? { clientSecret } : {}) });
      if (cli.json) return cli.printJson(connection);
      cli.out(`Connected to HubSpot portal ${connection.portalId}.\n`);
      cli.out(describeConnection(connection));
      if (connection.signatureVerification === false) {
        cli.note("\nWebhook signatures are not verified: add --client-secret (the app's client secret) to have hubdial check them.");
      }
    });

  hubspot
    .command('app')
    .description('write a HubSpot developer-platform project (private app, static auth, webhooks) for this service')
    .requiredOption('--agent <id>', 'agent the webhooks call for')
    .requiredOption('--key <key>', 'API key for the webhook URL ("-" reads standard input)')
    .requiredOption('--base <url>', "the service's public https URL (API Gateway endpoint or your tunnel)")
    .option('--out <dir>', 'folder to write the project to', 'hubdial-hubspot-app')
    .option('--name <name>', 'app name shown in HubSpot', 'hubdial')
    .action(async (opts: { agent: string; key: string; base: string; out: string; name: string }, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const key = opts.key === '-' ? ((await cli.readStdin()) ?? '').trim() : opts.key;
      let project: ReturnType<typeof buildAppProject>;
      let files: string[];
      try {
        project = buildAppProject({ agentId: opts.agent, apiKey: key, baseUrl: opts.base, name: opts.name });
        files = writeAppProject(opts.out, project);
      } catch (err) {
        if (err instanceof RangeError || err instanceof FolderNotOursError) throw new UsageError(err.message);
        throw err;
      }
      for (const warning of project.warnings) cli.note(`warning: ${warning}`);
      if (cli.json) return cli.printJson({ out: opts.out, files, platformVersion: PLATFORM_VERSION });
      cli.out(`Wrote a HubSpot project (platform ${PLATFORM_VERSION}) to ${opts.out}.\n`);
      cli.out(`Next: cd ${opts.out} && npx @hubspot/cli project upload, install the app in your account,\n`);
      cli.out('then copy its static access token and client secret into `hubdial hubspot connect`.\n');
    });

  hubspot
    .command('status')
    .description('show the stored connection (never the token)')
    .action(async (_opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const connection = await cli.client().getHubSpotConnection();
      if (cli.json) return cli.printJson(connection);
      cli.out(describeConnection(connection));
    });
}

async function secretFrom(cli: Cli, flag: string | undefined, envName: string): Promise<string | undefined> {
  const value = flag === '-' ? await cli.readStdin() : (flag ?? cli.env[envName]);
  return value?.trim() || undefined;
}

function describeConnection(c: HubSpotConnection): string {
  return keyValues([
    ['Portal', c.portalId],
    ['Status', c.status],
    ['Time zone', c.timeZone],
    ['Signature verification', c.signatureVerification === undefined ? undefined : c.signatureVerification ? 'on' : 'off'],
    ['Connected', formatTime(c.connectedAt)],
  ]);
}
