import type { BackfillJob } from '../../core/backfill';
import { indexPosition, statusOrderTime } from '../../core/call-listing';
import type { Agent, ApiKeyRecord, CallRecord, ContactTombstone, DoNotCallEntry, HubSpotConnection, PacingState } from '../../core/model';
import { fromAttributeMap, toAttributeMap, type Item } from './dynamo-codec';
import { TABLE_KEYS } from './table-definition';

// Where each record lives in the single table. The record's own fields are stored as
// top-level attributes beside the keys; the keys are dropped again when it is read.
//
//   record        pk                 sk          gsi1pk / gsi1sk                          gsi2pk / gsi2sk
//   API key       APIKEY#<keyHash>   APIKEY      -                                        -
//   agent         AGENT#<id>         AGENT       WORKSPACE#<ws>#AGENTS / <createdAt>#<id>  -
//   HubSpot conn. HUBSPOT#<ws>       CONNECTION  -                                        -
//   pacing        PACING#<agentId>   PACING      -                                        -
//   service value SERVICE#<name>     SERVICE     -                                        -
//   backfill job  BACKFILL#<id>      BACKFILL    -                                        -
//   call          CALL#<id>          CALL        AGENT#<agentId>#<shard> / <createdAt>#<id>  STATUS#<status>#<shard> / <dueAt>#<id> (dueAt: core's statusOrderTime:
//                                                                                            pending attempt time when scheduled, else updatedAt; an erased
//                                                                                            finished call sorts as ~<updatedAt>, after every time, so stale-call ranges skip it)
//                 (and gsi3pk / gsi3sk: CONTACT#<ws>#<portal>#<contactId> / <id>, a contact's calls for deletion, merge and erasure)
//                 <shard> is callShard(id): 0..CALL_SHARDS-1, so no index partition takes every call (LAYOUT.md)
//   tombstone     TOMBSTONE#<ws>#<portal>#<contactId>  TOMBSTONE  kind, at, expiresAt (TTL)
//   do-not-call   DNC#<ws>           <E.164 number>   reason?, addedAt

const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  TABLE_KEYS.ttlAttribute,
  ...TABLE_KEYS.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
]);

const s = (value: string) => ({ S: value });

export const CALL_PK_PREFIX = 'CALL#';

export const keys = {
  apiKey: (keyHash: string): Item => ({ pk: s(`APIKEY#${keyHash}`), sk: s('APIKEY') }),
  agent: (id: string): Item => ({ pk: s(`AGENT#${id}`), sk: s('AGENT') }),
  hubspot: (workspaceId: string): Item => ({ pk: s(`HUBSPOT#${workspaceId}`), sk: s('CONNECTION') }),
  call: (id: string): Item => ({ pk: s(`${CALL_PK_PREFIX}${id}`), sk: s('CALL') }),
  pacing: (agentId: string): Item => ({ pk: s(`PACING#${agentId}`), sk: s('PACING') }),
  serviceValue: (name: string): Item => ({ pk: s(`SERVICE#${name}`), sk: s('SERVICE') }),
  backfill: (id: string): Item => ({ pk: s(`BACKFILL#${id}`), sk: s('BACKFILL') }),
  tombstone: (workspaceId: string, portalId: string, contactId: string): Item => ({
    pk: s(`TOMBSTONE#${workspaceId}#${portalId}#${contactId}`),
    sk: s('TOMBSTONE'),
  }),
  doNotCall: (workspaceId: string, number: string): Item => ({ pk: s(doNotCallPartition(workspaceId)), sk: s(number) }),
};

export function backfillItem(job: BackfillJob): Item {
  return { ...toAttributeMap(job), ...keys.backfill(job.id) };
}

export const contactCallsPartition = (workspaceId: string, portalId: string, contactId: string) =>
  `CONTACT#${workspaceId}#${portalId}#${contactId}`;
export const doNotCallPartition = (workspaceId: string) => `DNC#${workspaceId}`;

/** Tombstones outlive HubSpot's 24 h of redeliveries by far; after this DynamoDB's TTL removes them. */
export const TOMBSTONE_DAYS = 30;

/** A secondary index: its name and key attribute names. */
export interface CallIndex {
  name: string;
  pk: string;
  sk: string;
}
const [gsi1, gsi2, gsi3] = TABLE_KEYS.indexes;
export const GSI1: CallIndex = { name: gsi1.indexName, pk: gsi1.partitionKey, sk: gsi1.sortKey };
export const GSI2: CallIndex = { name: gsi2.indexName, pk: gsi2.partitionKey, sk: gsi2.sortKey };
export const GSI3: CallIndex = { name: gsi3.indexName, pk: gsi3.partitionKey, sk: gsi3.sortKey };
export const CALLS_BY_AGENT = GSI1;
export const CALLS_BY_CONTACT = GSI3;
export const CALLS_BY_STATUS = GSI2;
export const AGENTS_BY_WORKSPACE = GSI1;
export const agentsPartition = (workspaceId: string) => `WORKSPACE#${workspaceId}#AGENTS`;
export const agentCallsPartition = (agentId: string, shard: number) => `AGENT#${agentId}#${shard}`;
export const statusPartition = (status: string, shard: number) => `STATUS#${status}#${shard}`;

