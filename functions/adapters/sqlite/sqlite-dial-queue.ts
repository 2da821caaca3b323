// The dial queue on SQLite, with the SQS semantics the dial handler relies on: a delay
// before a message is first visible, a visibility timeout after each receive (a message
// not deleted in time is delivered again), and a dead-letter table for a message received
// `maxReceives` times without being deleted (SQS's redrive policy). Bodies are opaque
// strings from the dial message serializer; this file reads nothing inside them.
import { randomUUID } from 'node:crypto';
import { serializeDialJob, serializeQueueTask } from '../../core/dial-job';
import { MAX_SQS_DELAY_SECONDS } from '../../core/dispatch-rule';
import type { DialQueue } from '../../core/ports';
import type { Database } from './database';

/** Receives before a message moves to the dead letters: the AWS dial queue's maxReceiveCount. */
export const DEFAULT_MAX_RECEIVES = 5;

export interface ReceivedMessage {
  id: string;
  receipt: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  firstReceivedAt: number;
}

export interface QueueCounts {
  /** Visible now. */
  visible: number;
  /** Received and not yet deleted or timed out. */
  inFlight: number;
  /** Sent with a delay that has not passed. */
  delayed: number;
  dead: number;
}

export interface SqliteDialQueue extends DialQueue {
  /** Sends bodies inside the caller's transaction (the scheduler firing due schedules). */
  enqueue(items: { body: string; delaySeconds: number }[]): void;
  /**
   * Up to `max` visible messages, each hidden for `visibilitySeconds` under a new receipt.
   * A visible message already received `maxReceives` times moves to the dead letters instead.
   */
  receive(max: number, visibilitySeconds: number): ReceivedMessage[];
  /** Deletes the messages whose receipt is still current; returns how many were deleted. */
  delete(messages: { id: string; receipt: string }[]): number;
  counts(): QueueCounts;
  /** When the next delayed or hidden message becomes visible (ms epoch), if any. */
  nextVisibleAt(): number | undefined;
  /** Called after every send, so a waiting consumer can receive at once. */
  onSend(listener: () => void): () => void;
}

export function createSqliteDialQueue(database: Database, opts: { maxReceives?: number; now?: () => number } = {}): SqliteDialQueue {
  const sql = database.statement;
  const now = opts.now ?? Date.now;
  const maxReceives = opts.maxReceives ?? DEFAULT_MAX_RECEIVES;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };

  function insertAll(items: { body: string; delaySeconds: number }[]): void {
    const at = now();
    const insert = sql('INSERT INTO dial_queue (body, sent_at, visible_at) VALUES (?, ?, ?)');
    for (const { body, delaySeconds } of items) insert.run(body, at, at + delayMs(delaySeconds));
  }
  /** In the write batch: a delivery's whole hand-off, and the dials beside it, share one commit. */
  async function sendBodies(items: { body: string; delaySeconds: number }[]): Promise<void> {
    if (items.length === 0) return;
    await database.write(() => insertAll(items));
    notify();
  }

  return {
    send: (job, delaySeconds) => sendBodies([{ body: serializeDialJob(job), delaySeconds }]),
    sendMany: (items) => sendBodies(items.map(({ job, delaySeconds }) => ({ body: serializeDialJob(job), delaySeconds }))),
    sendTask: (task, delaySeconds) => sendBodies([{ body: serializeQueueTask(task), delaySeconds }]),
    enqueue(items) {
      database.transaction(() => insertAll(items));
      // The caller's transaction may still be open: wake consumers once it has committed.
      queueMicrotask(notify);
    },

    receive(max, visibilitySeconds) {
      const at = now();
      const select = sql(
        'SELECT id, body, sent_at, receive_count, first_received_at FROM dial_queue WHERE visible_at <= ? ORDER BY visible_at, id LIMIT ?',
      );
      const bury = sql('INSERT INTO dial_dead_letters (id, body, sent_at, receive_count, dead_at) VALUES (?, ?, ?, ?, ?)');
      const remove = sql('DELETE FROM dial_queue WHERE id = ?');
      const hide = sql(
        'UPDATE dial_queue SET visible_at = ?, receive_count = receive_count + 1, first_received_at = coalesce(first_received_at, ?), receipt = ? WHERE id = ?',
      );
      return database.transaction(() => {
        const received: ReceivedMessage[] = [];
        // Only the rows this receive looks at are judged: a message due for the dead
        // letters moves there when it would be delivered once more (SQS's redrive).
        for (;;) {
          const rows = select.all(at, max - received.length);
          let buried = 0;
          for (const row of rows) {
            const id = row.id as number;
            const count = row.receive_count as number;
            if (count >= maxReceives) {
              bury.run(id, row.body as string, row.sent_at as number, count, at);
              remove.run(id);
              buried++;
              continue;
            }
            const receipt = randomUUID();
            hide.run(at + visibilitySeconds * 1000, at, receipt, id);
            received.push({
              id: String(id),
              receipt,
              body: row.body as string,
              receiveCount: count + 1,
              sentAt: row.sent_at as number,
              firstReceivedAt: (row.first_received_at as number | null) ?? at,
            });
          }
          // Buried rows made room: look again, the page may not be full yet.
          if (buried === 0 || received.length >= max) return received;
        }
      });
    },

    delete(messages) {
      if (messages.length === 0) return 0;
      const remove = sql('DELETE FROM dial_queue WHERE id = ? AND receipt = ?');
      return database.transaction(() => messages.reduce((n, m) => n + Number(remove.run(Number(m.id), m.receipt).changes), 0));
    },

    counts() {
      const at = now();
      const row = sql(
        `SELECT
           coalesce(sum(visible_at <= ?), 0) AS visible,
           coalesce(sum(visible_at > ? AND receipt IS NOT NULL), 0) AS in_flight,
           coalesce(sum(visible_at > ? AND receipt IS NULL), 0) AS delayed
         FROM dial_queue`,
      ).get(at, at, at) as { visible: number; in_flight: number; delayed: number };
      const dead = sql('SELECT count(*) AS n FROM dial_dead_letters').get() as { n: number };
      return { visible: row.visible, inFlight: row.in_flight, delayed: row.delayed, dead: dead.n };
    },

    nextVisibleAt() {
      const row = sql('SELECT min(visible_at) AS at FROM dial_queue').get() as { at: number | null };
      return row.at ?? undefined;
    },

    onSend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Whole seconds within what SQS allows, as the SQS adapter sends them. */
function delayMs(delaySeconds: number): number {
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))) * 1000;
}
