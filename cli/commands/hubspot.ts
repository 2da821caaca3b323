// hubdial hubspot connect | status
import type { Command } from 'commander';
import type { HubSpotConnection } from '../admin-client';
import { cliFor, UsageError, type Cli, type CliIo } from '../context';
import { formatTime, keyValues } from '../format';

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
