// The Store methods pacing and callback tokens rely on, as a contract any Store adapter
// runs: getPacing/putPacing (version-conditional) and ensureServiceValue (first write wins).
import { randomUUID } from 'node:crypto';
import { acquireSlot, emptyPacing } from '../../functions/core/pacing';
import type { PacingState } from '../../functions/core/model';
import type { Store } from '../../functions/core/ports';

export function pacingStoreContract(name: string, store: () => Store): void {
  describe(`${name}: pacing state and service values`, () => {
    it('stores a first pacing state only when none exists, then only over the version it was decided on', async () => {
      const agentId = `agt_${randomUUID().slice(0, 8)}`;
      expect(await store().getPacing(agentId)).toBeUndefined();
      const first = acquireSlot(emptyPacing(agentId), { callId: 'call_a', attempt: 1 }, { maxLiveCalls: 2 }, 1_781_000_000_000)
        .state as PacingState;
      expect(await store().putPacing(first)).toBe(true);
      expect(await store().putPacing(first)).toBe(false);
      expect(await store().getPacing(agentId)).toEqual(first);

      const second = acquireSlot(first, { callId: 'call_b', attempt: 2 }, { maxLiveCalls: 2 }, 1_781_000_000_500).state as PacingState;
      const rival = acquireSlot(first, { callId: 'call_c', attempt: 1 }, { maxLiveCalls: 2 }, 1_781_000_000_600).state as PacingState;
      const results = await Promise.all([store().putPacing(second), store().putPacing(rival)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = (await store().getPacing(agentId)) as PacingState;
      expect(stored.version).toBe(2);
      expect(Object.keys(stored.leases).sort()).toEqual(results[0] ? ['call_a#1', 'call_b#2'] : ['call_a#1', 'call_c#1']);
      expect(stored.starts).toHaveLength(2);
    });

    it('keeps waiting lists and empty maps through a round trip', async () => {
      const state: PacingState = {
        agentId: `agt_${randomUUID().slice(0, 8)}`,
        leases: {},
        starts: [],
        waiting: ['call_x#1', 'call_y#3'],
        version: 1,
      };
      expect(await store().putPacing(state)).toBe(true);
      expect(await store().getPacing(state.agentId)).toEqual(state);
    });

    it('keeps the first service value written and returns it to every later caller', async () => {
      const key = `test-${randomUUID()}`;
      const [a, b] = await Promise.all([
        store().ensureServiceValue(key, 'first-candidate'),
        store().ensureServiceValue(key, 'second-candidate'),
      ]);
      expect(a).toBe(b);
      expect(['first-candidate', 'second-candidate']).toContain(a);
      expect(await store().ensureServiceValue(key, 'third-candidate')).toBe(a);
    });
  });
}
