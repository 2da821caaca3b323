import type { AttributeValue, QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { CallRecord, CallStatus } from '../../core/model';
import type { CallQuery, Page } from '../../core/ports';
import type { Item } from './dynamo-codec';
import { checkPageLimit, checkStaleLimit, listingSignature, parseIndexPosition } from '../../core/call-listing';
import { InvalidCursorError } from '../../core/errors';
import { decodeCursor, encodeCursor } from '../../core/page-cursor';
import {
  agentCallsPartition,
  CALL_PK_PREFIX,
  CALLS_BY_AGENT,
  CALLS_BY_STATUS,
  recordOf,
  statusPartition,
  type CallIndex,
} from './dynamo-items';

// Call listings:
//   agent (+ status)  gsi1 AGENT#<agentId>, newest created first; status is a filter
//   status            gsi2 STATUS#<status>, most recently updated first
//   neither           a scan of the table for CALL# items, in the table's own order.
// The unfiltered listing is a scan, not a merge of the six STATUS# partitions, because an
// item's place in a scan never moves: a call that changes status while an operator pages
// (the dialer runs all the time) is still listed exactly once. By-agent listings are
// stable the same way (createdAt never changes); by-status listings follow updatedAt, so
// a call updated meanwhile can move to a part of that list already read.
// A cursor holds the key of the last item returned (or DynamoDB's LastEvaluatedKey):
// the index sort key `<time>#<callId>` for index listings, [pk, sk] for the scan.

export type ReadPage = { Items?: Item[]; LastEvaluatedKey?: Item };
export type RunQuery = (input: Omit<QueryCommandInput, 'TableName'>) => Promise<ReadPage>;
export type RunScan = (input: Omit<ScanCommandInput, 'TableName'>) => Promise<ReadPage>;
export interface Readers {
  query: RunQuery;
  scan: RunScan;
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

/** One partition of a call index, optionally filtered by status and bounded above. */
function readIndex(
  run: RunQuery,
  index: CallIndex,
  partition: string,
  o: { newestFirst: boolean; status?: CallStatus; before?: string; extra?: Filter },
) {
  const names: Record<string, string> = { '#pk': index.pk };
  const values: Record<string, AttributeValue> = { ':pk': { S: partition } };
  let keyCondition = '#pk = :pk';
  if (o.before !== undefined) {
    names['#sk'] = index.sk;
    values[':before'] = { S: o.before };
    keyCondition += ' AND #sk < :before';
  }
  const filters: string[] = [];
  if (o.status !== undefined) {
    names['#status'] = 'status';
    values[':status'] = { S: o.status };
    filters.push('#status = :status');
  }
  if (o.extra) {
    Object.assign(names, o.extra.names);
    Object.assign(values, o.extra.values);
    filters.push(o.extra.expression);
  }
  return (start: Item | undefined, limit: number) =>
    run({
      IndexName: index.name,
      KeyConditionExpression: keyCondition,
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !o.newestFirst,
      Limit: limit,
      ExclusiveStartKey: start,
    });
}

/** The index's full start key, rebuilt from the sort key `<time>#<callId>` a cursor keeps. */
function indexStartKey(index: CallIndex, partition: string, sortKey: string): Item {
  const callId = sortKey.slice(sortKey.indexOf('#') + 1);
  return { pk: { S: `${CALL_PK_PREFIX}${callId}` }, sk: { S: 'CALL' }, [index.pk]: { S: partition }, [index.sk]: { S: sortKey } };
}

const isTableKey = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string' && part.length > 0 && part.length <= 1024);

interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** The from / to / q part of a call query as a DynamoDB filter (undefined: none asked). */
function searchFilter(query: CallQuery): Filter | undefined {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
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
  const extra = searchFilter(query);
  const signature = listingSignature(query);
  const position = query.cursor !== undefined ? decodeCursor(query.cursor, signature) : undefined;
  const { limit } = query;

  let page: { items: Item[]; resume?: Item };
  let positionOf: (key: Item) => unknown;
  if (query.agentId !== undefined || query.status !== undefined) {
    const [index, partition] =
      query.agentId !== undefined
        ? [CALLS_BY_AGENT, agentCallsPartition(query.agentId)]
        : [CALLS_BY_STATUS, statusPartition(query.status as CallStatus)];
    if (position !== undefined) parseIndexPosition(position);
    const read = readIndex(readers.query, index, partition, {
      newestFirst: true,
      status: query.agentId !== undefined ? query.status : undefined,
      extra,
    });
    page = await collect(read, {
      start: position !== undefined ? indexStartKey(index, partition, position as string) : undefined,
      limit,
      filtered: (query.agentId !== undefined && query.status !== undefined) || extra !== undefined,
    });
    positionOf = (key) => key[index.sk]?.S;
  } else {
    if (position !== undefined && !isTableKey(position)) throw new InvalidCursorError('not readable');
    const read = (start: Item | undefined, readLimit: number) =>
      readers.scan({
        FilterExpression: ['begins_with(#pk, :calls)', ...(extra ? [extra.expression] : [])].join(' AND '),
        ExpressionAttributeNames: { '#pk': 'pk', ...extra?.names },
        ExpressionAttributeValues: { ':calls': { S: CALL_PK_PREFIX }, ...extra?.values },
        Limit: readLimit,
        ExclusiveStartKey: start,
      });
    page = await collect(read, {
      start: position !== undefined ? { pk: { S: position[0] }, sk: { S: position[1] } } : undefined,
      limit,
      filtered: true,
    });
    positionOf = (key) => [key.pk?.S, key.sk?.S];
  }
  return {
    items: page.items.map((item) => recordOf<CallRecord>(item)),
    ...(page.resume !== undefined ? { nextCursor: encodeCursor(signature, positionOf(page.resume)) } : {}),
  };
}

/** Calls in `status` last updated before `before`, oldest first (for the sweeper). */
export async function listStaleCalls(run: RunQuery, status: CallStatus, before: string, limit: number): Promise<CallRecord[]> {
  checkStaleLimit(limit);
  const page = await collect(readIndex(run, CALLS_BY_STATUS, statusPartition(status), { newestFirst: false, before }), {
    limit,
    filtered: false,
  });
  return page.items.map((item) => recordOf<CallRecord>(item));
}
