// The rules every Store adapter's call listings follow, so the DynamoDB and SQLite
// stores order, page and refuse input the same way (test/integration/store-contract).
import { pendingAttempt } from './call-state';
import { InvalidCursorError } from './errors';
import { type CallRecord, TERMINAL_STATUSES } from './model';
import type { CallQuery } from './ports';

export const MAX_PAGE_SIZE = 100;

/** A listing page size: a whole number from 1 to MAX_PAGE_SIZE (RangeError names `limit`). */
export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new RangeError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
}

/** The sweeper's batch size: any positive whole number. */
export function checkStaleLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive whole number');
}

/**
 * Where a call sorts among the calls of its status: a scheduled call by when its pending
 * attempt is due (so the sweeper finds lost jobs with one range read), any other by its
 * last change. listStaleCalls and the by-status listing both use it.
 */
export function statusOrderTime(call: CallRecord): string {
  const due = pendingAttempt(call)?.scheduledAt;
  if (due !== undefined) return due;
  // Nothing is left to sweep or erase on an erased finished call: keep it out of every time range.
  return call.erasedAt && TERMINAL_STATUSES.includes(call.status) ? `~${call.updatedAt}` : call.updatedAt;
}

/** The filters a cursor is bound to: a cursor issued for other filters is refused. */
export function listingSignature(query: Pick<CallQuery, 'agentId' | 'status' | 'from' | 'to' | 'q'>): string {
  const search = query.from !== undefined || query.to !== undefined || query.q !== undefined;
  return JSON.stringify([
    query.agentId ?? null,
    query.status ?? null,
    ...(search ? [query.from ?? null, query.to ?? null, query.q ?? null] : []),
  ]);
}

/**
 * Index positions are `<time>#<callId>`: times never contain '#', so the id is what
 * follows the first one. Items with the same time still sort apart by id.
 */
export const indexPosition = (time: string, id: string) => `${time}#${id}`;

/** [time, callId] of a position a cursor carried; InvalidCursorError when it is not one. */
export function parseIndexPosition(value: unknown): [string, string] {
  if (typeof value !== 'string' || value.length > 1024) throw new InvalidCursorError('not readable');
  const cut = value.indexOf('#');
  if (cut < 1 || cut === value.length - 1) throw new InvalidCursorError('not readable');
  return [value.slice(0, cut), value.slice(cut + 1)];
}
