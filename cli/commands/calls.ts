// hubdial calls list | show | cancel — the answer to "why was this contact (not) called?"
import { Option, type Command } from 'commander';
import type { Attempt, Call, CallPage } from '../admin-client';
import { parsePositiveInt } from '../call-options';
import { cliFor, UsageError, type Cli, type CliIo } from '../context';
import { formatTime, keyValues, table, truncate } from '../format';
import { CALL_STATUSES } from '../../functions/core/model';
import { registerCreateCall } from './calls-create';

export function registerCalls(program: Command, io: CliIo): void {
  const calls = program.command('calls').description('call history: status, attempts and the reason for each change');

  calls
    .command('list')
    .description('list calls, newest first')
    .option('--agent <id>', "only this agent's calls")
    .addOption(new Option('--status <status>', 'only calls in this status').choices(CALL_STATUSES))
    .option('--limit <n>', 'calls per page (the admin API allows 1-100)', parsePositiveInt)
    .option('--cursor <cursor>', "continue from a previous page's next cursor")
    .option('--all', 'follow the cursors and list every matching call')
    .option('--from <iso>', 'only calls created at or after this ISO 8601 time')
    .option('--to <iso>', 'only calls created before this ISO 8601 time')
    .option('--find <contact-or-number>', 'only calls of this contact id or phone number')
    .action(
      async (
        opts: {
          agent?: string;
          status?: string;
          limit?: number;
          cursor?: string;
          all?: boolean;
          from?: string;
          to?: string;
          find?: string;
        },
        cmd: Command,
      ) => {
        const cli = cliFor(cmd, io);
        const query = {
          agentId: opts.agent,
          status: opts.status,
          limit: opts.limit,
          cursor: opts.cursor,
          from: opts.from,
          to: opts.to,
          q: opts.find,
        };
        const page = opts.all ? await allPages(cli, query) : await cli.client().listCalls(query);
        if (cli.json) return cli.printJson(page);
        cli.out(
          table(
            ['ID', 'STATUS', 'AGENT', 'CONTACT', 'TO', 'ATTEMPTS', 'UPDATED', 'REASON'],
            page.items.map((c) => [
              c.id,
              c.test ? `${c.status} (test)` : c.status,
              c.agentId,
              c.test ? '(test call)' : c.contactId,
              c.to,
              c.attempts.length,
              formatTime(c.updatedAt),
              truncate(c.reason ?? '', 70),
            ]),
            'No calls match.',
          ),
        );
        if (page.nextCursor) cli.note(`\nMore calls: add --cursor ${page.nextCursor} (or --all).`);
      },
    );

  calls
    .command('show')
    .description('one call: its attempts and its history, with the reason for every change')
    .argument('<id>', 'call id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const call = await cli.client().getCall(id);
      if (cli.json) return cli.printJson(call);
      cli.out(describeCall(call));
    });

  calls
    .command('cancel')
    .description('cancel a scheduled call; a pending attempt is withdrawn')
    .argument('<id>', 'call id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const call = await cli.client().cancelCall(id);
      if (cli.json) return cli.printJson(call);
      cli.out(`Cancelled call ${call.id}.\n`);
      cli.out(
        keyValues([
          ['Status', call.status],
          ['Reason', call.reason],
        ]),
      );
    });

  registerCreateCall(calls, io);
}

async function allPages(cli: Cli, query: { agentId?: string; status?: string; limit?: number; cursor?: string }): Promise<CallPage> {
  const items: Call[] = [];
  const seen = new Set<string>();
  let cursor = query.cursor;
  for (;;) {
    const page = await cli.client().listCalls({ ...query, cursor });
    items.push(...page.items);
    if (!page.nextCursor) return { items, nextCursor: null };
    // A server that hands back a cursor it already gave would otherwise loop forever.
    if (seen.has(page.nextCursor))
      throw new UsageError(`the admin API returned the same cursor twice (${page.nextCursor}); stopping after ${items.length} calls`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

export function describeCall(call: Call): string {
  const s = call.settings;
  const window = s?.window ? `${s.window.min}-${s.window.max}${call.timezone ? ` ${call.timezone}` : ''}` : s ? 'any time' : undefined;
  const header = keyValues([
    ['Call', call.id],
    ['Status', call.status],
    ['Reason', call.reason],
    ['Agent', call.agentId],
    ['Portal', call.portalId],
    ['Contact', call.test ? '(none: a test call, never written back to HubSpot)' : call.contactId],
    ['Test call', call.test ? 'yes' : undefined],
    ['To', call.to ?? '(no usable phone number)'],
    [
      'Variables',
      Object.entries(call.variables ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '(none)',
    ],
    ['Missing variables', call.missingVariables?.join(', ')],
    ['Call window', window],
    ['Carry over', s?.carryOver === undefined ? undefined : s.carryOver ? 'yes' : 'no'],
    [
      'Retries',
      s?.numOfRetries === undefined
        ? undefined
        : `${s.numOfRetries}${s.numOfRetries > 0 && s.gapHours?.length ? `, gaps ${s.gapHours.join(',')} h` : ''}`,
    ],
    ['Created', formatTime(call.createdAt)],
    ['Updated', formatTime(call.updatedAt)],
  ]);
  const attempts = table(
    ['#', 'SCHEDULED', 'STARTED', 'OUTCOME', 'REASON'],
    call.attempts.map((a) => [
      a.number,
      formatTime(a.scheduledAt),
      formatTime(a.startedAt),
      a.outcome
        ? `${a.outcome}${a.providerReason ? ` (${a.providerReason})` : ''}`
        : a.startedAt
          ? 'pending'
          : a.waiting
            ? 'waiting for pacing'
            : '',
      a.reason ?? a.waiting?.reason,
    ]),
  );
  const history = table(
    ['TIME', 'STATUS', 'REASON'],
    (call.history ?? []).map((h) => [formatTime(h.at), h.status, h.reason]),
  );
  const produced = call.attempts.map(describeAttemptDetails).filter(Boolean).join('\n\n');
  return `${header}\n\nAttempts\n${attempts}${produced ? `\n\n${produced}` : ''}\n\nHistory\n${history}`;
}

/** Transcript characters shown by `calls show`; the whole (bounded) transcript is in --json. */
export const SHOWN_TRANSCRIPT_CHARS = 2000;

/** What the voice platform handed back for one attempt, under its own heading. */
export function describeAttemptDetails(a: Attempt): string {
  const pairs = keyValues([
    ['Provider call', a.providerCallId],
    ['Provider reason', a.providerReason],
    ['Duration', a.durationSeconds === undefined ? undefined : `${a.durationSeconds} s`],
    // In full: a recording link is often signed in its query, and only the operator sees this.
    ['Recording', a.recordingUrl],
    ['HubSpot call', a.hubspotCallId],
    ['Summary', a.summary],
  ]);
  const transcript = a.transcript ? shownTranscript(a.transcript) : '';
  if (!pairs && !transcript) return '';
  return `Attempt ${a.number}\n${pairs}${transcript ? `${pairs ? '\n' : ''}Transcript:\n${transcript}` : ''}`;
}

function shownTranscript(text: string): string {
  const indented = (t: string) =>
    t
      .split(/\r?\n/)
      .map((line) => `  ${line}`)
      .join('\n');
  if (text.length <= SHOWN_TRANSCRIPT_CHARS) return indented(text);
  const more = text.length - SHOWN_TRANSCRIPT_CHARS;
  return `${indented(text.slice(0, SHOWN_TRANSCRIPT_CHARS))}\n  … ${more} more characters (calls show --json has the whole transcript)`;
}
