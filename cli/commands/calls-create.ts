// hubdial calls create --agent ID --contact ID: one HubSpot contact, through the webhook's intake.
import type { Command } from 'commander';
import { cliFor, type CliIo } from '../context';
import { keyValues } from '../format';

export function registerCreateCall(calls: Command, io: CliIo): void {
  calls
    .command('create')
    .description("call one HubSpot contact by hand, with the agent's defaults (a contact that already has a call keeps it)")
    .requiredOption('--agent <id>', 'agent id')
    .requiredOption('--contact <id>', 'HubSpot contact record id')
    .action(async (opts: { agent: string; contact: string }, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const created = await cli.client().createCall({ agentId: opts.agent, contactId: opts.contact });
      if (cli.json) return cli.printJson(created);
      cli.out(
        keyValues([
          ['Call', created.callId],
          ['Status', created.status],
          ['Reason', created.reason],
        ]),
      );
    });
}
