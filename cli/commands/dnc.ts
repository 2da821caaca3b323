// hubdial dnc add | list | remove | import FILE.csv — the workspace's do-not-call list.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { cliFor, UsageError, type Cli, type CliIo } from '../context';
import { formatTime } from '../format';

/** The admin API takes at most this many numbers per request. */
const CHUNK = 1000;

export function registerDoNotCall(program: Command, io: CliIo): void {
  const dnc = program.command('dnc').description('the do-not-call list: numbers hubdial never dials');

  dnc
    .command('add')
    .description('add numbers (E.164, e.g. +14155552671)')
    .argument('<numbers...>', 'phone numbers')
    .option('--reason <text>', 'why (shown in the call history)')
    .action(async (numbers: string[], opts: { reason?: string }, cmd: Command) => {
      await addAll(cliFor(cmd, io), numbers, opts.reason);
    });

  dnc
    .command('import')
    .description('add every number of a CSV file (a "number" or "phone" column, else the first column)')
    .argument('<file>', 'CSV file')
    .option('--reason <text>', 'why (shown in the call history)')
    .action(async (file: string, opts: { reason?: string }, cmd: Command) => {
      await addAll(cliFor(cmd, io), numbersFromCsv(file), opts.reason);
    });

  dnc
    .command('list')
    .description('show the list, in number order')
    .option('--limit <n>', 'numbers per page', '100')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .action(async (opts: { limit: string; cursor?: string }, cmd: Command) => {
      const cli = cliFor(cmd, io);
      const page = await cli.client().listDoNotCall({ limit: Number(opts.limit), cursor: opts.cursor });
      if (cli.json) return cli.printJson(page);
      if (page.items.length === 0) cli.out('The do-not-call list is empty.\n');
      for (const e of page.items) cli.out(`${e.number}  ${formatTime(e.addedAt) ?? e.addedAt}${e.reason ? `  ${e.reason}` : ''}\n`);
      if (page.nextCursor) cli.note(`More: hubdial dnc list --cursor ${page.nextCursor}`);
    });

  dnc
    .command('remove')
    .description('take a number off the list')
    .argument('<number>', 'the E.164 number')
    .action(async (number: string, _opts: unknown, cmd: Command) => {
      const cli = cliFor(cmd, io);
      await cli.client().removeDoNotCall(number);
      if (cli.json) return cli.printJson({ removed: number });
      cli.out(`Removed ${number} from the do-not-call list.\n`);
    });
}

async function addAll(cli: Cli, numbers: string[], reason?: string): Promise<void> {
  if (numbers.length === 0) throw new UsageError('no numbers to add');
  let added = 0;
  const invalid: { number: string; reason: string }[] = [];
  for (let i = 0; i < numbers.length; i += CHUNK) {
    const reply = await cli.client().addDoNotCall(numbers.slice(i, i + CHUNK), reason);
    added += reply.added;
    invalid.push(...reply.invalid);
  }
  if (cli.json) return cli.printJson({ added, invalid });
  cli.out(`Added ${added} number(s) to the do-not-call list (${numbers.length - added - invalid.length} already listed).\n`);
  for (const bad of invalid) cli.note(`not added: ${bad.number}: ${bad.reason}`);
}

function numbersFromCsv(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const rows: string[][] = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true });
  if (rows.length === 0) return [];
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const named = header.findIndex((h) => ['number', 'phone', 'phone_number', 'phonenumber', 'mobilephone'].includes(h));
  const column = Math.max(named, 0);
  // A first row that is not a number is a header.
  const body = named >= 0 || !/\d{5,}/.test(rows[0]?.[0] ?? '') ? rows.slice(1) : rows;
  return body.map((r) => r[column] ?? '').filter((n) => n !== '');
}
