// What a contact's deletion, privacy deletion or merge in HubSpot does to its calls.
// HubSpot does not keep event order and redelivers for 24 hours, so every rule here
// leaves the same end state whatever order or how often its events arrive: a deletion
// remembered as a tombstone makes a late creation a no-op call, and each change is a
// versioned update that an already-applied one makes "unchanged".
import { deriveCallId } from './call-id';
import { pendingAttempt } from './call-state';
import { updateCall, type Decision } from './call-updates';
import type { LifecycleEvent } from './hubspot-events';
import type { CallRecord, ContactTombstone } from './model';
import { TERMINAL_STATUSES } from './model';
import { eraseCallData } from './personal-data';
import type { AttemptDispatcher, Store } from './ports';

export const DELETED_REASON = 'contact deleted in HubSpot';
export const ERASED_REASON = 'contact erased in HubSpot (privacy deletion)';
const erasedLine = (at: string) => `personal data erased at ${at}: ${ERASED_REASON}`;
const MERGED_PREFIX = 'contact merged into contact ';
const mergedReason = (survivor: string) => `${MERGED_PREFIX}${survivor} in HubSpot, which already has a call from this agent`;

/** A call this kind of event cancelled: a redelivery of it finds the call so. */
function cancelledBy(call: CallRecord, kind: 'deleted' | 'erased' | 'merged'): boolean {
  if (call.status !== 'cancelled') return false;
  if (kind === 'merged') return call.reason.startsWith(MERGED_PREFIX);
  return call.reason === (kind === 'erased' ? ERASED_REASON : DELETED_REASON);
}

/**
 * The contact is gone: a waiting call is cancelled; a ringing one keeps ringing (it
 * cannot be recalled) but gets no retry; a finished one is left alone.
 */
export function cancelForGoneContact(call: CallRecord, now: Date, why: string): Decision<'cancelled' | 'no-retry'> {
  if (TERMINAL_STATUSES.includes(call.status)) return { unchanged: `call is already ${call.status}` };
  const at = now.toISOString();
  if (call.status === 'dialing') {
    if (call.noRetryReason) return { unchanged: 'the ringing attempt already gets no retry' };
    const line = `${why}: the attempt in progress gets no retry`;
    return {
      call: {
        ...call,
        noRetryReason: `no retry: ${why}`,
        updatedAt: at,
        version: call.version + 1,
        history: [...call.history, { at, status: call.status, reason: line }],
      },
      extra: 'no-retry',
    };
  }
  // scheduled: the waiting attempt is dropped so nothing is left to dial.
  const attempts = pendingAttempt(call) ? call.attempts.slice(0, -1) : call.attempts;
  return {
    call: {
      ...call,
      attempts,
      status: 'cancelled',
      reason: why,
      updatedAt: at,
      version: call.version + 1,
      history: [...call.history, { at, status: 'cancelled', reason: why }],
    },
    extra: 'cancelled',
  };
}

/** Privacy deletion: cancelled as for a deletion, and the personal data erased, in one write. */
export function eraseForPrivacyDeletion(call: CallRecord, now: Date): Decision<{ cancelled: boolean; erased: boolean }> {
  const cancel = cancelForGoneContact(call, now, ERASED_REASON);
  const afterCancel = 'call' in cancel ? cancel.call : call;
  const erase = eraseCallData(afterCancel, now, erasedLine(now.toISOString()));
  if ('unchanged' in erase && 'unchanged' in cancel) return { unchanged: erase.unchanged };
  return {
    call: 'call' in erase ? { ...erase.call, version: call.version + 1 } : afterCancel,
    extra: { cancelled: 'call' in cancel && cancel.extra === 'cancelled', erased: 'call' in erase },
  };
}

/** The call recorded for a creation event that arrived after its contact's deletion: never rings. */
export function callForGoneContact(input: {
  id: string;
  workspaceId: string;
  agentId: string;
  portalId: string;
  contactId: string;
  timezone: string;
  settings: CallRecord['settings'];
  tombstone: ContactTombstone;
  now: Date;
}): CallRecord {
  const at = input.now.toISOString();
  const erased = input.tombstone.kind === 'erased';
  const reason = `${erased ? ERASED_REASON : DELETED_REASON} (at ${input.tombstone.at}, before its creation event arrived)`;
  return {
    id: input.id,
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    portalId: input.portalId,
    contactId: input.contactId,
    variables: {},
    settings: input.settings,
    timezone: input.timezone,
    status: 'cancelled',
    reason,
    attempts: [],
    history: [{ at, status: 'cancelled', reason }],
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...(erased ? { erasedAt: at } : {}),
  };
}

export interface LifecycleRequest {
  workspaceId: string;
  portalId: string;
  /** The workspace's agents: their derived call ids also find calls stored before contact links existed. */
  agentIds: string[];
  events: LifecycleEvent[];
  now: Date;
}

export interface LifecycleSummary {
  cancelled: number;
  erased: number;
  rejected: { objectId: string; reason: string }[];
  /** Every call this delivery changed (ids and status only: safe to log). */
  changes: { callId: string; contactId: string; status: CallRecord['status']; reason: string }[];
  /** Each change as stored, for the caller to queue its follow-ups (call.finished) before it answers. */
  followUps: { before: CallRecord; after: CallRecord }[];
  /**
   * Calls an earlier delivery of the same event had already cancelled. HubSpot redelivers
   * what was not answered 2xx, so that delivery's follow-ups may never have been queued:
   * the caller queues their call.finished again (receivers dedupe by eventId).
   */
  endedAlready: CallRecord[];
}

