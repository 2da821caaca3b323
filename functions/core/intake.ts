// Turns one HubSpot delivery into stored calls: the webhook's use case, written
// against ports so it runs the same on AWS, on `npm start` and in tests.
import { deriveCallId } from './call-id';
import { forEachLimited } from './concurrency';
import { CONTACT_TIMEZONE_PROPERTY, zoneFromHubSpot } from './contact-timezone';
import { newCall, pendingAttempt } from './call-state';
import type { ParsedDelivery } from './hubspot-events';
import { TERMINAL_STATUSES, type Agent, type CallRecord, type CallSettings, type CallStatus, type DialJob } from './model';
import { notifyTask } from './follow-ups';
import { normalizePhone } from './phone';
import type { AttemptDispatcher, ContactProperties, HubSpotApi, Store } from './ports';
import { callForGoneContact } from './contact-lifecycle';
import { doNotCallListReason, doNotCallPropertyReason, isDoNotCallValue, skipCall } from './do-not-call';
import { contactPhone, hubspotPropertiesToRead, mapVariables } from './variables';

/**
 * The HubSpot properties intake reads for one agent's contacts: the mapped fields (with the
 * phone fields), the contact's time zone when the agent plans in it, and the agent's
 * do-not-call property — all in the one batch read (or search page) of a delivery.
 */
export function contactPropertiesFor(agent: Agent): string[] {
  return [
    ...new Set([
      ...hubspotPropertiesToRead(agent.variables),
      ...(agent.useContactTimezone ? [CONTACT_TIMEZONE_PROPERTY] : []),
      ...(agent.doNotCallProperty ? [agent.doNotCallProperty] : []),
    ]),
  ];
}

export interface IntakeDeps {
  store: Store;
  hubspot: HubSpotApi;
  dispatcher: AttemptDispatcher;
}

export interface IntakeRequest {
  agent: Agent;
  /** The portal the workspace's HubSpot connection belongs to. */
  portalId: string;
  settings: CallSettings;
  delivery: ParsedDelivery;
  now: Date;
}

export interface DeliverySummary {
  accepted: number;
  duplicates: number;
  rejected: { objectId: string; reason: string }[];
  calls: { objectId: string; callId: string; status: CallStatus; reason: string }[];
  /** Calls cancelled (and, below, erased) by this delivery: lifecycle events, or creations of contacts already deleted. */
  cancelled?: number;
  erased?: number;
}

/** How long HubSpot redelivers a delivery it got no 2xx for. */
const HUBSPOT_REDELIVERY_MS = 24 * 60 * 60 * 1000;

/**
 * A stored call that ended before it ever rang, within HubSpot's redelivery window: what a
 * redelivery finds when its first try stored the call and died (a backfill a day later
 * is no redelivery, and does not repeat the event).
 */
function endedUndialledRecently(call: CallRecord, now: Date): boolean {
  return (
    TERMINAL_STATUSES.includes(call.status) &&
    !call.attempts.some((a) => a.startedAt) &&
    now.getTime() - Date.parse(call.createdAt) < HUBSPOT_REDELIVERY_MS
  );
}

/** How many contacts are written at once: enough to finish 100 well inside HubSpot's 5 s. */
const WRITE_CONCURRENCY = 25;

/**
 * Order matters for "nothing lost, nothing twice": contacts are read before anything is
 * written, and every call is stored before any first attempt is handed to the
 * dispatcher, so a dial job never arrives before its call. The hand-offs of one delivery
 * go out together (one dispatchMany: a few SQS batch requests instead of one request per
 * contact). Any failure throws, so the webhook answers non-2xx and HubSpot redelivers.
 * A call stored whose hand-off failed is found again by that redelivery (or by the
 * sweeper) and handed off again; the dial handler's conditional SCHEDULED -> DIALING
 * write makes a second hand-off harmless.
 */
