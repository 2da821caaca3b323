// DynamoDB write units as AWS bills them, per table and index and per partition key,
// computed from the items the store writes (dynalite reports the table's units only, and
// nothing for indexes). The rules (developerguide/CapacityUnitCalculations.html and
// GSI.ThroughputConsiderations.html):
//   - item size: attribute names + values (string: UTF-8 bytes; number: 1 byte per two
//     significant digits + 1; bool/null: 1; list/map: 3 + 1 per element + elements);
//   - a put or delete costs 1 WRU per started KB of the larger of the old and new item;
//     a write refused by its condition still costs 1 WRU;
//   - an index is written when an item gains, loses or changes an entry there: an entry
//     whose key changed is a delete plus a put (two writes); with KEYS_ONLY an update
//     that keeps the entry's keys writes nothing there; the entry's size is its projected
//     attributes (the table and index keys for KEYS_ONLY).
import { TABLE_KEYS } from '../functions/adapters/dynamodb/table-definition';

type Value = {
  S?: string;
  N?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: Value[];
  M?: Record<string, Value>;
  SS?: string[];
  NS?: string[];
};
type Item = Record<string, Value>;

export interface WriteEvent {
  /** performance.now() of the write. */
  at: number;
  /** 'table' or an index name. */
  target: string;
  /** The partition key value written (table pk, or the index's partition key). */
  key: string;
  units: number;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(v: Value): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.L !== undefined) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
  if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  return 0;
}

/** The item's size in bytes as DynamoDB counts it. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

interface IndexShape {
  name: string;
  pk: string;
  sk: string;
  keysOnly: boolean;
}
const INDEXES: IndexShape[] = TABLE_KEYS.indexes.map((i) => ({
  name: i.indexName,
  pk: i.partitionKey,
  sk: i.sortKey,
  keysOnly: i.projection === 'KEYS_ONLY',
}));

function entryOf(item: Item | undefined, index: IndexShape): Item | undefined {
  if (!item || item[index.pk]?.S === undefined || item[index.sk]?.S === undefined) return undefined;
  if (!index.keysOnly) return item;
  const pick = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.pk, index.sk];
  return Object.fromEntries(pick.filter((n) => item[n] !== undefined).map((n) => [n, item[n] as Value]));
}

const same = (a: Item, b: Item) => JSON.stringify(a) === JSON.stringify(b);

/** Follows every item the store writes and logs each table and index write it costs. */
export class WriteUnitMeter {
  readonly events: WriteEvent[] = [];
  private readonly images = new Map<string, Item>();

  /** A put, delete or refused write the SDK was asked for (`after` undefined: deleted). */
  private change(at: number, key: Item, after: Item | undefined): void {
    const id = `${key[TABLE_KEYS.partitionKey]?.S}\u0000${key[TABLE_KEYS.sortKey]?.S}`;
    const before = this.images.get(id);
    if (after) this.images.set(id, after);
    else this.images.delete(id);
    const pk = key[TABLE_KEYS.partitionKey]?.S ?? '?';
    this.events.push({ at, target: 'table', key: pk, units: kb(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0)) });
    for (const index of INDEXES) {
      const old = entryOf(before, index);
      const next = entryOf(after, index);
      const oldKey = old && `${old[index.pk]?.S}\u0000${old[index.sk]?.S}`;
      const nextKey = next && `${next[index.pk]?.S}\u0000${next[index.sk]?.S}`;
      if (old && next && oldKey === nextKey) {
        if (!same(old, next)) this.events.push({ at, target: index.name, key: next[index.pk]?.S ?? '?', units: kb(itemSize(next)) });
        continue;
      }
      if (old) this.events.push({ at, target: index.name, key: old[index.pk]?.S ?? '?', units: kb(itemSize(old)) });
      if (next) this.events.push({ at, target: index.name, key: next[index.pk]?.S ?? '?', units: kb(itemSize(next)) });
    }
  }

  /** Call after a write request settled; `refused`: its condition failed (nothing written, 1 WRU). */
  record(command: string, input: Record<string, any>, at: number, refused: boolean): void {
    if (refused) {
      const key = input.Item ?? input.Key;
      this.events.push({ at, target: 'table', key: key?.[TABLE_KEYS.partitionKey]?.S ?? '?', units: 1 });
      return;
    }
    if (command === 'PutItemCommand' && input.Item) this.change(at, input.Item, input.Item);
    else if (command === 'DeleteItemCommand' && input.Key) this.change(at, input.Key, undefined);
    else if (command === 'BatchWriteItemCommand') {
      for (const requests of Object.values(input.RequestItems ?? {}) as { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[][])
        for (const r of requests) {
          if (r.PutRequest) this.change(at, r.PutRequest.Item, r.PutRequest.Item);
          if (r.DeleteRequest) this.change(at, r.DeleteRequest.Key, undefined);
        }
    } else if (command === 'UpdateItemCommand') {
      // The store never updates in place; the after-image is unknown here, so the table's
      // minimum is logged and the item's index entries are left as they were.
      this.events.push({ at, target: 'table', key: input.Key?.[TABLE_KEYS.partitionKey]?.S ?? '?', units: 1 });
    }
  }
}