export function emptyLifecycleSummary(): LifecycleSummary {
  return { cancelled: 0, erased: 0, rejected: [], changes: [], followUps: [], endedAlready: [] };
}

/**
 * Applies a delivery's lifecycle events. Deletions are remembered (a tombstone) before
 * any call is touched, so a creation racing with them is caught by intake or, failing
 * that, by the check just before each dial.
 */
export async function applyLifecycleEvents(
  deps: { store: Store; dispatcher: AttemptDispatcher },
  req: LifecycleRequest,
): Promise<LifecycleSummary> {
  const summary = emptyLifecycleSummary();
  const at = req.now.toISOString();
  // One decision per contact: a privacy deletion (HubSpot sends a deletion with it) wins.
  const gone = new Map<string, 'deleted' | 'erased'>();
  const merges: LifecycleEvent[] = [];
  for (const event of req.events) {
    if (event.portalId && event.portalId !== req.portalId) {
      summary.rejected.push({
        objectId: event.objectId,
        reason: `event is from HubSpot portal ${event.portalId}, but this workspace is connected to portal ${req.portalId}`,
      });
    } else if (event.kind === 'merge') merges.push(event);
    else if (event.kind === 'privacyDeletion') gone.set(event.objectId, 'erased');
    else if (!gone.has(event.objectId)) gone.set(event.objectId, 'deleted');
  }

  for (const [contactId, kind] of gone) {
    await deps.store.putContactTombstone({ workspaceId: req.workspaceId, portalId: req.portalId, contactId, kind, at });
  }
  for (const [contactId, kind] of gone) {
    for (const call of await callsOfContact(deps.store, req, contactId)) {
      const pending = pendingAttempt(call)?.number;
      const result = await updateCall(deps.store, call.id, (c) => {
        if (kind === 'erased') return eraseForPrivacyDeletion(c, req.now);
        const d = cancelForGoneContact(c, req.now, DELETED_REASON);
        return 'call' in d ? { call: d.call, extra: { cancelled: d.extra === 'cancelled', erased: false } } : d;
      });
      if (result.status === 'unchanged' && cancelledBy(result.call, kind)) summary.endedAlready.push(result.call);
      if (result.status !== 'updated') continue;
      if (result.extra?.cancelled) summary.cancelled += 1;
      if (result.extra?.erased) summary.erased += 1;
      if (result.extra?.cancelled && pending !== undefined) await deps.dispatcher.cancel({ callId: call.id, attempt: pending });
      summary.changes.push({ callId: call.id, contactId, status: result.call.status, reason: result.call.reason });
      summary.followUps.push({ before: result.before, after: result.call });
    }
  }

  for (const merge of merges) await applyMerge(deps, req, merge, summary);
  return summary;
}

/** A merged-away contact's waiting call goes when the surviving contact already has one from the same agent. */
async function applyMerge(
  deps: { store: Store; dispatcher: AttemptDispatcher },
  req: LifecycleRequest,
  merge: LifecycleEvent,
  summary: LifecycleSummary,
): Promise<void> {
  const survivors = [...new Set([merge.primaryObjectId, merge.newObjectId].filter((id): id is string => id !== undefined))];
  const survivorCalls = (await Promise.all(survivors.map((id) => callsOfContact(deps.store, req, id)))).flat();
  const survivorAgents = new Map(survivorCalls.map((c) => [c.agentId, c.contactId]));
  for (const mergedId of merge.mergedObjectIds ?? []) {
    if (survivors.includes(mergedId)) continue;
    for (const call of await callsOfContact(deps.store, req, mergedId)) {
      const survivor = survivorAgents.get(call.agentId);
      if (survivor === undefined) continue;
      if (cancelledBy(call, 'merged')) summary.endedAlready.push(call);
      if (call.status !== 'scheduled') continue;
      const pending = pendingAttempt(call)?.number;
      const why = mergedReason(survivor);
      const result = await updateCall(deps.store, call.id, (c) =>
        c.status === 'scheduled' ? cancelForGoneContact(c, req.now, why) : { unchanged: `call is ${c.status}` },
      );
      if (result.status !== 'updated' || result.extra !== 'cancelled') continue;
      summary.cancelled += 1;
      if (pending !== undefined) await deps.dispatcher.cancel({ callId: call.id, attempt: pending });
      summary.changes.push({ callId: call.id, contactId: mergedId, status: result.call.status, reason: result.call.reason });
      summary.followUps.push({ before: result.before, after: result.call });
    }
  }
}

/** The contact's calls from its links, plus the ids its current agents would have given it. */
async function callsOfContact(store: Store, req: LifecycleRequest, contactId: string): Promise<CallRecord[]> {
  const linked = await store.listCallsForContact(req.workspaceId, req.portalId, contactId);
  const known = new Set(linked.map((c) => c.id));
  const derived = req.agentIds.map((agentId) => deriveCallId(agentId, req.portalId, contactId)).filter((id) => !known.has(id));
  const more = derived.length > 0 ? await store.getCalls(derived) : new Map<string, CallRecord>();
  return [...linked, ...[...more.values()].filter((c) => c.workspaceId === req.workspaceId && c.contactId === contactId)];
}