export async function ingestDelivery(deps: IntakeDeps, req: IntakeRequest): Promise<DeliverySummary> {
  const summary: DeliverySummary = { accepted: 0, duplicates: 0, rejected: [...req.delivery.rejected], calls: [] };
  const callIdByContact = new Map<string, string>();
  for (const event of req.delivery.events) {
    if (event.portalId && event.portalId !== req.portalId) {
      summary.rejected.push({
        objectId: event.objectId,
        reason: `event is from HubSpot portal ${event.portalId}, but this workspace is connected to portal ${req.portalId}`,
      });
    } else if (callIdByContact.has(event.objectId)) {
      summary.duplicates += 1;
    } else {
      callIdByContact.set(event.objectId, deriveCallId(req.agent.id, req.portalId, event.objectId));
    }
  }
  if (callIdByContact.size === 0) return summary;

  const existing = await deps.store.getCalls([...callIdByContact.values()]);
  const fresh = [...callIdByContact].filter(([, callId]) => !existing.has(callId));
  summary.duplicates += callIdByContact.size - fresh.length;
  // HubSpot redelivers after a failed answer: a call stored then may have missed its
  // hand-off, so a first attempt still waiting is handed off again (a no-op otherwise).
  const handOffs: { job: DialJob; at: Date }[] = [];
  for (const call of existing.values()) {
    const waiting = pendingAttempt(call);
    if (waiting?.number === 1) handOffs.push({ job: { callId: call.id, attempt: 1 }, at: new Date(waiting.scheduledAt) });
  }

  const created: CallRecord[] = [];
  if (fresh.length > 0) {
    const tombstones = await deps.store.getContactTombstones(
      req.agent.workspaceId,
      req.portalId,
      fresh.map(([contactId]) => contactId),
    );
    const toRead = fresh.filter(([contactId]) => !tombstones.has(contactId));
    // Still one HubSpot read per delivery: the do-not-call property rides in the same batch read.
    const contacts =
      toRead.length > 0
        ? await deps.hubspot.batchReadContacts(
            toRead.map(([contactId]) => contactId),
            contactPropertiesFor(req.agent),
          )
        : new Map<string, ContactProperties>();
    const built: CallRecord[] = [];
    for (const [contactId, callId] of fresh) {
      const tombstone = tombstones.get(contactId);
      const timezone = req.agent.timezone;
      if (tombstone) {
        built.push(
          callForGoneContact({
            id: callId,
            workspaceId: req.agent.workspaceId,
            agentId: req.agent.id,
            portalId: req.portalId,
            contactId,
            timezone,
            settings: req.settings,
            tombstone,
            now: req.now,
          }),
        );
        continue;
      }
      const properties = contacts.get(contactId);
      if (!properties) {
        summary.rejected.push({
          objectId: contactId,
          reason: `contact ${contactId} was not found in HubSpot (deleted or merged before it could be read)`,
        });
        continue;
      }
      const { variables, missing } = mapVariables(req.agent.variables, properties);
      let call = newCall({
        id: callId,
        workspaceId: req.agent.workspaceId,
        agentId: req.agent.id,
        portalId: req.portalId,
        contactId,
        timezone: (req.agent.useContactTimezone && zoneFromHubSpot(properties[CONTACT_TIMEZONE_PROPERTY])) || timezone,
        settings: req.settings,
        variables,
        phone: normalizePhone(contactPhone(properties), req.agent.defaultCountry),
        now: req.now,
      });
      if (missing.length > 0) call.missingVariables = missing;
      const property = req.agent.doNotCallProperty;
      if (property && isDoNotCallValue(properties[property])) call = skipped(call, doNotCallPropertyReason(property), req.now);
      built.push(call);
    }
    const numbers = built.filter((c) => c.status === 'scheduled' && c.to).map((c) => c.to as string);
    const listed = numbers.length > 0 ? await deps.store.getDoNotCall(req.agent.workspaceId, numbers) : new Map();
    await forEachLimited(built, WRITE_CONCURRENCY, async (candidate) => {
      const entry = candidate.status === 'scheduled' && candidate.to ? listed.get(candidate.to) : undefined;
      const call = entry ? skipped(candidate, doNotCallListReason(entry), req.now) : candidate;
      if ((await deps.store.createCall(call)) === 'exists') summary.duplicates += 1;
      else created.push(call);
    });
  }

  for (const call of created) {
    const first = call.attempts[0];
    if (call.status === 'scheduled' && first)
      handOffs.push({ job: { callId: call.id, attempt: first.number }, at: new Date(first.scheduledAt) });
  }
  // Only now, with every call of the delivery stored.
  if (handOffs.length > 0) await deps.dispatcher.dispatchMany(handOffs, req.now);
  // A call that is final from the start (no usable phone, do-not-call) still tells the operator,
  // and so does one that a repeat of its creation finds stored so (HubSpot's redelivery: the
  // try that stored it may have died first; receivers dedupe by eventId).
  if (req.agent.notify) {
    const finished = [
      ...created.filter((c) => TERMINAL_STATUSES.includes(c.status)),
      ...[...existing.values()].filter((c) => endedUndialledRecently(c, req.now)),
    ];
    await Promise.all(finished.map((c) => deps.dispatcher.dispatchTask(notifyTask(c.id, 'call.finished'), 0)));
  }

  for (const call of created) {
    summary.accepted += 1;
    if (call.status === 'cancelled') summary.cancelled = (summary.cancelled ?? 0) + 1;
    summary.calls.push({ objectId: call.contactId, callId: call.id, status: call.status, reason: call.reason });
  }
  return summary;
}

function skipped(call: CallRecord, reason: string, now: Date): CallRecord {
  const t = skipCall(call, reason, now);
  return 'call' in t ? t.call : call;
}
