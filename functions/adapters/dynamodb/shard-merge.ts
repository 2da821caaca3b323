import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RunQuery } from './dynamo-call-listing';
import type { CallIndex } from './dynamo-items';
import type { Item } from './dynamo-codec';

// One logical index partition stored as several (STATUS#<status>#<shard>, ...): each shard
// is read in sort-key order and the shards are merged, so the reader sees one list in the
// order a single partition would give. Sort keys are `<time>#<callId>`, unique, so a
// position (the last sort key handed out) is a complete cursor: every shard resumes
// strictly after it.

export interface MergeOptions {
  newestFirst: boolean;
  /** Only sort keys strictly before this one in the reading order (a cursor, or the sweeper's cutoff). */
  after?: string;
  /** Only sort keys below this one (listStaleCalls' `before`, read oldest first). */
  below?: string;
  /** Keys read per request and shard. */
  chunk: number;
}

interface Shard {
  partition: string;
  keys: Item[];
  start?: Item;
  done: boolean;
}

export interface ShardMerge {
  /** The next index entry (keys only) in merged order; undefined when every shard is read. */
  next(): Promise<Item | undefined>;
  /** Index queries sent so far. */
  readonly queries: number;
}

export function mergeShards(run: RunQuery, index: CallIndex, partitions: string[], o: MergeOptions): ShardMerge {
  const shards: Shard[] = partitions.map((partition) => ({ partition, keys: [], done: false }));
  let queries = 0;
  const names: Record<string, string> = { '#pk': index.pk };
  const bounds: string[] = [];
  const values: Record<string, AttributeValue> = {};
  if (o.after !== undefined) {
    names['#sk'] = index.sk;
    values[':after'] = { S: o.after };
    bounds.push(o.newestFirst ? '#sk < :after' : '#sk > :after');
  }
  if (o.below !== undefined) {
    names['#sk'] = index.sk;
    values[':below'] = { S: o.below };
    bounds.push('#sk < :below');
  }
  const keyCondition = ['#pk = :pk', ...bounds].join(' AND ');

  async function fill(shard: Shard): Promise<void> {
    while (shard.keys.length === 0 && !shard.done) {
      queries += 1;
      const res = await run({
        IndexName: index.name,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':pk': { S: shard.partition } },
        ScanIndexForward: !o.newestFirst,
        Limit: o.chunk,
        ExclusiveStartKey: shard.start,
      });
      shard.keys.push(...(res.Items ?? []));
      shard.start = res.LastEvaluatedKey;
      shard.done = shard.start === undefined;
    }
  }

  const sortKey = (item: Item) => item[index.sk]?.S ?? '';
  return {
    async next() {
      await Promise.all(shards.map(fill));
      let best: Shard | undefined;
      for (const shard of shards) {
        const head = shard.keys[0];
        if (head === undefined) continue;
        if (best === undefined) best = shard;
        else {
          // Code-unit order, as DynamoDB sorts (UTF-8 bytes) for these ASCII keys.
          const [a, b] = [sortKey(head), sortKey(best.keys[0] as Item)];
          if (o.newestFirst ? a > b : a < b) best = shard;
        }
      }
      return best?.keys.shift();
    },
    get queries() {
      return queries;
    },
  };
}
