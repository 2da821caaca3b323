// The webhook body. HubSpot posts either an app-subscription batch (a JSON array of up to
// 100 events) or, from a workflow's "Send a webhook" action, one record as an object.
// Events hubdial does not act on are reported back, never fatal: failing the delivery
// would make HubSpot redeliver the whole batch for up to 24 hours.
import { isObject, shown } from './json';

export interface ContactEvent {
  objectId: string;
  portalId?: string;
  eventId?: string;
  occurredAt?: number;
  subscriptionType: string;
}

/** A contact deleted, erased (GDPR privacy deletion) or merged in HubSpot. */
export interface LifecycleEvent {
  kind: 'deletion' | 'privacyDeletion' | 'merge';
  objectId: string;
  portalId?: string;
  eventId?: string;
  occurredAt?: number;
  subscriptionType: string;
  /** merge: the contact that remains. */
  primaryObjectId?: string;
  /** merge: the contacts merged into the primary (they no longer exist on their own). */
  mergedObjectIds?: string[];
  /** merge: the record the merge produced, when HubSpot made a new one. */
  newObjectId?: string;
}

export interface ParsedDelivery {
  /** Creation events (and workflow records): the contacts to call. */
  events: ContactEvent[];
  /** Deletions, privacy deletions and merges; present only when the delivery has some. */
  lifecycle?: LifecycleEvent[];
  rejected: { objectId: string; reason: string }[];
  source: 'subscription' | 'workflow';
}

export const MAX_EVENTS_PER_DELIVERY = 100;

export const CONTACT_CREATION = 'contact.creation';
/** HubSpot's generic object webhooks name contacts by object type id 0-1. */
const CONTACT_OBJECT_TYPE = '0-1';

const EXPECTED = 'expected a JSON array of HubSpot webhook events (app subscription) or one JSON object (workflow "Send a webhook")';

type Json = Record<string, unknown>;

export function parseHubSpotDelivery(rawBody: string): { ok: true; value: ParsedDelivery } | { ok: false; message: string } {
  if (typeof rawBody !== 'string' || rawBody.trim() === '') return { ok: false, message: `request body is empty: ${EXPECTED}` };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (err) {
    return { ok: false, message: `request body is not valid JSON (${err instanceof Error ? err.message : 'parse error'}): ${EXPECTED}` };
  }
  if (Array.isArray(body)) return parseSubscriptionBatch(body);
  if (isObject(body)) {
    // A single subscription event posted without its array is still a subscription event.
    if (typeof body.subscriptionType === 'string') return parseSubscriptionBatch([body]);
    return parseWorkflowRecord(body);
  }
  return { ok: false, message: `request body is JSON ${body === null ? 'null' : typeof body}: ${EXPECTED}` };
}

function parseSubscriptionBatch(items: unknown[]): { ok: true; value: ParsedDelivery } | { ok: false; message: string } {
  if (items.length === 0) return { ok: false, message: `request body is an empty array: ${EXPECTED}` };
  if (items.length > MAX_EVENTS_PER_DELIVERY) {
    return { ok: false, message: `request body has ${items.length} events; HubSpot sends at most ${MAX_EVENTS_PER_DELIVERY} per delivery` };
  }
  const delivery: ParsedDelivery = { events: [], rejected: [], source: 'subscription' };
  items.forEach((item, index) => {
    const parsed = parseSubscriptionEvent(item, index);
    if ('reason' in parsed) delivery.rejected.push(parsed);
    else if ('kind' in parsed) {
      delivery.lifecycle ??= [];
      delivery.lifecycle.push(parsed);
    } else delivery.events.push(parsed);
  });
  return { ok: true, value: delivery };
}

