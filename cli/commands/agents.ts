// hubdial agents create | list | show | update | delete
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Agent, VariableMapping } from '../admin-client';
import {
  callDefaultsFrom,
  collectVariable,
  parseBoolean,
  parseCallDaysFlag,
  parseGaps,
  parseRetries,
  parseWindow,
  type CallFlags,
} from '../call-options';
import { cliFor, UsageError, type Cli, type CliIo } from '../context';
import { formatTime, keyValues, safeUrl, table } from '../format';
import { registerTestCall } from './test-call';
import { isObject } from '../../functions/core/json';

interface AgentFlags extends CallFlags {
  fromFile?: string;
  name?: string;
  timezone?: string;
  defaultCountry?: string;
  var?: VariableMapping[];
  voiceProvider?: string;
  voiceUrl?: string;
  voiceSecret?: string;
  voiceApiKey?: string;
  voiceAgentId?: string;
  voiceFromNumber?: string;
  voiceAssistantId?: string;
  voicePhoneNumberId?: string;
  voicePathwayId?: string;
  voiceTask?: string;
  voiceWebhookSecret?: string;
  voiceApiBaseUrl?: string;
  maxLiveCalls?: number;
  callsPerSecond?: number;
  writeBack?: boolean;
  contactTimezone?: boolean;
}

export function registerAgents(program: Command, io: CliIo): void {
  const agents = program.command('agents').description('voice agents: who calls, when, with which contact fields');

  withAgentFlags(agents.command('create').description('create an agent (flags, or --from-file with the admin API body)')).action(
    async (flags: AgentFlags, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const base = flags.fromFile ? await readAgentFile(cli, flags.fromFile) : { variables: [] };
      const body = await applyFlags(cli, base, flags);
      for (const [field, flag] of [
        ['name', '--name'],
        ['timezone', '--timezone'],
      ] as const) {
        if (typeof body[field] !== 'string' || !body[field]) throw new UsageError(`${flag} is required (or set "${field}" in --from-file)`);
      }
      if (!isObject(body.voice) || !body.voice.provider)
        throw new UsageError(
          '--voice-provider is required: simulator, http (--voice-url, --voice-secret), retell (--voice-api-key, --voice-agent-id, --voice-from-number), vapi (--voice-api-key, --voice-assistant-id, --voice-phone-number-id), bland (--voice-api-key, --voice-pathway-id or --voice-task) or callkaro (--voice-api-key, --voice-agent-id); or set "voice" in --from-file',
        );
      const agent = await cli.client().createAgent(body);
      if (cli.json) return cli.printJson(agent);
      cli.out(`Created agent ${agent.id}.\n`);
      cli.out(describeAgent(agent));
      cli.note(`\nNext: hubdial webhook-url --agent ${agent.id} --key <API key>`);
    },
  );

  agents
    .command('list')
    .description('list agents')
    .action(async (_opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const items = await cli.client().listAgents();
      if (cli.json) return cli.printJson({ items });
      cli.out(
        table(
          ['ID', 'NAME', 'TIMEZONE', 'VOICE', 'VARIABLES', 'WINDOW', 'RETRIES', 'CREATED'],
          items.map((a) => [
            a.id,
            a.name,
            a.timezone,
            a.voice?.provider,
            a.variables.map((v) => v.name).join(', '),
            windowText(a),
            retriesText(a),
            formatTime(a.createdAt),
          ]),
          'No agents yet: hubdial agents create --help',
        ),
      );
    });

  agents
    .command('show')
    .description('show one agent')
    .argument('<id>', 'agent id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const agent = await cli.client().getAgent(id);
      if (cli.json) return cli.printJson(agent);
      cli.out(describeAgent(agent));
    });

  withAgentFlags(
    agents
      .command('update')
      .description('replace an agent from --from-file, or change the fields given as flags and keep the rest')
      .argument('<id>', 'agent id'),
  ).action(async (id: string, flags: AgentFlags, cmd: Command) => {
    const cli = cliFor(cmd, io);
    const { fromFile, ...changes } = flags;
    if (!fromFile && Object.values(changes).every((v) => v === undefined))
      throw new UsageError('nothing to update: pass --from-file FILE or flags such as --timezone or --window');
    const base = fromFile ? await readAgentFile(cli, fromFile) : editableCopy(await cli.client().getAgent(id));
    const agent = await cli.client().updateAgent(id, await applyFlags(cli, base, flags));
    if (cli.json) return cli.printJson(agent);
    cli.out(`Updated agent ${agent.id}.\n`);
    cli.out(describeAgent(agent));
  });

  agents
    .command('delete')
    .description('delete an agent (its calls stay in the history)')
    .argument('<id>', 'agent id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      await cli.client().deleteAgent(id);
      if (cli.json) return cli.printJson({ id, deleted: true });
      cli.out(`Deleted agent ${id}.`);
    });

  registerTestCall(agents, io);
}

