// hubdial backfill --agent ID --since ISO [--until ISO]: call the contacts HubSpot created
// while hubdial was down. The job runs on the server; this command starts it and follows
// it with a progress bar (found, accepted, duplicates, rejected) until it ends.
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { BackfillProgress } from '../admin-client';
import { parsePositiveInt } from '../call-options';
import { cliFor, UsageError, type Cli, type CliIo } from '../context';
import { keyValues } from '../format';

interface BackfillFlags {
  agent?: string;
  since?: string;
  until?: string;
  id?: string;
  detach?: boolean;
  pollMs?: number;
}

export function registerBackfill(program: Command, io: CliIo): void {
  program
    .command('backfill')
    .description(
      'call the contacts created in HubSpot while hubdial was down (HubSpot stops redelivering after 24 hours); contacts already called are skipped as duplicates',
    )
    .option('--agent <id>', 'agent whose webhook missed the contacts')
    .option('--since <iso>', 'start of the outage, inclusive: ISO 8601 with a zone (2026-11-28T00:00:00Z) or a date (UTC midnight)')
    .option('--until <iso>', 'end of the outage, exclusive (default: now)')
    .option('--id <backfill>', 'follow a backfill already started instead of starting one')
    .option('--detach', 'start it and print its id without waiting')
    .option('--poll-ms <ms>', 'how often to ask for progress (default 1000)', parsePositiveInt)
    .action(async (flags: BackfillFlags, cmd: Command) => {
      const cli = cliFor(cmd, io);
      let id = flags.id;
      if (!id) {
        if (!flags.agent) throw new UsageError('--agent is required (or --id to follow a backfill already started)');
        if (!flags.since) throw new UsageError('--since is required: when the outage began, e.g. --since 2026-11-28T00:00:00Z');
        const started = await cli
          .client()
          .startBackfill({ agentId: flags.agent, since: flags.since, ...(flags.until ? { until: flags.until } : {}) });
        id = started.id;
        if (flags.detach) {
          if (cli.json) return cli.printJson(started);
          cli.out(`Started backfill ${id}. Follow it: hubdial backfill --id ${id}`);
          return;
        }
        if (!cli.json)
          cli.note(`Backfill ${id} is running on the server; Ctrl-C stops only this view (hubdial backfill --id ${id} to follow again).`);
      }
      const final = await follow(cli, io, id, flags.pollMs ?? 1000);
      if (cli.json) cli.printJson(final);
      else cli.out(summary(id, final));
      if (final.status === 'failed') throw new UsageError(`backfill ${id} failed: ${final.error ?? 'no reason given'}`);
    });
}

async function follow(cli: Cli, io: CliIo, id: string, pollMs: number): Promise<BackfillProgress> {
  const bar = cli.json ? undefined : progressBar(io);
  let started = false;
  try {
    for (;;) {
      const job = await cli.client().getBackfill(id);
      if (bar) {
        const counts = { found: job.found, accepted: job.accepted, duplicates: job.duplicates, rejected: job.rejected };
        const total = Math.max(job.total ?? 0, job.found, 1);
        if (!started) bar.start(total, job.found, counts);
        else {
          bar.setTotal(total);
          bar.update(job.found, counts);
        }
        started = true;
      }
      if (job.status !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    bar?.stop();
  }
}

/** Drawn on standard error, so standard output holds only the summary; plain lines when stderr is not a terminal. */
function progressBar(io: CliIo): SingleBar {
  // Only the real process (its own environment) draws on the terminal; tests and embedders get plain lines.
  const tty = Boolean(process.stderr.isTTY) && (io.env ?? process.env) === process.env;
  const stream = {
    isTTY: tty,
    get columns() {
      return process.stderr.columns;
    },
    write: (s: string) => {
      io.stderr(s);
      return true;
    },
    cursorTo: (x: number, y?: number) => process.stderr.cursorTo?.(x, y as number),
    moveCursor: (dx: number, dy: number) => process.stderr.moveCursor?.(dx, dy),
    clearLine: (dir: -1 | 0 | 1) => process.stderr.clearLine?.(dir),
    clearScreenDown: () => process.stderr.clearScreenDown?.(),
  };
  return new SingleBar({
    format: 'backfill [{bar}] {value}/{total} found | {accepted} accepted | {duplicates} duplicates | {rejected} rejected',
    stream: stream as unknown as NodeJS.WritableStream,
    noTTYOutput: !tty,
    notTTYSchedule: 2000,
    hideCursor: tty,
    clearOnComplete: false,
  });
}

function summary(id: string, job: BackfillProgress): string {
  const head =
    job.status === 'done'
      ? `Backfill ${id} is done: every page of HubSpot's search went through intake (the calls are stored; their dials follow).`
      : `Backfill ${id} ${job.status}.`;
  return `${head}\n${keyValues([
    ['Found', job.found],
    ['Accepted', `${job.accepted} (new calls)`],
    ['Duplicates', `${job.duplicates} (already called)`],
    ['Rejected', `${job.rejected}${job.rejected ? ' (see hubdial calls list and the service log "contact rejected" lines)' : ''}`],
    ['Error', job.error],
  ])}`;
}
