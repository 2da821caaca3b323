import { contactEvent, deleteContact, mergeContacts } from '../fakes/fake-hubspot';
import { startTestStack, type TestStack } from '../support/local-stack';
import { captureLogs, type LogCapture } from '../support/log-capture';

// Creation, do-not-call, deletion, merge and privacy deletion with every log line captured:
// no contact name or number (not even an invalid one quoted in a reason) reaches a line.
describe('lifecycle and do-not-call log lines carry ids, never names or numbers', () => {
  let t: TestStack;
  let captured: LogCapture;

  beforeAll(async () => {
    captured = captureLogs();
    t = await startTestStack({ now: () => new Date('2026-06-10T15:00:00Z') });
  });
  afterAll(async () => {
    await t.stop();
    captured.restore();
  });

  it('logs ids and counts only', async () => {
    const { key, agentId } = await t.setup({ doNotCallProperty: 'do_not_call' });
    const q = { agent_id: agentId, type: 'hubspot', x_api_key: key, min_trigger_time: '18:00', max_trigger_time: '20:00' };
    t.hubspot.contacts.set('9101', { firstname: 'Wilhelmina', lastname: 'Oddname', phone: '+1 415 555 0171' });
    t.hubspot.contacts.set('9102', { firstname: 'Bartholomew', phone: '55 12' }); // invalid: quoted in its reason
    t.hubspot.contacts.set('9103', { firstname: 'Persephone', phone: '+1 415 555 0173', do_not_call: 'yes' });
    t.hubspot.contacts.set('9104', { firstname: 'Quintessa', phone: '+1 415 555 0174' });
    await t.admin('POST', '/admin/do-not-call', { numbers: ['+1 415 555 0174', 'bogus-9999'] });
    const events = ['9101', '9102', '9103', '9104'].map((id) => contactEvent(t.hubspot, 'creation', id, 'legacy'));
    expect((await t.webhook(q, events)).body.accepted).toBe(4);
    await t.webhook(q, mergeContacts(t.hubspot, '9101', ['9104'], 'generic'));
    await t.webhook(q, deleteContact(t.hubspot, '9102', 'generic', { privacy: true }));
    await t.webhook(q, deleteContact(t.hubspot, '9101', 'legacy'));

    const logs = captured.text();
    expect(logs).toMatch(/"contactId":"9101"/);
    expect(logs).toMatch(/call changed by a HubSpot contact event/);
    for (const personal of [
      'Wilhelmina',
      'Oddname',
      'Bartholomew',
      'Persephone',
      'Quintessa',
      '5550171',
      '5550173',
      '5550174',
      '55 12',
      'bogus-9999',
    ]) {
      expect(logs).not.toContain(personal);
    }
  });
});
