import type { CallRecord } from './model';
import { stripPersonalData } from './personal-data';
import type { Store } from './ports';

/** What a transition decided; `extra` carries what the caller needs next (retry time, ...). */
export type Decision<E> = { call: CallRecord; extra?: E } | { unchanged: string };

export type UpdateResult<E> =
  /** `before`: the stored record the decision was made on (what a follow-up compares against). */
  | { status: 'updated'; call: CallRecord; before: CallRecord; extra?: E }
  | { status: 'unchanged'; call: CallRecord; reason: string }
  | { status: 'not-found' };

export interface UpdateOptions {
  /**
   * The record as the caller last stored or read it (say, the one it just wrote), to
   * decide on without reading it again. It is only a first guess: the write is still
   * conditional on its version, and a lost race or an "unchanged" decision is settled
   * on a fresh read, so a stale `known` costs a read, never a wrong decision.
   */
  known?: CallRecord;
  /** Tries before giving up under constant concurrent changes. */
  attempts?: number;
}

/**
 * Read, decide, write with the version condition; on a lost race read again and decide
 * again, so the decision is always made on the record that is actually stored.
 */
export async function updateCall<E>(
  store: Store,
  callId: string,
  decide: (call: CallRecord) => Decision<E>,
  opts: UpdateOptions = {},
): Promise<UpdateResult<E>> {
  const attempts = opts.attempts ?? 5;
  let guess = opts.known?.id === callId ? opts.known : undefined;
  for (let i = 0; i < attempts; i++) {
    const fromGuess = guess !== undefined;
    const current = guess ?? (await store.getCall(callId));
    guess = undefined;
    if (!current) return { status: 'not-found' };
    const decision = decide(current);
    if ('unchanged' in decision) {
      // Leaving a record alone is only right for the stored one, so a guess is checked.
      if (fromGuess) {
        i -= 1;
        continue;
      }
      return { status: 'unchanged', call: current, reason: decision.unchanged };
    }
    // Erased stays erased: what a late voice callback brings is not stored on an erased call.
    const next = current.erasedAt ? { ...stripPersonalData(decision.call), erasedAt: current.erasedAt } : decision.call;
    if (await store.updateCall(next)) return { status: 'updated', call: next, before: current, extra: decision.extra };
  }
  throw new Error(`call ${callId} kept changing under ${attempts} concurrent updates`);
}