function withAgentFlags(cmd: Command): Command {
  return cmd
    .option('--from-file <path>', 'agent JSON as the admin API takes it ("-" reads standard input); flags override its fields')
    .option('--name <name>', 'agent name')
    .option('--timezone <zone>', 'IANA time zone the call window is in, e.g. America/New_York')
    .option('--default-country <code>', 'country for phone numbers written without +country code, e.g. US')
    .option(
      '--var <variable=field>',
      'map a HubSpot contact property to an agent variable (repeatable), e.g. firstname=firstname',
      collectVariable,
    )
    .option('--window <HH:MM-HH:MM>', 'call window, e.g. 09:00-18:00 (may cross midnight)', parseWindow)
    .option('--carry-over <true|false>', 'outside the window: call at the next opening (true) or not at all (false)', parseBoolean)
    .option('--retries <n>', 'further attempts when a call does not connect', parseRetries)
    .option('--gaps <hours>', 'hours between attempts, e.g. 2,4,6 (the last repeats)', parseGaps)
    .option('--call-days <days>', "days calls may start on, e.g. mon-fri or mon,wed,fri (in the window's time zone)", parseCallDaysFlag)
    .option('--voice-provider <provider>', 'voice platform: retell, vapi, bland, callkaro, http or simulator')
    .option('--voice-url <url>', 'http provider: where hubdial POSTs call requests')
    .option('--voice-secret <secret>', 'http provider: HMAC secret shared with the back end ("-" reads standard input)')
    .option('--voice-api-key <key>', 'retell, vapi, bland, callkaro: the platform API key ("-" reads standard input)')
    .option('--voice-agent-id <id>', 'retell, callkaro: the platform agent that speaks on the call')
    .option('--voice-from-number <e164>', 'retell (required), bland (optional): the number calls come from, e.g. +14155550100')
    .option('--voice-assistant-id <id>', 'vapi: the assistant that speaks on the call')
    .option('--voice-phone-number-id <id>', 'vapi: the id of the Vapi phone number calls come from')
    .option('--voice-pathway-id <id>', 'bland: the conversational pathway to follow (or --voice-task)')
    .option('--voice-task <prompt>', 'bland: the task prompt (or --voice-pathway-id)')
    .option('--voice-webhook-secret <secret>', 'bland: the webhook signing secret X-Webhook-Signature must match')
    .option('--voice-api-base-url <url>', 'retell, vapi, bland, callkaro: another API base URL (a proxy or a test server)')
    .option(
      '--max-live-calls <n>',
      'pacing: most calls live at the platform at once (default per platform)',
      parsePositive('--max-live-calls'),
    )
    .option(
      '--calls-per-second <n>',
      'pacing: most create-call requests in any second (default per platform)',
      parsePositive('--calls-per-second'),
    )
    .option('--write-back <true|false>', 'log each settled attempt on the HubSpot contact as a Call engagement', parseBoolean)
    .option(
      '--contact-timezone <true|false>',
      "use the contact's HubSpot time zone (hs_timezone) for the call window when it has one",
      parseBoolean,
    );
}

async function readAgentFile(cli: Cli, path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = path === '-' ? await cli.readStdin() : await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --from-file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--from-file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(parsed)) throw new UsageError(`--from-file ${path} must hold a JSON object (the agent)`);
  return parsed;
}

/** Flags given on the command line win over the base (a file or the stored agent). */
async function applyFlags(cli: Cli, base: Record<string, unknown>, flags: AgentFlags): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { ...base };
  if (flags.name !== undefined) body.name = flags.name;
  if (flags.timezone !== undefined) body.timezone = flags.timezone;
  if (flags.defaultCountry !== undefined) body.defaultCountry = flags.defaultCountry.toUpperCase();
  if (flags.var) {
    const given = new Set(flags.var.map((v) => v.name));
    const kept = Array.isArray(base.variables) ? base.variables.filter((v) => !(isObject(v) && given.has(String(v.name)))) : [];
    body.variables = [...kept, ...flags.var];
  }
  if (flags.writeBack !== undefined) body.writeBackToHubSpot = flags.writeBack;
  if (flags.contactTimezone !== undefined) body.useContactTimezone = flags.contactTimezone;
  const callDefaults = callDefaultsFrom(flags);
  if (Object.keys(callDefaults).length > 0)
    body.callDefaults = { ...(isObject(base.callDefaults) ? base.callDefaults : {}), ...callDefaults };
  if (flags.maxLiveCalls !== undefined || flags.callsPerSecond !== undefined) {
    const pacing = { ...(isObject(base.pacing) ? base.pacing : {}) };
    if (flags.maxLiveCalls !== undefined) pacing.maxLiveCalls = flags.maxLiveCalls;
    if (flags.callsPerSecond !== undefined) pacing.callsPerSecond = flags.callsPerSecond;
    body.pacing = pacing;
  }
  const platformSettings = (Object.entries(PLATFORM_FLAGS) as [keyof typeof PLATFORM_FLAGS, string][]).filter(
    ([flag]) => flags[flag] !== undefined,
  );
  if (flags.voiceProvider !== undefined || flags.voiceUrl !== undefined || flags.voiceSecret !== undefined || platformSettings.length > 0) {
    const current = isObject(base.voice) ? base.voice : {};
    // Another provider's settings (url, secret) mean nothing to the new one.
    const voice: Record<string, unknown> =
      flags.voiceProvider !== undefined && flags.voiceProvider !== current.provider ? { provider: flags.voiceProvider } : { ...current };
    if (flags.voiceUrl !== undefined) voice.url = flags.voiceUrl;
    if (flags.voiceSecret !== undefined) {
      if (flags.voiceSecret === '-' && flags.fromFile === '-')
        throw new UsageError('--from-file - and --voice-secret - cannot both read standard input');
      voice.secret = flags.voiceSecret === '-' ? (await cli.readStdin()).trim() : flags.voiceSecret;
    }
    for (const [flag, setting] of platformSettings) {
      const value = flags[flag] as string;
      if (value === '-' && flags.fromFile === '-')
        throw new UsageError('--from-file - and a "-" voice flag cannot both read standard input');
      voice[setting] = value === '-' ? (await cli.readStdin()).trim() : value;
    }
    body.voice = voice;
  }
  return body;
}