function parseSubscriptionEvent(item: unknown, index: number): ContactEvent | LifecycleEvent | { objectId: string; reason: string } {
  if (!isObject(item)) return { objectId: '', reason: `event ${index} is not a JSON object` };
  const rawId = item.objectId;
  const objectId = recordId(rawId);
  const type = item.subscriptionType;
  if (typeof type !== 'string' || type === '') {
    return { objectId: objectId ?? '', reason: `event ${index} has no subscriptionType; hubdial handles ${CONTACT_CREATION} events` };
  }
  const kind = contactEventKind(type, item.objectTypeId);
  if (kind === 'no-action') {
    return {
      objectId: objectId ?? '',
      reason: `subscriptionType "${clip(type)}" needs no action; hubdial calls on ${CONTACT_CREATION} events and acts on contact deletion, privacy deletion and merge`,
    };
  }
  if (kind === undefined) {
    return {
      objectId: objectId ?? '',
      reason: `subscriptionType "${clip(type)}" is not handled; hubdial calls on ${CONTACT_CREATION} events only (and acts on contact deletion, privacy deletion and merge)`,
    };
  }
  if (objectId === undefined) {
    return {
      objectId: '',
      reason:
        rawId === undefined || rawId === null
          ? `event ${index} has no objectId`
          : `event ${index} has objectId ${shown(rawId)}, which is not a HubSpot record id (digits)`,
    };
  }
  const event: ContactEvent = { objectId, subscriptionType: type };
  if (item.portalId !== undefined && item.portalId !== null) {
    const portalId = recordId(item.portalId);
    if (portalId === undefined)
      return { objectId, reason: `event ${index} has portalId ${shown(item.portalId)}, which is not a HubSpot portal id (digits)` };
    event.portalId = portalId;
  }
  const eventId =
    recordId(item.eventId) ?? (typeof item.eventId === 'string' && item.eventId.trim() !== '' ? clip(item.eventId.trim()) : undefined);
  if (eventId !== undefined) event.eventId = eventId;
  const occurredAt = epochMillis(item.occurredAt);
  if (occurredAt !== undefined) event.occurredAt = occurredAt;
  if (kind === 'creation') return event;
  const lifecycle: LifecycleEvent = { kind, ...event };
  if (kind === 'merge') {
    const primary = recordId(item.primaryObjectId);
    if (primary === undefined) return { objectId, reason: `event ${index} (${clip(type)}) has no primaryObjectId (a HubSpot record id)` };
    const rawMerged = item.mergedObjectIds;
    const merged = Array.isArray(rawMerged) ? rawMerged.map(recordId) : [];
    if (
      !Array.isArray(rawMerged) ||
      merged.length === 0 ||
      merged.length > MAX_EVENTS_PER_DELIVERY ||
      merged.some((id) => id === undefined)
    ) {
      return { objectId, reason: `event ${index} (${clip(type)}) has no mergedObjectIds list of HubSpot record ids` };
    }
    lifecycle.primaryObjectId = primary;
    lifecycle.mergedObjectIds = [...new Set(merged as string[])].filter((id) => id !== primary);
    const created = recordId(item.newObjectId);
    if (created !== undefined) lifecycle.newObjectId = created;
  }
  return lifecycle;
}

/** Legacy contact.* names and the generic object.* names for object type 0-1 (contacts). */
const CONTACT_EVENT_KINDS: Record<string, 'creation' | 'deletion' | 'privacyDeletion' | 'merge' | 'no-action'> = {
  creation: 'creation',
  deletion: 'deletion',
  privacyDeletion: 'privacyDeletion',
  merge: 'merge',
  restore: 'no-action',
};

function contactEventKind(
  type: string,
  objectTypeId: unknown,
): 'creation' | 'deletion' | 'privacyDeletion' | 'merge' | 'no-action' | undefined {
  const [family, action] = type.split('.', 2) as [string, string | undefined];
  const isContact = family === 'contact' || (family === 'object' && objectTypeId === CONTACT_OBJECT_TYPE);
  if (!isContact || action === undefined || !Object.hasOwn(CONTACT_EVENT_KINDS, action)) return undefined;
  return CONTACT_EVENT_KINDS[action];
}

/** Workflow bodies come in several shapes depending on HubSpot's API version and the action's settings. */
function parseWorkflowRecord(body: Json): { ok: true; value: ParsedDelivery } | { ok: false; message: string } {
  const properties = isObject(body.properties) ? body.properties : {};
  const candidates = [body.objectId, body.hs_object_id, properties.hs_object_id, body.vid];
  const present = candidates.map(unwrapValue).find((value) => value !== undefined && value !== null && value !== '');
  if (present === undefined) {
    return {
      ok: false,
      message:
        'workflow webhook body has no record id: expected objectId, hs_object_id, properties.hs_object_id or vid (include the contact record in the "Send a webhook" action)',
    };
  }
  const objectId = recordId(present);
  if (objectId === undefined) {
    return { ok: false, message: `workflow webhook record id ${shown(present)} is not a HubSpot record id (digits)` };
  }
  const event: ContactEvent = { objectId, subscriptionType: 'workflow' };
  const rawPortal = body.portalId ?? body['portal-id'];
  if (rawPortal !== undefined && rawPortal !== null) {
    const portalId = recordId(rawPortal);
    if (portalId === undefined)
      return { ok: false, message: `workflow webhook portalId ${shown(rawPortal)} is not a HubSpot portal id (digits)` };
    event.portalId = portalId;
  }
  return { ok: true, value: { events: [event], rejected: [], source: 'workflow' } };
}

/** Legacy property values arrive as {"value": "123", ...}. */
function unwrapValue(raw: unknown): unknown {
  return isObject(raw) ? raw.value : raw;
}

/** HubSpot ids as decimal strings; numbers and digit strings both occur. */
export function recordId(raw: unknown): string | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw > 0 ? String(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const digits = raw.trim();
  if (!/^\d{1,20}$/.test(digits)) return undefined;
  const id = digits.replace(/^0+/, '');
  return id === '' ? undefined : id;
}

function epochMillis(raw: unknown): number | undefined {
  const value = typeof raw === 'string' && /^\d{1,16}$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
