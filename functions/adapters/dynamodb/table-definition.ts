// The single-table layout, shared by the CDK stack, `npm start` and the tests so the
// three never disagree on key names or indexes. Access patterns, shards and the write
// arithmetic (WRU per contact, writes per partition key at 2,000 contacts/s): LAYOUT.md.
//
//   pk / sk          primary key (e.g. CALL#<id> / CALL)
//   gsi1pk / gsi1sk  calls by agent:  AGENT#<agentId>#<shard> / <createdAt>#<callId>
//   gsi2pk / gsi2sk  calls by status: STATUS#<status>#<shard> / <dueAt>#<callId> (a scheduled call's
//                    pending attempt time, else its last update: what the sweeper scans)
//   gsi3pk / gsi3sk  calls by contact: CONTACT#<ws>#<portal>#<contactId> / <callId> (deletion, merge, erasure)
//   expiresAt        TTL (epoch seconds) for items that may expire
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    // Keys only: an index entry is ~100 bytes (1 WRU), and an update that leaves an
    // entry's keys alone writes nothing to that index. Readers fetch the records they
    // list from the table with BatchGetItem.
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'KEYS_ONLY' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'KEYS_ONLY' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'KEYS_ONLY' },
  ],
} as const;

/** CreateTable input for local DynamoDB APIs (dynalite, DynamoDB Local). */
export function createTableInput(tableName: string) {
  const names = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...TABLE_KEYS.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: i.projection },
    })),
  };
}
