import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { CallRecord, CallStatus } from '../../core/model';
import type { CallQuery, Page } from '../../core/ports';
import type { Item } from './dynamo-codec';
import { checkPageLimit, checkStaleLimit, listingSignature, parseIndexPosition } from '../../core/call-listing';
import { InvalidCursorError } from '../../core/errors';
import { decodeCursor, encodeCursor } from '../../core/page-cursor';
import {
  callOf,
  agentCallsPartitions,
  CALL_PK_PREFIX,
  callIdOfKey,
  CALLS_BY_AGENT,
  CALLS_BY_STATUS,
  statusPartitions,
  statusSortKey,
  type CallIndex,
} from './dynamo-items';
import { mergeShards, type ShardMerge } from './shard-merge';

// Call listings:
//   agent (+ status)  gsi1 AGENT#<agentId>#<shard>, newest created first; status is a filter
//   status            gsi2 STATUS#<status>#<shard>, most recently updated first (core's statusOrderTime)
//   neither           a scan of the table for CALL# items, in the table's own order.
// The indexes hold keys only: a listing merges the shards of its partition by sort key,
// then reads the records from the table (BatchGetItem) and filters them there. The
// unfiltered listing is a scan, not a merge of the STATUS# partitions, because an item's
// place in a scan never moves: a call that changes status while an operator pages is
// still listed exactly once. By-agent listings are stable the same way (createdAt never
// changes); a by-status listing lists a call only where it stands now, so a call updated
// meanwhile may move to a part of that list already read.
// A cursor holds the last position examined: the index sort key `<time>#<callId>` for
// index listings (every shard resumes after it), [pk, sk] for the scan.

export type ReadPage = { Items?: Item[]; LastEvaluatedKey?: Item };
export type RunQuery = (input: Omit<QueryCommandInput, 'TableName'>) => Promise<ReadPage>;
export type RunScan = (input: Omit<ScanCommandInput, 'TableName'>) => Promise<ReadPage>;
export interface Readers {
  query: RunQuery;
  scan: RunScan;
  /** The stored calls among these ids (BatchGetItem). */
  calls: (ids: string[]) => Promise<Map<string, CallRecord>>;
}

/** Items read per request when a filter drops some: DynamoDB applies Limit before the filter. */
const FILTERED_READ_SIZE = 100;
/** Bounds one page's work where the filter matches almost nothing; the cursor resumes it. */
const MAX_READS_PER_PAGE = 20;

/**
 * Up to `limit` matching items, reading again while a filter or DynamoDB's 1 MB page leaves
 * the page short. `resume` is the key to start the next page after; absent = nothing left.
 */
async function collect(
  read: (start: Item | undefined, limit: number) => Promise<ReadPage>,
  opts: { start?: Item; limit: number; filtered: boolean },
): Promise<{ items: Item[]; resume?: Item }> {
  const items: Item[] = [];
  let start = opts.start;
  for (let reads = 1; ; reads++) {
    const res = await read(start, opts.filtered ? Math.max(FILTERED_READ_SIZE, opts.limit) : opts.limit - items.length);
    const got = res.Items ?? [];
    for (const [i, item] of got.entries()) {
      items.push(item);
      // Stopped inside DynamoDB's page: resume right after the last item returned.
      if (items.length === opts.limit) return { items, resume: i < got.length - 1 ? item : res.LastEvaluatedKey };
    }
    if (res.LastEvaluatedKey === undefined) return { items };
    start = res.LastEvaluatedKey;
    if (reads >= MAX_READS_PER_PAGE) return { items, resume: start };
  }
}

/**
 * Up to `limit` calls from merged index entries whose stored record `matches` (read in
 * batches from the table). `resume` is the last position examined when more may follow.
 */
async function collectFromIndex(
  readers: Readers,
  merge: ShardMerge,
  index: CallIndex,
  opts: { limit: number; filtered: boolean; matches: (call: CallRecord, position: string) => boolean },
): Promise<{ calls: CallRecord[]; resume?: string }> {
  const calls: CallRecord[] = [];
  let last: string | undefined;
  for (let batches = 1; ; batches++) {
    const want = opts.filtered ? Math.max(FILTERED_READ_SIZE, opts.limit) : opts.limit - calls.length;
    const batch: [string, string][] = [];
    while (batch.length < want) {
      const entry = await merge.next();
      if (entry === undefined) break;
      const id = callIdOfKey(entry);
      const position = entry[index.sk]?.S;
      if (id !== undefined && position !== undefined) batch.push([id, position]);
    }
    if (batch.length === 0) return { calls };
    const records = await readers.calls(batch.map(([id]) => id));
    for (const [i, [id, position]] of batch.entries()) {
      last = position;
      const call = records.get(id);
      if (!call || !opts.matches(call, position)) continue;
      calls.push(call);
      if (calls.length === opts.limit) {
        if (i < batch.length - 1) return { calls, resume: last };
        return (await merge.next()) === undefined ? { calls } : { calls, resume: last };
      }
    }
    if (batches >= MAX_READS_PER_PAGE) return { calls, resume: last };
  }
}

