// hubdial api-keys create
import type { Command } from 'commander';
import { cliFor, type CliIo } from '../context';
import { keyValues } from '../format';

export function registerApiKeys(program: Command, io: CliIo): void {
  const keys = program.command('api-keys').description('API keys that HubSpot presents in the webhook URL (x_api_key)');

  keys
    .command('create')
    .description('create an API key; the key is printed once and cannot be shown again')
    .requiredOption('--name <name>', 'what the key is for, e.g. "hubspot production"')
    .action(async (opts: { name: string }, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const created = await cli.client().createApiKey(opts.name);
      // The key is the one secret this command exists to print; it is not hidden.
      if (cli.json) cli.out(JSON.stringify(created, null, 2));
      else
        cli.out(
          `${keyValues([
            ['API key id', created.id],
            ['Name', created.name],
          ])}\n\n    ${created.key}\n`,
        );
      cli.note(
        'Store this key now: it will not be shown again (only its hash is kept). Build the webhook URL with: hubdial webhook-url --agent <agent id> --key <key>',
      );
    });
}
