import fc from 'fast-check';
import { MAX_EVENTS_PER_DELIVERY, parseHubSpotDelivery } from '../../functions/core/hubspot-events';

const creation = {
  eventId: 100,
  subscriptionId: 234,
  portalId: 62515,
  appId: 1160452,
  occurredAt: 1714000000000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 123,
  changeSource: 'CRM',
  changeFlag: 'NEW',
};

function parsed(body: unknown) {
  const result = parseHubSpotDelivery(typeof body === 'string' ? body : JSON.stringify(body));
  if (!result.ok) throw new Error(`expected ok, got ${result.message}`);
  return result.value;
}

function failure(raw: string): string {
  const result = parseHubSpotDelivery(raw);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.message;
}

describe('parseHubSpotDelivery: app subscription batches', () => {
  it('reads HubSpot contact.creation events, ids as decimal strings', () => {
    expect(parsed([creation])).toEqual({
      events: [{ objectId: '123', portalId: '62515', eventId: '100', occurredAt: 1714000000000, subscriptionType: 'contact.creation' }],
      rejected: [],
      source: 'subscription',
    });
  });

  it('accepts ids given as strings', () => {
    const [event] = parsed([{ ...creation, objectId: '456', portalId: '62515', eventId: '9', occurredAt: '1714000000000' }]).events;
    expect(event).toEqual({
      objectId: '456',
      portalId: '62515',
      eventId: '9',
      occurredAt: 1714000000000,
      subscriptionType: 'contact.creation',
    });
  });

  it('reports events of other types without failing the delivery', () => {
    const result = parsed([
      creation,
      { ...creation, objectId: 124, subscriptionType: 'contact.propertyChange', propertyName: 'email' },
      { ...creation, objectId: 125, subscriptionType: 'deal.creation' },
    ]);
    expect(result.events.map((e) => e.objectId)).toEqual(['123']);
    expect(result.rejected).toEqual([
      { objectId: '124', reason: expect.stringContaining('"contact.propertyChange"') },
      { objectId: '125', reason: expect.stringContaining('"deal.creation"') },
    ]);
    expect(result.rejected[0]?.reason).toContain('contact.creation');
  });

  it('accepts the generic object.creation event for contacts (objectTypeId 0-1) only', () => {
    const result = parsed([
      { ...creation, subscriptionType: 'object.creation', objectTypeId: '0-1' },
      { ...creation, objectId: 9, subscriptionType: 'object.creation', objectTypeId: '0-3' },
    ]);
    expect(result.events.map((e) => e.objectId)).toEqual(['123']);
    expect(result.rejected.map((r) => r.objectId)).toEqual(['9']);
  });

  it('rejects an element without objectId (objectId "") and keeps the others', () => {
    const { objectId: _drop, ...noId } = creation;
    const result = parsed([noId, creation]);
    expect(result.events).toHaveLength(1);
    expect(result.rejected).toEqual([{ objectId: '', reason: 'event 0 has no objectId' }]);
  });

  it('rejects elements that are not events', () => {
    const result = parsed([creation, 5, null, [creation], 'x']);
    expect(result.events).toHaveLength(1);
    expect(result.rejected).toEqual([
      { objectId: '', reason: 'event 1 is not a JSON object' },
      { objectId: '', reason: 'event 2 is not a JSON object' },
      { objectId: '', reason: 'event 3 is not a JSON object' },
      { objectId: '', reason: 'event 4 is not a JSON object' },
    ]);
  });

  it.each([
    [{ objectId: 'abc' }, 'not a HubSpot record id'],
    [{ objectId: -5 }, 'not a HubSpot record id'],
    [{ objectId: 1.5 }, 'not a HubSpot record id'],
    [{ objectId: 0 }, 'not a HubSpot record id'],
    [{ portalId: 'x' }, 'not a HubSpot portal id'],
    [{ subscriptionType: undefined }, 'no subscriptionType'],
  ])('rejects an event with %j', (change, reason) => {
    const result = parsed([{ ...creation, ...change }]);
    expect(result.events).toEqual([]);
    expect(result.rejected[0]?.reason).toContain(reason);
  });

  it('leaves out optional fields that are absent or unusable', () => {
    expect(parsed([{ objectId: 7, subscriptionType: 'contact.creation', occurredAt: 'yesterday' }]).events).toEqual([
      { objectId: '7', subscriptionType: 'contact.creation' },
    ]);
  });

  it('treats one event object posted without its array as a subscription event', () => {
    expect(parsed(creation)).toEqual({ events: [expect.objectContaining({ objectId: '123' })], rejected: [], source: 'subscription' });
  });

  it(`accepts ${MAX_EVENTS_PER_DELIVERY} events and refuses more`, () => {
    const batch = Array.from({ length: MAX_EVENTS_PER_DELIVERY }, (_, i) => ({ ...creation, objectId: i + 1 }));
    expect(parsed(batch).events).toHaveLength(100);
    expect(failure(JSON.stringify([...batch, creation]))).toBe('request body has 101 events; HubSpot sends at most 100 per delivery');
  });
});

