import { acquireSlot, emptyPacing, releaseSlots, type SlotDecision } from '../core/pacing';
import type { DialJob, Pacing, PacingState } from '../core/model';
import type { AttemptDispatcher, Store } from '../core/ports';

// Reads an agent's pacing state, decides with core/pacing, and writes the decision back
// only over the version it was decided on; a lost race decides again on a fresh read.
// Many dials of one agent contend here at once, so there are plenty of tries.

const TRIES = 50;

async function decideAndStore<T extends { state?: PacingState }>(
  store: Store,
  agentId: string,
  decide: (state: PacingState) => T,
): Promise<T> {
  for (let i = 0; i < TRIES; i++) {
    const decision = decide((await store.getPacing(agentId)) ?? emptyPacing(agentId));
    if (!decision.state || (await store.putPacing(decision.state))) return decision;
    await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(i + 1, 5)));
  }
  throw new Error(`pacing state of agent ${agentId} kept changing under ${TRIES} concurrent updates`);
}

export function takeSlot(store: Store, agentId: string, job: DialJob, limits: Pacing, now: () => Date): Promise<SlotDecision> {
  return decideAndStore(store, agentId, (state) => acquireSlot(state, job, limits, now().getTime()));
}

/** Frees the jobs' slots; the result names the waiting attempts to dispatch now. */
export async function freeSlots(store: Store, agentId: string, jobs: DialJob[], limits: Pacing, now: () => Date): Promise<DialJob[]> {
  return (await decideAndStore(store, agentId, (state) => releaseSlots(state, jobs, limits, now().getTime()))).wake;
}

/** Frees a slot and dispatches the attempts that were waiting for one. */
export async function releaseAndWake(
  deps: { store: Store; dispatcher: AttemptDispatcher; now: () => Date },
  agentId: string,
  job: DialJob | DialJob[],
  limits: Pacing,
): Promise<void> {
  const wake = await freeSlots(deps.store, agentId, Array.isArray(job) ? job : [job], limits, deps.now);
  if (wake.length === 0) return;
  const now = deps.now();
  await deps.dispatcher.dispatchMany(
    wake.map((w) => ({ job: w, at: now })),
    now,
  );
}
