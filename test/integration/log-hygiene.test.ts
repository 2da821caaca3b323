import { startFakeRetell, type FakeRetell } from '../fakes/fake-retell';
import { startFakeVapi, type FakeVapi } from '../fakes/fake-vapi';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, waitFor, type TestStack } from '../support/local-stack';
import { captureLogs, type LogCapture } from '../support/log-capture';

// Every secret the service handles goes through one flow here while every log line is
// captured; none of them may appear in any line.
describe('log lines carry ids, never secrets', () => {
  let t: TestStack;
  let retell: FakeRetell;
  let vapi: FakeVapi;
  let captured: LogCapture;

  beforeAll(async () => {
    captured = captureLogs();
    t = await startTestStack();
    retell = await startFakeRetell('key_retell_never_logged_0123');
    vapi = await startFakeVapi('vapi-key-never-logged-0123');
  });
  afterAll(async () => {
    await t.stop();
    await retell.stop();
    await vapi.stop();
    captured.restore();
  });

  it('logs the flow with callId/agentId/portalId/contactId and no token, key, secret or query string', async () => {
    const { key, agentId } = await t.setup();
    const clientSecret = 'client-secret-never-logged';
    await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN, clientSecret });
    // An unsigned delivery (refused) and an expired token (refused) exercise the error paths too.
    t.hubspot.contacts.set('901', { firstname: 'Log', phone: '+14155550901' });
    await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['901'], t.hubspot.portalId));
    await t.admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN });
    const res = await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['901'], t.hubspot.portalId));
    expect(res.body.accepted).toBe(1);
    const req: any = await waitFor(async () => t.voice.requests[0], 'the call to be placed');
    await t.voice.sendOutcome(req, 'no-answer');
    // Voice platforms: a Retell call and its signed callback, a Vapi refusal that echoes the key back.
    const retellAgent = await t.admin('POST', '/admin/agents', {
      name: 'Retell',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      voice: { provider: 'retell', apiKey: retell.apiKey, agentId: 'agent_1', fromNumber: '+14155550100', apiBaseUrl: retell.url },
    });
    retell.webhookUrl = retellAgent.body.voice.webhookUrl;
    t.hubspot.contacts.set('903', { phone: '+14155550903' });
    await t.webhook({ agent_id: retellAgent.body.id, type: 'hubspot', x_api_key: key }, creationEvents(['903'], t.hubspot.portalId, 90));
    const [placed] = await retell.waitForRequests(1);
    expect(
      (await retell.sendEvent(placed!, 'call_ended', { disconnection_reason: 'user_hangup', transcript: 'Agent: secret plans' })).status,
    ).toBe(200);
    const vapiAgent = await t.admin('POST', '/admin/agents', {
      name: 'Vapi',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      voice: { provider: 'vapi', apiKey: vapi.apiKey, assistantId: 'a', phoneNumberId: 'p', apiBaseUrl: vapi.url },
    });
    vapi.script = (req) => ({
      status: 400,
      body: {
        message: [`bad key ${vapi.apiKey}`, `url ${req.body?.assistantOverrides?.server?.url}`],
        error: 'Bad Request',
        statusCode: 400,
      },
    });
    t.hubspot.contacts.set('904', { phone: '+14155550904' });
    await t.webhook({ agent_id: vapiAgent.body.id, type: 'hubspot', x_api_key: key }, creationEvents(['904'], t.hubspot.portalId, 91));
    await vapi.waitForRequests(1);
    await waitFor(async () => (captured.text().includes('voice provider error') ? true : undefined), 'the vapi refusal to be logged');

    t.hubspot.expireToken(HUBSPOT_TOKEN);
    t.hubspot.contacts.set('902', { phone: '+14155550902' });
    await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['902'], t.hubspot.portalId));

    const logs = captured.text();
    expect(logs).toMatch(/"callId":"call_/);
    expect(logs).toMatch(/"contactId":"901"/);
    expect(logs).toMatch(/"portalId":"62515"/);
    for (const secret of [
      HUBSPOT_TOKEN,
      key,
      clientSecret,
      t.voice.secret,
      retell.apiKey,
      vapi.apiKey,
      'x_api_key=',
      'token=',
      'v1.',
      'secret plans',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
