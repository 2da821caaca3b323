// updateCall's "known record" path: a caller that just stored a record decides on it
// without reading it again, and a stale one still ends in the decision the stored
// record calls for. The store here is a plain in-memory Store with the same version
// condition as the DynamoDB adapter (pure code; DynamoDB itself is covered elsewhere).
import { updateCall, type Decision } from '../../functions/core/call-updates';
import type { CallRecord } from '../../functions/core/model';
import type { Store } from '../../functions/core/ports';

function record(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'call_1',
    workspaceId: 'ws_1',
    agentId: 'agt_1',
    portalId: '123',
    contactId: '42',
    to: '+12125550100',
    variables: {},
    status: 'dialing',
    reason: 'dialing attempt 1',
    settings: { carryOver: true, numOfRetries: 0, gapHours: [] },
    timezone: 'UTC',
    attempts: [{ number: 1, scheduledAt: '2026-06-01T12:00:00.000Z', startedAt: '2026-06-01T12:00:00.000Z' }],
    history: [],
    createdAt: '2026-06-01T12:00:00.000Z',
    updatedAt: '2026-06-01T12:00:00.000Z',
    version: 2,
    ...overrides,
  };
}

function memoryStore(initial: CallRecord) {
  let stored = structuredClone(initial);
  const counts = { reads: 0, writes: 0 };
  const store = {
    async getCall(id: string) {
      counts.reads += 1;
      return id === stored.id ? structuredClone(stored) : undefined;
    },
    async updateCall(call: CallRecord) {
      counts.writes += 1;
      if (call.id !== stored.id || call.version - 1 !== stored.version) return false;
      stored = structuredClone(call);
      return true;
    },
  } as Partial<Store> as Store;
  return { store, counts, stored: () => stored, replace: (call: CallRecord) => (stored = structuredClone(call)) };
}

/** Marks the attempt placed, as recordPlaced does; leaves a call no longer dialing alone. */
const markPlaced = (call: CallRecord): Decision<never> =>
  call.status === 'dialing' ? { call: { ...call, reason: 'placed', version: call.version + 1 } } : { unchanged: `call is ${call.status}` };

describe('updateCall with a known record', () => {
  it('decides on the known record and writes without reading', async () => {
    const current = record();
    const mem = memoryStore(current);

    const result = await updateCall(mem.store, current.id, markPlaced, { known: current });

    expect(result).toMatchObject({ status: 'updated', call: { reason: 'placed', version: 3 } });
    expect(mem.counts).toEqual({ reads: 0, writes: 1 });
    expect(mem.stored()).toMatchObject({ reason: 'placed', version: 3 });
  });

  it('falls back to a fresh read when the known record lost a race, and decides on that', async () => {
    const known = record();
    const mem = memoryStore(known);
    // A status callback got there first: the stored record moved on to completed.
    mem.replace(record({ status: 'completed', reason: 'connected', version: 3 }));

    const result = await updateCall(mem.store, known.id, markPlaced, { known });

    expect(result).toMatchObject({ status: 'unchanged', reason: 'call is completed', call: { status: 'completed', version: 3 } });
    expect(mem.counts).toEqual({ reads: 1, writes: 1 });
    expect(mem.stored()).toMatchObject({ status: 'completed', reason: 'connected', version: 3 });
  });

  it('writes over the fresh record when the race left it still open to the change', async () => {
    const known = record();
    const mem = memoryStore(known);
    mem.replace(record({ reason: 'provider slow', version: 3 }));

    const result = await updateCall(mem.store, known.id, markPlaced, { known });

    expect(result).toMatchObject({ status: 'updated', call: { reason: 'placed', version: 4 } });
    expect(mem.counts).toEqual({ reads: 1, writes: 2 });
  });

  it('does not trust an "unchanged" decided on the known record: it reads and decides again', async () => {
    const stale = record({ status: 'scheduled', version: 1 });
    const mem = memoryStore(record({ version: 2 }));

    const result = await updateCall(mem.store, stale.id, markPlaced, { known: stale });

    expect(result).toMatchObject({ status: 'updated', call: { reason: 'placed', version: 3 } });
    expect(mem.counts).toEqual({ reads: 1, writes: 1 });
  });

  it('ignores a known record of another call', async () => {
    const mem = memoryStore(record());

    const result = await updateCall(mem.store, 'call_1', markPlaced, { known: record({ id: 'call_2', version: 7 }) });

    expect(result).toMatchObject({ status: 'updated', call: { id: 'call_1', version: 3 } });
    expect(mem.counts).toEqual({ reads: 1, writes: 1 });
  });

  it('reads first when no record is known', async () => {
    const mem = memoryStore(record());

    expect(await updateCall(mem.store, 'call_1', markPlaced)).toMatchObject({ status: 'updated' });
    expect(await updateCall(mem.store, 'call_missing', markPlaced)).toEqual({ status: 'not-found' });
    expect(mem.counts).toEqual({ reads: 2, writes: 1 });
  });
});
