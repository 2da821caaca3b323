// hubdial webhook-url — the URL to paste into HubSpot (app Webhooks tab or a workflow's
// "Send a webhook" action). Built locally: no server call.
import type { Command } from 'commander';
import { callDefaultsFrom, parseBoolean, parseCallDaysFlag, parseGaps, parseRetries, parseWindow, type CallFlags } from '../call-options';
import { cliFor, UsageError, type CliIo } from '../context';
import { isLoopback } from '../sigv4';

export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

interface WebhookFlags extends CallFlags {
  agent: string;
  key?: string;
  base?: string;
}

export function registerWebhookUrl(program: Command, io: CliIo): void {
  program
    .command('webhook-url')
    .description('print the HubSpot webhook URL for an agent (no server call)')
    .requiredOption('--agent <id>', 'agent id')
    .option('--key <key>', 'API key from `hubdial api-keys create`; default: $HUBDIAL_API_KEY')
    .option('--base <url>', `public base URL of the service; default: $HUBDIAL_PUBLIC_URL or ${DEFAULT_PUBLIC_URL}`)
    .option('--window <HH:MM-HH:MM>', 'call window, e.g. 09:00-18:00', parseWindow)
    .option('--carry-over <true|false>', 'outside the window: call at the next opening (true) or not at all (false)', parseBoolean)
    .option('--retries <n>', 'further attempts when a call does not connect', parseRetries)
    .option('--gaps <hours>', 'hours between attempts, e.g. 2,4,6', parseGaps)
    .option('--call-days <days>', "days calls may start on, e.g. mon-fri or mon,wed,fri (in the window's time zone)", parseCallDaysFlag)
    .action((flags: WebhookFlags, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const key = flags.key ?? cli.env.HUBDIAL_API_KEY;
      if (!key) throw new UsageError('--key is required (or set HUBDIAL_API_KEY): the key printed by `hubdial api-keys create`');
      const base = flags.base ?? cli.env.HUBDIAL_PUBLIC_URL ?? DEFAULT_PUBLIC_URL;
      const url = webhookUrl(base, flags.agent, key, flags);
      if (cli.json) cli.out(JSON.stringify({ url }, null, 2));
      else cli.out(url);
      if (isLoopback(new URL(base))) {
        cli.note('Note: HubSpot cannot reach a loopback address; pass --base with the public https URL (a tunnel or the deployed API).');
      }
    });
}

/** The hosted-product URL shape, so only the host changes when an operator moves over. */
export function webhookUrl(base: string, agentId: string, apiKey: string, flags: CallFlags = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new UsageError(`--base must be a URL such as https://hooks.example.com, got "${base}"`);
  }
  if (parsed.search || parsed.hash) throw new UsageError('--base must not carry a query string or fragment');
  const defaults = callDefaultsFrom(flags);
  const params: [string, string | undefined][] = [
    ['agent_id', agentId],
    ['type', 'hubspot'],
    ['x_api_key', apiKey],
    ['min_trigger_time', defaults.min_trigger_time],
    ['max_trigger_time', defaults.max_trigger_time],
    ['carry_over', defaults.carry_over?.toString()],
    ['num_of_retries', defaults.num_of_retries?.toString()],
    ['gap_between_retries', defaults.gap_between_retries?.join(',')],
    ['call_days', defaults.call_days],
  ];
  const query = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeQueryValue(v)}`)
    .join('&');
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}/call/crm-webhook?${query}`;
}

/** ":" and "," are legal in a query and keep 09:00 and 2,4,6 readable, as HubSpot users expect. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}
