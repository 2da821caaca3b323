// EventBridge Scheduler's stand-in on SQLite: one row per schedule (named as on AWS, so
// scheduling the same job again replaces it), and a timer that moves due rows into the
// dial queue. With the SQLite queue in the same file, the move is one transaction: a
// schedule is fired exactly once, even across a SIGKILL. Into another queue (SQS_ENDPOINT)
// a due row is claimed for a minute (so two pollers never both send it), sent, then
// deleted; a crash between send and delete fires it again once the claim runs out, which
// the dial handler's conditional SCHEDULED -> DIALING write makes harmless.
import { parseDialJob, serializeDialJob } from '../../core/dial-job';
import { scheduleName } from '../../core/dispatch-rule';
import type { DialJob } from '../../core/model';
import type { AttemptScheduler, DialQueue } from '../../core/ports';
import { logger } from '../../commons/logger';
import type { Database } from './database';
import type { SqliteDialQueue } from './sqlite-dial-queue';
import { createPollLoop } from '../poll-loop';

/** Schedules fired per transaction; a backlog is worked off in several. */
const FIRE_BATCH = 500;
/** How long a poller owns due schedules it is sending to another queue. */
const CLAIM_MS = 60_000;

export interface SqliteScheduler extends AttemptScheduler {
  start(): void;
  stop(): Promise<void>;
  /** Fires every schedule due at `now`; returns how many went to the queue. */
  fireDue(now: Date): Promise<number>;
  /** Schedules not fired yet. */
  pending(): number;
}

export function createSqliteScheduler(opts: {
  database: Database;
  queue: DialQueue | SqliteDialQueue;
  pollMs?: number;
  now?: () => Date;
}): SqliteScheduler {
  const { database, queue } = opts;
  const sql = database.statement;
  const pollMs = opts.pollMs ?? 1000;
  const clock = opts.now ?? (() => new Date());
  const sameFile = 'enqueue' in queue ? queue : undefined;

  const dueRows = (now: Date) =>
    sql('SELECT name, body, due_at FROM schedules WHERE due_at <= ? ORDER BY due_at, name LIMIT ?').all(now.getTime(), FIRE_BATCH) as {
      name: string;
      body: string;
      due_at: number;
    }[];

  async function fireBatch(now: Date): Promise<number> {
    if (sameFile) {
      return database.transaction(() => {
        const rows = dueRows(now);
        if (rows.length === 0) return 0;
        sameFile.enqueue(rows.map((r) => ({ body: r.body, delaySeconds: 0 })));
        const remove = sql('DELETE FROM schedules WHERE name = ?');
        for (const r of rows) remove.run(r.name);
        return rows.length;
      });
    }
    const at = now.getTime();
    const rows = database.transaction(() => {
      const due = sql(
        `SELECT name, body, due_at FROM schedules WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
         ORDER BY due_at, name LIMIT ?`,
      ).all(at, at, FIRE_BATCH) as { name: string; body: string; due_at: number }[];
      const claim = sql('UPDATE schedules SET claimed_until = ? WHERE name = ?');
      for (const r of due) claim.run(at + CLAIM_MS, r.name);
      return due;
    });
    const jobs = rows.map((r) => ({ row: r, job: parseDialJob(r.body) }));
    const remove = sql('DELETE FROM schedules WHERE name = ? AND due_at = ?');
    for (const { row, job } of jobs) {
      if (!job) {
        logger.error('dropping malformed local schedule', { schedule: row.name });
        remove.run(row.name, row.due_at);
      }
    }
    const good = jobs.filter((j): j is { row: (typeof rows)[number]; job: DialJob } => j.job !== undefined);
    try {
      if (good.length > 0) await queue.sendMany(good.map(({ job }) => ({ job, delaySeconds: 0 })));
    } catch (err) {
      // Not sent: the next poll may take them again at once.
      const release = sql('UPDATE schedules SET claimed_until = NULL WHERE name = ? AND due_at = ?');
      database.transaction(() => {
        for (const { row } of good) release.run(row.name, row.due_at);
      });
      throw err;
    }
    // Only the version that was sent: a schedule moved to a new time meanwhile stays.
    database.transaction(() => {
      for (const { row } of good) remove.run(row.name, row.due_at);
    });
    return good.length;
  }

  async function fireDue(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const n = await fireBatch(now);
      fired += n;
      if (n < FIRE_BATCH) return fired;
    }
  }

  const loop = createPollLoop(() => fireDue(clock()), pollMs, 'local scheduler');

  return {
    async schedule(job, at, timezone, now) {
      // Same job again replaces the old time (the dial handler moves an attempt that fired
      // outside the window; keeping the stale time would lose it).
      const upsert = sql(
        `INSERT INTO schedules (name, body, due_at, timezone, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET body = excluded.body, due_at = excluded.due_at, timezone = excluded.timezone, claimed_until = NULL
         WHERE due_at <> excluded.due_at`,
      );
      await database.write(() => upsert.run(scheduleName(job), serializeDialJob(job), at.getTime(), timezone, now.toISOString()));
    },

    async cancel(job) {
      await database.write(() => sql('DELETE FROM schedules WHERE name = ?').run(scheduleName(job)));
    },

    fireDue,

    pending() {
      return (sql('SELECT count(*) AS n FROM schedules').get() as { n: number }).n;
    },

    start: loop.start,
    stop: loop.stop,
  };
}
