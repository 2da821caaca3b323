import { logger } from '../../functions/commons/logger';
import { creationEvents, HUBSPOT_TOKEN, startTestStack, waitFor, type TestStack } from '../support/local-stack';

// Every secret the service handles goes through one flow here while every log line is
// captured; none of them may appear in any line.
describe('log lines carry ids, never secrets', () => {
  let t: TestStack;
  const lines: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    logger.setLogLevel('DEBUG');
    t = await startTestStack();
  });
  afterAll(async () => {
    await t.stop();
    logger.setLogLevel('SILENT');
    process.stdout.write = originalWrite;
    process.stderr.write = originalErr;
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
    t.hubspot.expireToken(HUBSPOT_TOKEN);
    t.hubspot.contacts.set('902', { phone: '+14155550902' });
    await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['902'], t.hubspot.portalId));

    const logs = lines.join('');
    expect(logs).toMatch(/"callId":"call_/);
    expect(logs).toMatch(/"contactId":"901"/);
    expect(logs).toMatch(/"portalId":"62515"/);
    for (const secret of [HUBSPOT_TOKEN, key, clientSecret, t.voice.secret, 'x_api_key=', 'token=']) {
      expect(logs).not.toContain(secret);
    }
  });
});
