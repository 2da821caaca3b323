// Call and do-not-call listings on SQLite, by core's listing rules (core/call-listing.ts,
// core/page-cursor.ts) so they order, page and refuse input as every Store adapter does:
//   agent (+ status)  newest created first (createdAt never changes: stable while paging)
//   status            core's status order, newest first
//   neither           the order calls were stored in (seq never changes: a call that
//                     changes status while an operator pages is listed exactly once)
// from / to / q narrow any of them. A page reads one row more than it returns to know
// whether there is a next one; the cursor holds the last row's position.
import { checkPageLimit, indexPosition, listingSignature, parseIndexPosition } from '../../core/call-listing';
import { InvalidCursorError } from '../../core/errors';
import type { CallRecord, DoNotCallEntry } from '../../core/model';
import { decodeCursor, encodeCursor } from '../../core/page-cursor';
import type { CallQuery, Page } from '../../core/ports';
import type { Database } from './database';

type Row = Record<string, unknown>;
const recordsOf = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(row.record as string) as T);

export function listCalls(database: Database, query: CallQuery): Page<CallRecord> {
  checkPageLimit(query.limit);
  const signature = listingSignature(query);
  const position = query.cursor !== undefined ? decodeCursor(query.cursor, signature) : undefined;
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.agentId !== undefined) {
    where.push('agent_id = ?');
    params.push(query.agentId);
  }
  if (query.status !== undefined) {
    where.push('status = ?');
    params.push(query.status);
  }
  if (query.from !== undefined) {
    where.push('created_at >= ?');
    params.push(query.from);
  }
  if (query.to !== undefined) {
    where.push('created_at < ?');
    params.push(query.to);
  }
  if (query.q !== undefined) {
    where.push('(contact_id = ? OR to_number = ?)');
    params.push(query.q, query.q);
  }

  let order: string;
  let positionOf: (row: Row) => unknown;
  if (query.agentId !== undefined || query.status !== undefined) {
    const column = query.agentId !== undefined ? 'created_at' : 'status_order';
    if (position !== undefined) {
      const [time, id] = parseIndexPosition(position);
      where.push(`(${column}, id) < (?, ?)`);
      params.push(time, id);
    }
    order = `${column} DESC, id DESC`;
    positionOf = (row) => indexPosition(row[column] as string, row.id as string);
  } else {
    if (position !== undefined) {
      if (!(typeof position === 'number' && Number.isSafeInteger(position))) throw new InvalidCursorError('not readable');
      where.push('seq > ?');
      params.push(position);
    }
    order = 'seq';
    positionOf = (row) => row.seq;
  }
  const rows = database
    .statement(
      `SELECT seq, id, created_at, status_order, record FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`,
    )
    .all(...params, query.limit + 1);
  return page<CallRecord>(rows, query.limit, (row) => encodeCursor(signature, positionOf(row)));
}

export function listDoNotCall(database: Database, workspaceId: string, query: { limit: number; cursor?: string }): Page<DoNotCallEntry> {
  const signature = `dnc:${workspaceId}`;
  let after = '';
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor, signature);
    if (typeof position !== 'string' || position.length > 64) throw new InvalidCursorError('not readable');
    after = position;
  }
  const rows = database
    .statement('SELECT number, record FROM do_not_call WHERE workspace_id = ? AND number > ? ORDER BY number LIMIT ?')
    .all(workspaceId, after, query.limit + 1);
  return page<DoNotCallEntry>(rows, query.limit, (row) => encodeCursor(signature, row.number));
}

function page<T>(rows: Row[], limit: number, cursorAt: (row: Row) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: recordsOf<T>(items), ...(rows.length > limit && last ? { nextCursor: cursorAt(last) } : {}) };
}
