// The bench's write-unit arithmetic (bench/write-units.ts): DynamoDB's item-size rules and
// what a put costs in the table and in each keys-only index.
import { itemSize, projectedPeak, summarize, WriteUnitMeter } from '../../bench/write-units';

const s = (S: string) => ({ S });

describe('itemSize', () => {
  it('counts names and values as DynamoDB does: strings in UTF-8, numbers by digit pairs, maps and lists with overhead', () => {
    expect(itemSize({ a: s('xyz') })).toBe(4);
    expect(itemSize({ é: s('é') })).toBe(4);
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 3 + 1);
    expect(itemSize({ n: { N: '0.0100' } })).toBe(1 + 1 + 1);
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(4);
    expect(itemSize({ l: { L: [s('ab'), s('c')] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { M: { k: s('v') } } })).toBe(1 + 3 + (1 + 1 + 1));
  });
});

const call = (status: string, at: string, extra = '') => ({
  pk: s('CALL#c1'),
  sk: s('CALL'),
  status: s(status),
  note: s(extra),
  gsi1pk: s('AGENT#a#3'),
  gsi1sk: s('t0#c1'),
  gsi2pk: s(`STATUS#${status}#3`),
  gsi2sk: s(`${at}#c1`),
  gsi3pk: s('CONTACT#w#p#9'),
  gsi3sk: s('c1'),
});

describe('WriteUnitMeter', () => {
  it('charges an index only when an entry appears, moves (delete + put) or goes', () => {
    const meter = new WriteUnitMeter();
    meter.record('PutItemCommand', { Item: call('scheduled', 't1') }, 1000, false);
    meter.record('PutItemCommand', { Item: call('dialing', 't2', 'x'.repeat(1100)) }, 1500, false);
    meter.record('PutItemCommand', { Item: call('dialing', 't2', 'y') }, 2100, false);
    meter.record('PutItemCommand', { Item: call('dialing', 't2') }, 2200, true);
    const w = summarize(meter.events);
    // 1 + 2 (the new item is over 1 KB) + 2 (the old one was) + 1 refused.
    expect(w.targets.table?.units).toBe(6);
    // Keys never changed: written once, when the entry appeared.
    expect(w.targets.gsi1?.writes).toBe(1);
    expect(w.targets.gsi3?.writes).toBe(1);
    // Inserted, then moved once (delete from STATUS#scheduled#3, put into STATUS#dialing#3).
    expect(w.targets.gsi2?.writes).toBe(3);
    expect(w.targets.gsi2?.units).toBe(3);
    expect(w.totalUnits).toBe(11);
    // Seconds 1 (1000, 1500 ms) and 2 (2100, 2200 ms): two writes each.
    expect(w.targets.table?.peakWritesPerKeySecond).toBe(2);
    expect(w.targets.table?.busiestKeyWrites).toBe(4);
    expect(w.targets.table?.busiestKey).toBe('CALL#…');
  });

  it('logs a delete against the entries the item had', () => {
    const meter = new WriteUnitMeter();
    meter.record('PutItemCommand', { Item: call('completed', 't1') }, 0, false);
    meter.record('DeleteItemCommand', { Key: { pk: s('CALL#c1'), sk: s('CALL') } }, 0, false);
    const w = summarize(meter.events);
    expect(w.targets.gsi2?.writes).toBe(2);
    expect(w.targets.table?.writes).toBe(2);
  });

  it('projects the busiest key to the target rate from its share of the writes per contact', () => {
    const meter = new WriteUnitMeter();
    for (let i = 0; i < 10; i++) meter.record('PutItemCommand', { Item: { ...call('scheduled', `t${i}`), pk: s(`CALL#c${i}`) } }, 0, false);
    const gsi2 = summarize(meter.events).targets.gsi2;
    if (!gsi2) throw new Error('no gsi2 figures');
    // Every one of 10 contacts wrote STATUS#scheduled#3 once: at 2,000 contacts/s that key takes 2,000 writes/s.
    expect(projectedPeak(gsi2, 10)).toBe(2000);
    expect(projectedPeak(gsi2, 20)).toBe(1000);
  });
});