/** Platform settings flags and the `voice` setting each sets. */
const PLATFORM_FLAGS = {
  voiceApiKey: 'apiKey',
  voiceAgentId: 'agentId',
  voiceFromNumber: 'fromNumber',
  voiceAssistantId: 'assistantId',
  voicePhoneNumberId: 'phoneNumberId',
  voicePathwayId: 'pathwayId',
  voiceTask: 'task',
  voiceWebhookSecret: 'webhookSecret',
  voiceApiBaseUrl: 'apiBaseUrl',
} as const satisfies Partial<Record<keyof AgentFlags, string>>;

function parsePositive(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of 1 or more, got "${value}"`);
    return n;
  };
}

/**
 * The stored agent as a PUT body. The voice secret is left out: the admin API keeps the
 * stored one when the provider is unchanged, and it never returns it anyway.
 */
function editableCopy(agent: Agent): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, workspaceId: _w, ...rest } = agent as Agent & { workspaceId?: string };
  // Secrets come back as "***" and webhookUrl is shown, never set: both are left out.
  const { secret: _s, apiKey: _k, webhookSecret: _ws, webhookUrl: _wu, ...voice } = agent.voice ?? { provider: '' };
  return { ...rest, voice };
}

export function describeAgent(agent: Agent): string {
  const voice = agent.voice ?? { provider: '' };
  const voiceText = [voice.provider, voice.url ? safeUrl(voice.url) : ''].filter(Boolean).join(' ');
  const defaults = agent.callDefaults;
  const header = keyValues([
    ['Agent', agent.id],
    ['Name', agent.name],
    ['Time zone', agent.useContactTimezone ? `${agent.timezone} (or the contact's own, when HubSpot has it)` : agent.timezone],
    ['Default country', agent.defaultCountry],
    ['Voice', voiceText],
    ['Paste into the platform', typeof voice.webhookUrl === 'string' ? voice.webhookUrl : undefined],
    ['Pacing', pacingText(agent)],
    ['Call window', windowText(agent)],
    [
      'Carry over',
      defaults?.carry_over === undefined
        ? 'not set'
        : defaults.carry_over
          ? 'yes (call at the next opening)'
          : 'no (skip calls outside the window)',
    ],
    ['Retries', retriesText(agent)],
    ['Write-back to HubSpot', agent.writeBackToHubSpot ? 'yes (a Call engagement per attempt)' : 'no'],
    ['Created', formatTime(agent.createdAt)],
    ['Updated', formatTime(agent.updatedAt)],
  ]);
  const variables = table(
    ['VARIABLE', 'SOURCE', 'HUBSPOT FIELD'],
    agent.variables.map((v) => [v.name, v.source, v.field]),
  );
  return `${header}\n\nVariables\n${variables}`;
}

function pacingText(agent: Agent): string | undefined {
  const p = agent.pacing;
  if (!p) return undefined;
  const live = p.maxLiveCalls ? `${p.maxLiveCalls} live calls` : 'no live-call limit';
  const rate = p.callsPerSecond ? `${p.callsPerSecond} starts per second` : 'no start rate limit';
  return `${live}, ${rate}`;
}

function windowText(agent: Agent): string {
  const d = agent.callDefaults;
  return d?.min_trigger_time && d.max_trigger_time ? `${d.min_trigger_time}-${d.max_trigger_time}` : 'not set';
}

function retriesText(agent: Agent): string {
  const d = agent.callDefaults;
  if (d?.num_of_retries === undefined) return 'not set';
  const gaps = d.num_of_retries > 0 && d.gap_between_retries?.length ? `, gaps ${d.gap_between_retries.join(',')} h` : '';
  return `${d.num_of_retries}${gaps}`;
}
