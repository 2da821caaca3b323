// Pacing: how many of an agent's calls may be live at its voice platform, and how many
// may start in any sliding second (README, "Pacing"). Pure rules over the agent's
// PacingState; the dial and call-status handlers store the result with a
// version-conditional write, so racing dials never take more slots than there are.
import type { DialJob, Pacing, PacingState } from './model';
import { CALLBACK_TIMEOUT_MINUTES } from './sweep-rules';

/** A lease outlives the sweeper's callback timeout: a lost callback frees its slot at the latest then. */
export const LEASE_TTL_MS = (CALLBACK_TIMEOUT_MINUTES + 10) * 60_000;
export const RATE_WINDOW_MS = 1000;
/**
 * Starts are counted over a little more than a second: the request leaves a moment after
 * the slot is taken, and that moment varies, so the platform still never sees more than
 * the limit in any second it measures.
 */
export const RATE_GUARD_MS = 250;
/** A waiting attempt is woken when a slot frees; this is the fallback if that wake-up is lost. */
export const SLOT_WAIT_FALLBACK_MS = 30_000;
/** Waiting attempts remembered per agent for wake-ups; beyond that they rely on the fallback. */
export const MAX_WAITING = 500;

export const PACING_LIMITS = { maxLiveCalls: { min: 1, max: 1000 }, callsPerSecond: { min: 1, max: 100 } } as const;

export function isPaced(limits: Pacing): boolean {
  return limits.maxLiveCalls !== undefined || limits.callsPerSecond !== undefined;
}

export function leaseKey(job: DialJob): string {
  return `${job.callId}#${job.attempt}`;
}

export function jobOfLeaseKey(key: string): DialJob | undefined {
  const at = key.lastIndexOf('#');
  const attempt = Number(key.slice(at + 1));
  return at > 0 && Number.isInteger(attempt) && attempt >= 1 ? { callId: key.slice(0, at), attempt } : undefined;
}

export function emptyPacing(agentId: string): PacingState {
  return { agentId, leases: {}, starts: [], waiting: [], version: 0 };
}

export type SlotDecision =
  | { ok: true; state?: PacingState }
  | { ok: false; state?: PacingState; waitMs: number; reason: string; forSlot: boolean };

function pruned(state: PacingState, nowMs: number): PacingState {
  const leases: Record<string, string> = {};
  for (const [key, at] of Object.entries(state.leases)) if (nowMs - Date.parse(at) < LEASE_TTL_MS) leases[key] = at;
  const starts = state.starts.filter((t) => nowMs - t < RATE_WINDOW_MS + RATE_GUARD_MS && t <= nowMs + RATE_WINDOW_MS);
  return { ...state, leases, starts };
}

function next(state: PacingState): PacingState {
  return { ...state, version: state.version + 1 };
}

/** Takes a live-call slot and a start for `job`, or says how long to wait. Taking one already held is a no-op. */
export function acquireSlot(stored: PacingState, job: DialJob, limits: Pacing, nowMs: number): SlotDecision {
  const key = leaseKey(job);
  if (stored.leases[key] !== undefined) return { ok: true };
  const state = pruned(stored, nowMs);
  const live = Object.keys(state.leases).length;
  if (limits.maxLiveCalls !== undefined && live >= limits.maxLiveCalls) {
    const waiting = state.waiting.includes(key) || state.waiting.length >= MAX_WAITING ? state.waiting : [...state.waiting, key];
    return {
      ok: false,
      state: next({ ...state, waiting }),
      waitMs: SLOT_WAIT_FALLBACK_MS,
      forSlot: true,
      reason: `waiting for a free slot: ${live} of ${limits.maxLiveCalls} live calls (pacing.maxLiveCalls)`,
    };
  }
  if (limits.callsPerSecond !== undefined && state.starts.length >= limits.callsPerSecond) {
    const oldest = Math.min(...state.starts);
    return {
      ok: false,
      waitMs: Math.max(oldest + RATE_WINDOW_MS + RATE_GUARD_MS - nowMs, 50),
      forSlot: false,
      reason: `waiting to start: ${limits.callsPerSecond} calls per second already started (pacing.callsPerSecond)`,
    };
  }
  return {
    ok: true,
    state: next({
      ...state,
      leases: { ...state.leases, [key]: new Date(nowMs).toISOString() },
      starts: [...state.starts, nowMs],
      waiting: state.waiting.filter((k) => k !== key),
    }),
  };
}

/** Frees `jobs`' slots and picks the waiting attempts to wake, one per slot freed. */
export function releaseSlots(
  stored: PacingState,
  jobs: DialJob[],
  limits: Pacing,
  nowMs: number,
): { state?: PacingState; wake: DialJob[] } {
  const keys = new Set(jobs.map(leaseKey));
  const held = Object.keys(stored.leases).filter((k) => keys.has(k));
  const waitingSelf = stored.waiting.some((k) => keys.has(k));
  if (held.length === 0 && !waitingSelf) return { wake: [] };
  const state = pruned(stored, nowMs);
  const leases = Object.fromEntries(Object.entries(state.leases).filter(([k]) => !keys.has(k)));
  let waiting = state.waiting.filter((k) => !keys.has(k));
  const free = limits.maxLiveCalls === undefined ? waiting.length : Math.max(limits.maxLiveCalls - Object.keys(leases).length, 0);
  const woken = waiting.slice(0, free);
  waiting = waiting.slice(woken.length);
  const wake = woken.map(jobOfLeaseKey).filter((j): j is DialJob => j !== undefined);
  return { state: next({ ...state, leases, waiting }), wake };
}

/** Checks the agent's `pacing` from the admin body. */
export function parsePacing(input: unknown): { ok: true; value?: Pacing } | { ok: false; error: { parameter: string; message: string } } {
  if (input === undefined || input === null) return { ok: true };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      error: { parameter: 'pacing', message: 'pacing must be an object such as {"maxLiveCalls": 20, "callsPerSecond": 1}' },
    };
  }
  const out: Pacing = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (key !== 'maxLiveCalls' && key !== 'callsPerSecond') {
      return {
        ok: false,
        error: { parameter: `pacing.${key}`, message: `pacing.${key} is not a pacing setting; they are: maxLiveCalls, callsPerSecond` },
      };
    }
    if (value === null || value === undefined) continue;
    const { min, max } = PACING_LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const what = key === 'maxLiveCalls' ? 'calls in progress at the platform at once' : 'create-call requests in any second';
      return {
        ok: false,
        error: { parameter: `pacing.${key}`, message: `pacing.${key} must be a whole number from ${min} to ${max}: the most ${what}` },
      };
    }
    out[key] = value;
  }
  return { ok: true, value: out };
}
