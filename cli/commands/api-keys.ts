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

  keys
    .command('list')
    .description('list API keys (names and ids; the keys themselves are never shown again)')
    .action(async (_opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const items = await cli.client().listApiKeys();
      if (cli.json) cli.out(JSON.stringify(items, null, 2));
      else if (items.length === 0) cli.out('No API keys.');
      else for (const k of items) cli.out(`${k.id}  ${k.createdAt}  ${k.name}`);
    });

  keys
    .command('revoke')
    .description('revoke an API key: webhooks presenting it are refused from now on')
    .argument('<id>', 'the API key id (key_...)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      await cli.client().revokeApiKey(id);
      cli.note(`API key ${id} revoked.`);
    });
}