describe('parseHubSpotDelivery: workflow "Send a webhook" bodies', () => {
  it.each([
    ['objectId', { objectId: 321, portalId: 62515, properties: { firstname: 'Ada' } }],
    ['hs_object_id', { hs_object_id: '321', firstname: 'Ada' }],
    ['properties.hs_object_id', { properties: { hs_object_id: '321' } }],
    ['properties.hs_object_id {value}', { properties: { hs_object_id: { value: '321', versions: [] } } }],
    ['legacy vid', { vid: 321, 'portal-id': 62515, properties: { firstname: { value: 'Ada' } } }],
  ])('reads the record id from %s', (_name, body) => {
    const result = parsed(body);
    expect(result.source).toBe('workflow');
    expect(result.rejected).toEqual([]);
    expect(result.events).toEqual([expect.objectContaining({ objectId: '321', subscriptionType: 'workflow' })]);
  });

  it('takes portalId when present', () => {
    expect(parsed({ objectId: 1, portalId: 62515 }).events[0]).toEqual({ objectId: '1', portalId: '62515', subscriptionType: 'workflow' });
    expect(parsed({ objectId: 1 }).events[0]).toEqual({ objectId: '1', subscriptionType: 'workflow' });
  });

  it('fails a record without an id, saying where it looked', () => {
    expect(failure('{"properties":{"firstname":"Ada"}}')).toContain(
      'no record id: expected objectId, hs_object_id, properties.hs_object_id or vid',
    );
    expect(failure('{"objectId":"not-a-number"}')).toContain('is not a HubSpot record id');
  });
});

describe('parseHubSpotDelivery: unusable bodies', () => {
  it.each([
    ['', 'request body is empty'],
    ['   \n', 'request body is empty'],
    ['{"objectId":', 'request body is not valid JSON'],
    ['[1,2', 'request body is not valid JSON'],
    ['[]', 'request body is an empty array'],
    ['42', 'request body is JSON number'],
    ['"text"', 'request body is JSON string'],
    ['null', 'request body is JSON null'],
    ['true', 'request body is JSON boolean'],
  ])('fails %j', (raw, message) => {
    const text = failure(raw);
    expect(text.startsWith(message)).toBe(true);
    expect(text).toContain('expected a JSON array of HubSpot webhook events');
  });

  it('never throws, whatever the body', () => {
    for (const odd of [undefined, null, 42, {}] as unknown[]) expect(parseHubSpotDelivery(odd as string).ok).toBe(false);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map((v) => JSON.stringify(v) ?? ''),
        ),
        (raw) => {
          const result = parseHubSpotDelivery(raw);
          if (result.ok) {
            for (const e of result.value.events) expect(e.objectId).toMatch(/^[1-9]\d*$/);
          } else {
            expect(result.message.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