export interface TargetFigures {
  units: number;
  writes: number;
  /** The most writes one partition key took in any one second, and that key (ids cut). */
  peakWritesPerKeySecond: number;
  peakKey: string;
  /** The most writes one partition key took over the whole window. */
  busiestKeyWrites: number;
  busiestKey: string;
}

export interface WriteUnitSummary {
  /** By 'table' and index name, in the table's order. */
  targets: Record<string, TargetFigures>;
  totalUnits: number;
}

export const WRITE_TARGETS = ['table', ...TABLE_KEYS.indexes.map((i) => i.indexName)];

/** Keys name calls and contacts; a report needs only their shape. */
function keyShape(key: string): string {
  return key.replace(/^(CALL|CONTACT)#.*/, '$1#…').replace(/^AGENT#[^#]+/, 'AGENT#<agent>');
}

export function summarize(events: WriteEvent[]): WriteUnitSummary {
  const targets: Record<string, TargetFigures> = {};
  for (const target of WRITE_TARGETS) {
    const mine = events.filter((e) => e.target === target);
    const perSecond = new Map<string, number>();
    const perKey = new Map<string, number>();
    for (const e of mine) {
      const slot = `${Math.floor(e.at / 1000)}\u0000${e.key}`;
      perSecond.set(slot, (perSecond.get(slot) ?? 0) + 1);
      perKey.set(e.key, (perKey.get(e.key) ?? 0) + 1);
    }
    const [peakSlot, peak] = [...perSecond.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), ['\u0000—', 0]);
    const [busiestKey, busiest] = [...perKey.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), ['—', 0]);
    targets[target] = {
      units: mine.reduce((sum, e) => sum + e.units, 0),
      writes: mine.length,
      peakWritesPerKeySecond: peak,
      peakKey: keyShape(peakSlot.split('\u0000')[1] ?? '—'),
      busiestKeyWrites: busiest,
      busiestKey: keyShape(busiestKey),
    };
  }
  return { targets, totalUnits: Object.values(targets).reduce((sum, t) => sum + t.units, 0) };
}

/** The import's intake rate the issue asks the layout to take (HubSpot's ceiling, rounded up). */
export const TARGET_CONTACTS_PER_SECOND = 2000;

/**
 * Writes per second the busiest partition key would take at `rate` contacts/s: its share
 * of the run's writes per contact, times the rate. The run itself is slower than AWS
 * (dynalite on a shared CPU), so its own peak says little about a real import.
 */
export function projectedPeak(t: TargetFigures, contacts: number, rate = TARGET_CONTACTS_PER_SECOND): number {
  return contacts > 0 ? (t.busiestKeyWrites / contacts) * rate : 0;
}

