import { newTestCall, parseTestCallInput } from '../../functions/core/test-call';
import type { Agent } from '../../functions/core/model';

const agent: Agent = {
  id: 'agt_1',
  workspaceId: 'default',
  name: 'Sales',
  timezone: 'America/New_York',
  defaultCountry: 'US',
  variables: [],
  callDefaults: { min_trigger_time: '09:00', max_trigger_time: '10:00', carry_over: false, num_of_retries: 3 },
  voice: { provider: 'simulator' },
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

it('normalises `to` with the agent defaultCountry and takes text variables', () => {
  expect(parseTestCallInput({ to: '(415) 555-2671', variables: { firstname: 'Ada', n: 3 } }, agent)).toEqual({
    ok: true,
    value: { to: '+14155552671', variables: { firstname: 'Ada', n: '3' } },
  });
});

it.each([
  [{}, 'to'],
  [{ to: '' }, 'to'],
  [{ to: '555' }, 'to'],
  [{ to: '+999 1' }, 'to'],
  [{ to: '+14155552671', variables: 'x' }, 'variables'],
  [{ to: '+14155552671', variables: { 'bad name': 'x' } }, 'variables.bad name'],
  [{ to: '+14155552671', variables: { a: { nested: true } } }, 'variables.a'],
])('refuses %j naming %s', (body, parameter) => {
  expect(parseTestCallInput(body as Record<string, unknown>, agent)).toMatchObject({ ok: false, error: { parameter } });
});

it('is one attempt now, at 03:00 outside the window, with no retries, marked as a test', () => {
  const now = new Date('2026-06-10T07:00:00Z'); // 03:00 New York
  const call = newTestCall({ id: 'call_x', agent, portalId: '', to: '+14155552671', variables: {}, now });
  expect(call).toMatchObject({
    test: true,
    status: 'scheduled',
    attempts: [{ number: 1, scheduledAt: now.toISOString() }],
    settings: { carryOver: true, numOfRetries: 0, gapHours: [2] },
  });
  expect(call.settings.window).toBeUndefined();
  expect(call.history).toEqual([{ at: now.toISOString(), status: 'scheduled', reason: call.reason }]);
  expect(call.reason).toMatch(/test call/);
});