const isTableKey = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string' && part.length > 0 && part.length <= 1024);

/** The from / to / q part of a call query, checked on a stored record. */
function searchMatches(query: CallQuery): ((call: CallRecord) => boolean) | undefined {
  const { from, to, q } = query;
  if (from === undefined && to === undefined && q === undefined) return undefined;
  return (call) =>
    (from === undefined || call.createdAt >= from) &&
    (to === undefined || call.createdAt < to) &&
    (q === undefined || call.contactId === q || call.to === q);
}

interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, { S: string }>;
}

/** The same search as a DynamoDB filter, for the table scan. */
function searchFilter(query: CallQuery): Filter | undefined {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, { S: string }> = {};
  if (query.from !== undefined) {
    names['#createdAt'] = 'createdAt';
    values[':from'] = { S: query.from };
    parts.push('#createdAt >= :from');
  }
  if (query.to !== undefined) {
    names['#createdAt'] = 'createdAt';
    values[':to'] = { S: query.to };
    parts.push('#createdAt < :to');
  }
  if (query.q !== undefined) {
    names['#contactId'] = 'contactId';
    names['#to'] = 'to';
    values[':q'] = { S: query.q };
    parts.push('(#contactId = :q OR #to = :q)');
  }
  return parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
}

export async function listCalls(readers: Readers, query: CallQuery): Promise<Page<CallRecord>> {
  checkPageLimit(query.limit);
  const signature = listingSignature(query);
  const position = query.cursor !== undefined ? decodeCursor(query.cursor, signature) : undefined;
  const { limit } = query;

  if (query.agentId !== undefined || query.status !== undefined) {
    if (position !== undefined) parseIndexPosition(position);
    const search = searchMatches(query);
    const byAgent = query.agentId !== undefined;
    const index = byAgent ? CALLS_BY_AGENT : CALLS_BY_STATUS;
    const partitions = byAgent ? agentCallsPartitions(query.agentId as string) : statusPartitions(query.status as CallStatus);
    const filtered = (byAgent && query.status !== undefined) || search !== undefined;
    const merge = mergeShards(readers.query, index, partitions, {
      newestFirst: true,
      after: position as string | undefined,
      chunk: filtered ? FILTERED_READ_SIZE : limit,
    });
    const status = query.status;
    const page = await collectFromIndex(readers, merge, index, {
      limit,
      filtered,
      matches: (call, at) =>
        (status === undefined || call.status === status) &&
        // By status: only where the call stands now (the index entry may be about to move).
        (byAgent || statusSortKey(call) === at) &&
        (search === undefined || search(call)),
    });
    return {
      items: page.calls,
      ...(page.resume !== undefined ? { nextCursor: encodeCursor(signature, page.resume) } : {}),
    };
  }

  if (position !== undefined && !isTableKey(position)) throw new InvalidCursorError('not readable');
  const extra = searchFilter(query);
  const read = (start: Item | undefined, readLimit: number) =>
    readers.scan({
      FilterExpression: ['begins_with(#pk, :calls)', ...(extra ? [extra.expression] : [])].join(' AND '),
      ExpressionAttributeNames: { '#pk': 'pk', ...extra?.names },
      ExpressionAttributeValues: { ':calls': { S: CALL_PK_PREFIX }, ...extra?.values },
      Limit: readLimit,
      ExclusiveStartKey: start,
    });
  const page = await collect(read, {
    start: position !== undefined ? { pk: { S: position[0] }, sk: { S: position[1] } } : undefined,
    limit,
    filtered: true,
  });
  return {
    items: page.items.map((item) => callOf(item)),
    ...(page.resume !== undefined ? { nextCursor: encodeCursor(signature, [page.resume.pk?.S, page.resume.sk?.S]) } : {}),
  };
}

/** Calls in `status` due before `before`, oldest first (for the sweeper), across every shard. */
export async function listStaleCalls(readers: Readers, status: CallStatus, before: string, limit: number): Promise<CallRecord[]> {
  checkStaleLimit(limit);
  const merge = mergeShards(readers.query, CALLS_BY_STATUS, statusPartitions(status), {
    newestFirst: false,
    below: before,
    chunk: Math.min(limit, FILTERED_READ_SIZE),
  });
  const calls: CallRecord[] = [];
  // Entries whose call has moved on since (the index lags the table) are skipped: the
  // sweeper acts on the stored record only.
  for (;;) {
    const page = await collectFromIndex(readers, merge, CALLS_BY_STATUS, {
      limit: limit - calls.length,
      filtered: false,
      matches: (call, at) => call.status === status && statusSortKey(call) === at,
    });
    calls.push(...page.calls);
    if (page.resume === undefined || calls.length >= limit) return calls;
  }
}
