// One SQLite file holds the embedded stack's store, dial queue and schedules, so a call,
// its dial job and its schedule can change in one transaction.
//
// Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS's page
// cache) before COMMIT returns, so a killed process (SIGKILL, a crash of node) loses
// nothing it committed; only an OS crash or power cut can lose the last transactions,
// which are then missing as a whole (never half-written). That is the promise `npm start`
// makes; synchronous=FULL would fsync every commit for the power-cut case too, at a cost
// of one fsync per webhook delivery.
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export interface Database {
  readonly db: DatabaseSync;
  /** A statement prepared once per SQL text and reused (preparing is most of a small query's cost). */
  statement(sql: string): StatementSync;
  /** Runs `work` in one write transaction (BEGIN IMMEDIATE): all of it is committed or none. */
  transaction<T>(work: () => T): T;
  /**
   * Runs `work` at once, all or none of it, in the write batch: the transaction every
   * write of this event-loop turn joins, committed once when the turn ends. Resolves
   * after that commit, so nothing is reported done before it is on disk as
   * `transaction` would put it; rejects if the commit fails (then none of the batch is).
   */
  write<T>(work: () => T): Promise<T>;
  close(): void;
}

// Records are stored whole as JSON (`record`) beside the columns that lookups, listings
// and conditional writes use. STRICT tables: a wrong type is an error, not a silent cast.
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  key_hash TEXT PRIMARY KEY, id TEXT NOT NULL, workspace_id TEXT NOT NULL, created_at TEXT NOT NULL, record TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS api_keys_by_workspace ON api_keys (workspace_id, created_at, id);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, created_at TEXT NOT NULL, record TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS agents_by_workspace ON agents (workspace_id, created_at, id);
CREATE TABLE IF NOT EXISTS hubspot_connections (workspace_id TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  portal_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  to_number TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status_order TEXT NOT NULL,
  version INTEGER NOT NULL,
  record TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS calls_by_agent ON calls (agent_id, created_at, id);
CREATE INDEX IF NOT EXISTS calls_by_status ON calls (status, status_order, id);
CREATE INDEX IF NOT EXISTS calls_by_contact ON calls (workspace_id, portal_id, contact_id);
CREATE TABLE IF NOT EXISTS contact_tombstones (
  workspace_id TEXT NOT NULL, portal_id TEXT NOT NULL, contact_id TEXT NOT NULL, kind TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY (workspace_id, portal_id, contact_id)) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS do_not_call (
  workspace_id TEXT NOT NULL, number TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (workspace_id, number)) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS backfill_jobs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, record TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS pacing (agent_id TEXT PRIMARY KEY, version INTEGER NOT NULL, record TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS service_values (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS dial_queue (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  first_received_at INTEGER,
  receipt TEXT) STRICT;
CREATE INDEX IF NOT EXISTS dial_queue_by_visibility ON dial_queue (visible_at, id);
CREATE TABLE IF NOT EXISTS dial_dead_letters (
  id INTEGER PRIMARY KEY, body TEXT NOT NULL, sent_at INTEGER NOT NULL, receive_count INTEGER NOT NULL, dead_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS schedules (
  name TEXT PRIMARY KEY, body TEXT NOT NULL, due_at INTEGER NOT NULL, timezone TEXT NOT NULL, created_at TEXT NOT NULL,
  claimed_until INTEGER) STRICT;
CREATE INDEX IF NOT EXISTS schedules_by_due ON schedules (due_at, name);
`;

/** Opens (creating if needed) the database at `path`; ':memory:' for a throw-away one. */
export function openDatabase(path: string): Database {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  // Another connection on the same file (a second stack in a test) waits for the write
  // lock instead of failing at once.
  db.exec('PRAGMA busy_timeout = 5000');
  // Reads of recent pages come from memory; 16 MB is plenty for a local import.
  db.exec('PRAGMA cache_size = -16000');
  db.exec(SCHEMA);
  const statements = new Map<string, StatementSync>();
  let depth = 0;
  // Group commit: a WAL commit costs about twice the UPDATE it commits, and a delivery's
  // hand-off and the dials running beside it write hundreds of rows per turn.
  let batch: { resolve: () => void; reject: (err: unknown) => void; done: Promise<void> } | undefined;
  const savepoint = db.prepare('SAVEPOINT batch_write');
  const release = db.prepare('RELEASE batch_write');
  const rollbackTo = db.prepare('ROLLBACK TO batch_write');

  const commitBatch = () => {
    const open = batch;
    if (!open) return;
    batch = undefined;
    try {
      db.exec('COMMIT');
      open.resolve();
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      open.reject(err);
    }
  };
  const openBatch = () => {
    if (batch) return batch.done;
    db.exec('BEGIN IMMEDIATE');
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Every writer awaits it; a rejection nobody awaited must not crash the process.
    done.catch(() => undefined);
    batch = { resolve, reject, done };
    setImmediate(commitBatch);
    return done;
  };
  return {
    db,
    statement(sql) {
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        statements.set(sql, stmt);
      }
      return stmt;
    },
    transaction(work) {
      // Nested use joins the outer transaction (the scheduler firing into the queue).
      if (depth > 0) return work();
      // Its caller counts on a commit when it returns: the batch so far goes first.
      commitBatch();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const result = work();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      } finally {
        depth--;
      }
    },
    async write(work) {
      if (depth > 0) throw new Error('database.write inside database.transaction: use the transaction');
      const done = openBatch();
      savepoint.run();
      let result: ReturnType<typeof work>;
      try {
        result = work();
        release.run();
      } catch (err) {
        rollbackTo.run();
        release.run();
        throw err;
      }
      await done;
      return result;
    },
    close() {
      if (db.isOpen) commitBatch();
      statements.clear();
      if (db.isOpen) db.close();
    },
  };
}
