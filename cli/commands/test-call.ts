// hubdial agents test-call AGENT --to NUMBER [--var k=v]: hear an agent without HubSpot.
import type { Command } from 'commander';
import { cliFor, UsageError, type CliIo } from '../context';
import { keyValues } from '../format';

export function registerTestCall(agents: Command, io: CliIo): void {
  agents
    .command('test-call')
    .description('ring a number now with this agent (no HubSpot needed; ignores the call window and retries, never the do-not-call list)')
    .argument('<agent>', 'agent id')
    .requiredOption('--to <number>', "the number to ring: E.164 (+14155550123), or national with the agent's defaultCountry")
    .option('--var <name=value>', 'a variable for the agent (repeat for more)', collectPair, {})
    .action(async (agentId: string, opts: { to: string; var: Record<string, string> }, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const variables = opts.var;
      const created = await cli.client().testCall(agentId, { to: opts.to, ...(Object.keys(variables).length ? { variables } : {}) });
      if (cli.json) return cli.printJson(created);
      cli.out(`Test call ${created.callId} is ringing.\n`);
      cli.out(
        keyValues([
          ['Status', created.status],
          ['Reason', created.reason],
        ]),
      );
      cli.note(`\nFollow it: hubdial calls show ${created.callId}`);
    });
}

function collectPair(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new UsageError(`--var takes name=value, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
