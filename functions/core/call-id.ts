import { createHash, randomBytes } from 'node:crypto';

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/**
 * One contact is called once per agent: the id is a pure function of (agent, portal,
 * contact), so a redelivered or duplicated HubSpot event maps onto the call already
 * stored. The parts are JSON-encoded so ("a","bc") and ("ab","c") never collide.
 */
export function deriveCallId(agentId: string, portalId: string, contactId: string): string {
  return `call_${sha256Hex(JSON.stringify(['hubdial-call-v1', agentId, portalId, contactId])).slice(0, 26)}`;
}

/** The shape deriveCallId produces; anything else names no call. */
/** What any id the service hands out or accepts looks like: short and url-safe (DynamoDB keys cap at 2 KB). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function isCallId(value: string): boolean {
  return /^call_[0-9a-f]{26}$/.test(value);
}

/** `prefix` + 20 url-safe random characters (120 bits), e.g. newId('agt_'). */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(15).toString('base64url')}`;
}