/**
 * Index partitions per agent and per status. Every call goes to one of them by its id, so
 * a bulk import of one agent spreads over this many partition keys in each index, and a
 * listing reads them all and merges them by the sort key (LAYOUT.md has the arithmetic).
 */
export const CALL_SHARDS = 16;

/** A call's shard: FNV-1a of its id, so the same call always lands in the same partition. */
export function callShard(callId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < callId.length; i++) {
    hash ^= callId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % CALL_SHARDS;
}

/** Every partition of one agent's or one status's calls, shard 0 first. */
export const agentCallsPartitions = (agentId: string) => Array.from({ length: CALL_SHARDS }, (_, i) => agentCallsPartition(agentId, i));
export const statusPartitions = (status: string) => Array.from({ length: CALL_SHARDS }, (_, i) => statusPartition(status, i));

/** The call id an index or table key names (pk CALL#<id>). */
export function callIdOfKey(item: Item): string | undefined {
  const pk = item[TABLE_KEYS.partitionKey]?.S;
  return pk?.startsWith(CALL_PK_PREFIX) ? pk.slice(CALL_PK_PREFIX.length) : undefined;
}

/** Index sort keys are core's listing positions `<time>#<id>`. */
export const indexSortKey = indexPosition;

export function apiKeyItem(key: ApiKeyRecord): Item {
  return { ...toAttributeMap(key), ...keys.apiKey(key.keyHash) };
}

export function agentItem(agent: Agent): Item {
  return {
    ...toAttributeMap(agent),
    ...keys.agent(agent.id),
    [AGENTS_BY_WORKSPACE.pk]: s(agentsPartition(agent.workspaceId)),
    [AGENTS_BY_WORKSPACE.sk]: s(indexSortKey(agent.createdAt, agent.id)),
  };
}

export function hubspotItem(connection: HubSpotConnection): Item {
  return { ...toAttributeMap(connection), ...keys.hubspot(connection.workspaceId) };
}

/** A call's position in the by-status index (and so in listStaleCalls). */
export const statusSortKey = (call: CallRecord) => indexSortKey(statusOrderTime(call), call.id);

export function callItem(call: CallRecord): Item {
  const shard = callShard(call.id);
  // The id is the key's (CALL#<id>): stored once, it keeps a call's first writes under 1 KB (LAYOUT.md).
  const { id: _id, ...fields } = call;
  return {
    ...toAttributeMap(fields),
    ...keys.call(call.id),
    [CALLS_BY_AGENT.pk]: s(agentCallsPartition(call.agentId, shard)),
    [CALLS_BY_AGENT.sk]: s(indexSortKey(call.createdAt, call.id)),
    [CALLS_BY_STATUS.pk]: s(statusPartition(call.status, shard)),
    [CALLS_BY_STATUS.sk]: s(statusSortKey(call)),
    [CALLS_BY_CONTACT.pk]: s(contactCallsPartition(call.workspaceId, call.portalId, call.contactId)),
    [CALLS_BY_CONTACT.sk]: s(call.id),
  };
}

/** A stored call: its fields, and its id from the key. */
export function callOf(item: Item): CallRecord {
  const call = recordOf<CallRecord>(item);
  // Items written before the id moved into the key alone still carry it as a field.
  return { ...call, id: call.id ?? (callIdOfKey(item) as string) };
}

export function tombstoneItem(tombstone: ContactTombstone): Item {
  const expiresAt = Math.floor(Date.parse(tombstone.at) / 1000) + TOMBSTONE_DAYS * 86_400;
  return {
    ...toAttributeMap(tombstone),
    ...keys.tombstone(tombstone.workspaceId, tombstone.portalId, tombstone.contactId),
    [TABLE_KEYS.ttlAttribute]: { N: String(expiresAt) },
  };
}

export function doNotCallItem(workspaceId: string, entry: DoNotCallEntry): Item {
  return { ...toAttributeMap(entry), ...keys.doNotCall(workspaceId, entry.number) };
}

/** The stored record without the table's key attributes. Items are only written by this module. */
export function recordOf<T>(item: Item): T {
  const fields: Item = {};
  for (const [name, value] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(name)) fields[name] = value;
  return fromAttributeMap(fields) as T;
}

export function pacingItem(state: PacingState): Item {
  return { ...toAttributeMap(state), ...keys.pacing(state.agentId) };
}

export function serviceValueItem(name: string, value: string): Item {
  return { ...keys.serviceValue(name), value: s(value) };
}
