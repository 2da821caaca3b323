// Opaque page cursors for the call listings. A cursor carries the query it belongs to,
// so one handed back with different filters is refused instead of silently starting
// somewhere unrelated. Failures are InvalidCursorError: the admin handler turns them
// into a 400 on that parameter.
import { InvalidCursorError } from './errors';

export function encodeCursor(query: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ q: query, p: position }), 'utf8').toString('base64url');
}

/** The position stored in `cursor`, which must have been issued for `query`. */
export function decodeCursor(cursor: string, query: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || cursor.length > 4096) throw new InvalidCursorError('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not readable');
  }
  if (typeof parsed !== 'object' || parsed === null || !('q' in parsed) || !('p' in parsed)) throw new InvalidCursorError('not readable');
  if (parsed.q !== query) throw new InvalidCursorError('issued for a different agent_id/status');
  return parsed.p;
}
