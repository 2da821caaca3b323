import type { CallRecord } from './model';
import type { Store } from './ports';

/** What a transition decided; `extra` carries what the caller needs next (retry time, ...). */
export type Decision<E> = { call: CallRecord; extra?: E } | { unchanged: string };

export type UpdateResult<E> =
  | { status: 'updated'; call: CallRecord; extra?: E }
  | { status: 'unchanged'; call: CallRecord; reason: string }
  | { status: 'not-found' };

/**
 * Read, decide, write with the version condition; on a lost race read again and decide
 * again, so the decision is always made on the record that is actually stored.
 */
export async function updateCall<E>(store: Store, callId: string, decide: (call: CallRecord) => Decision<E>, attempts = 5): Promise<UpdateResult<E>> {
  for (let i = 0; i < attempts; i++) {
    const current = await store.getCall(callId);
    if (!current) return { status: 'not-found' };
    const decision = decide(current);
    if ('unchanged' in decision) return { status: 'unchanged', call: current, reason: decision.unchanged };
    if (await store.updateCall(decision.call)) return { status: 'updated', call: decision.call, extra: decision.extra };
  }
  throw new Error(`call ${callId} kept changing under ${attempts} concurrent updates`);
}