/** What the report needs of a run: its contacts, the import's write summary, and the callbacks'. */
export interface LayoutRun {
  config: { contacts: number };
  sdk: { writeUnits?: WriteUnitSummary };
  callbacks?: { sent: number; sdk: { writeUnits?: WriteUnitSummary } };
}

/**
 * Write units per contact from creation to completed, by table and index: the import
 * (create, dialling, placed) per contact plus one completing callback's (per callback sent).
 */
export function unitsPerContact(run: LayoutRun): Record<string, number> | undefined {
  const imported = run.sdk.writeUnits;
  if (!imported) return undefined;
  const completed = run.callbacks && run.callbacks.sent > 0 ? run.callbacks.sdk.writeUnits : undefined;
  const out: Record<string, number> = {};
  for (const target of WRITE_TARGETS) {
    out[target] =
      (imported.targets[target]?.units ?? 0) / run.config.contacts +
      (completed && run.callbacks ? (completed.targets[target]?.units ?? 0) / run.callbacks.sent : 0);
  }
  out.total = Object.values(out).reduce((a, b) => a + b, 0);
  return out;
}

/** The busiest partition key of each target at TARGET_CONTACTS_PER_SECOND, writes per second. */
export function projectedPeaks(run: LayoutRun): Record<string, { key: string; perSecond: number; measuredPeak: number }> {
  const out: Record<string, { key: string; perSecond: number; measuredPeak: number }> = {};
  const w = run.sdk.writeUnits;
  if (!w) return out;
  for (const target of WRITE_TARGETS) {
    const t = w.targets[target];
    if (t) out[target] = { key: t.busiestKey, perSecond: projectedPeak(t, run.config.contacts), measuredPeak: t.peakWritesPerKeySecond };
  }
  return out;
}

export const LAYOUT_TARGETS = { wruPerContact: 5, writesPerKeySecond: 1000, usdPer1000: 0.008 } as const;

type Row = [string, string];

export function layoutRows(run: LayoutRun): Row[] {
  const per = unitsPerContact(run);
  if (!per) return [];
  const peaks = projectedPeaks(run);
  const f = (x: number) => x.toFixed(2);
  return [
    [
      `DynamoDB WRU per contact, creation → completed: ${WRITE_TARGETS.join(' / ')} = total (from item sizes)`,
      `${WRITE_TARGETS.map((t) => f(per[t] ?? 0)).join(' / ')} = ${f(per.total ?? 0)}`,
    ],
    [
      'busiest partition key, writes/s: measured peak / at 2,000 contacts/s (its share × 2,000)',
      WRITE_TARGETS.map(
        (t) => `${t} ${peaks[t]?.key ?? '—'} ${peaks[t]?.measuredPeak ?? 0} / ${Math.round(peaks[t]?.perSecond ?? 0)}`,
      ).join('; '),
    ],
  ];
}

export function layoutTargets(run: LayoutRun, costUsd: number): Row[] {
  const per = unitsPerContact(run);
  if (!per) return [];
  const worst = Math.max(...Object.values(projectedPeaks(run)).map((p) => p.perSecond));
  const tick = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    [
      `at most ${LAYOUT_TARGETS.wruPerContact} WRU per contact, creation → completed: ${(per.total ?? 0).toFixed(2)}`,
      tick((per.total ?? 0) <= LAYOUT_TARGETS.wruPerContact),
    ],
    [
      `no partition key over ${LAYOUT_TARGETS.writesPerKeySecond.toLocaleString('en-US')} writes/s at 2,000 contacts/s: busiest ${Math.round(worst)}`,
      tick(worst <= LAYOUT_TARGETS.writesPerKeySecond),
    ],
    [
      `AWS cost at most $${LAYOUT_TARGETS.usdPer1000} per 1,000 contacts: $${costUsd.toFixed(4)}`,
      tick(costUsd <= LAYOUT_TARGETS.usdPer1000),
    ],
  ];
}
