import { parseHubSpotDelivery } from '../../functions/core/hubspot-events';
import { cancelForGoneContact, eraseForPrivacyDeletion } from '../../functions/core/contact-lifecycle';
import type { CallRecord } from '../../functions/core/model';

const base = { eventId: 1, subscriptionId: 2, portalId: 62515, appId: 3, occurredAt: 1714000000000, attemptNumber: 0, objectId: 123 };
const parsed = (body: unknown) => {
  const r = parseHubSpotDelivery(JSON.stringify(body));
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('lifecycle events in the webhook body', () => {
  it('reads deletion, privacy deletion and merge in the legacy and generic forms', () => {
    const d = parsed([
      { ...base, subscriptionType: 'contact.deletion' },
      { ...base, subscriptionType: 'object.deletion', objectTypeId: '0-1' },
      { ...base, subscriptionType: 'contact.privacyDeletion' },
      {
        ...base,
        subscriptionType: 'object.merge',
        objectTypeId: '0-1',
        primaryObjectId: 123,
        mergedObjectIds: [456, '789', 123],
        newObjectId: 123,
      },
      { ...base, subscriptionType: 'contact.merge', primaryObjectId: '5', mergedObjectIds: [6] },
      { ...base, subscriptionType: 'object.deletion', objectTypeId: '0-3' },
    ]);
    expect(d.events).toEqual([]);
    expect(d.lifecycle?.map((e) => e.kind)).toEqual(['deletion', 'deletion', 'privacyDeletion', 'merge', 'merge']);
    expect(d.lifecycle?.[3]).toMatchObject({
      objectId: '123',
      portalId: '62515',
      primaryObjectId: '123',
      mergedObjectIds: ['456', '789'],
      newObjectId: '123',
    });
    expect(d.rejected).toEqual([{ objectId: '123', reason: expect.stringContaining('"object.deletion" is not handled') }]);
  });

  it('reports a merge without its ids, and counts a restore as needing no action', () => {
    const d = parsed([
      { ...base, subscriptionType: 'contact.merge', mergedObjectIds: [6] },
      { ...base, subscriptionType: 'contact.merge', primaryObjectId: 5, mergedObjectIds: ['x'] },
      { ...base, subscriptionType: 'contact.merge', primaryObjectId: 5 },
      { ...base, subscriptionType: 'object.restore', objectTypeId: '0-1' },
    ]);
    expect(d.lifecycle).toBeUndefined();
    expect(d.rejected.map((r) => r.reason)).toEqual([
      expect.stringContaining('no primaryObjectId'),
      expect.stringContaining('no mergedObjectIds'),
      expect.stringContaining('no mergedObjectIds'),
      expect.stringContaining('needs no action'),
    ]);
  });
});

const AT = '2026-06-10T12:00:00.000Z';
const call = (over: Partial<CallRecord>): CallRecord => ({
  id: 'call_1',
  workspaceId: 'default',
  agentId: 'agt_1',
  portalId: '1',
  contactId: '2',
  to: '+14155550100',
  variables: { firstname: 'Ada' },
  status: 'scheduled',
  reason: 'scheduled',
  settings: { carryOver: true, numOfRetries: 2, gapHours: [2] },
  timezone: 'UTC',
  attempts: [{ number: 1, scheduledAt: AT }],
  history: [],
  createdAt: AT,
  updatedAt: AT,
  version: 1,
  ...over,
});

describe('contact lifecycle transitions', () => {
  const now = new Date(AT);
  it('cancels a waiting call, marks a ringing one for no retry, leaves a finished one', () => {
    const waiting = cancelForGoneContact(call({}), now, 'contact deleted in HubSpot');
    expect(waiting).toMatchObject({ call: { status: 'cancelled', attempts: [], version: 2 }, extra: 'cancelled' });
    const ringing = cancelForGoneContact(
      call({ status: 'dialing', attempts: [{ number: 1, scheduledAt: AT, startedAt: AT }] }),
      now,
      'gone',
    );
    expect(ringing).toMatchObject({ call: { status: 'dialing', noRetryReason: 'no retry: gone' }, extra: 'no-retry' });
    expect(cancelForGoneContact(call({ status: 'completed' }), now, 'gone')).toEqual({ unchanged: 'call is already completed' });
  });

  it('erases a finished call once, quoted invalid numbers included, in one version step', () => {
    const failed = call({
      status: 'failed',
      to: undefined,
      reason: 'phone number "+1 555" is not a valid phone number',
      missingVariables: ['company'],
    });
    const t = eraseForPrivacyDeletion(failed, now);
    if (!('call' in t)) throw new Error('erased');
    expect(t.call).toMatchObject({
      status: 'failed',
      variables: {},
      reason: 'phone number (erased) is not a valid phone number',
      erasedAt: AT,
      version: 2,
    });
    expect(t.call.missingVariables).toBeUndefined();
    expect(t.extra).toEqual({ cancelled: false, erased: true });
    expect('unchanged' in eraseForPrivacyDeletion(t.call, now)).toBe(true);
  });
});
