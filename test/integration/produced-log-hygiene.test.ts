// What a call produced (summary, transcript, recording link) and the notify secret go
// through write-back, a HubSpot refusal that echoes them back, and notifications to an
// endpoint that first refuses, while every log line is captured: none may carry them.
import { deriveCallId } from '../../functions/core/call-id';
import { startFakeNotifyReceiver, type FakeNotifyReceiver } from '../fakes/fake-notify-receiver';
import { postOutcome } from '../support/outcome-callback';
import { creationEvents, startTestStack, waitFor, type TestStack } from '../support/local-stack';
import { captureLogs, type LogCapture } from '../support/log-capture';

jest.setTimeout(60_000);

const SUMMARY = 'Summary that never reaches a log line';
const TRANSCRIPT = 'Agent: the transcript never reaches a log line either';
const RECORDING = 'https://recordings.example.com/r/9.wav?X-Amz-Signature=never-logged';

describe('log lines never carry what the call produced', () => {
  let t: TestStack;
  let receiver: FakeNotifyReceiver;
  let captured: LogCapture;

  beforeAll(async () => {
    captured = captureLogs();
    t = await startTestStack();
    receiver = await startFakeNotifyReceiver({ secret: 'notify-secret-never-logged-0123' });
  });
  afterAll(async () => {
    await t.stop();
    await receiver.stop();
    captured.restore();
  });

  it('logs ids and outcomes only', async () => {
    const { key, agentId } = await t.setup({
      writeBackToHubSpot: true,
      notify: { url: `${receiver.url}?token=never-logged`, secret: receiver.secret },
    });
    t.hubspot.contacts.set('951', { phone: '+14155550951' });
    await t.webhook({ agent_id: agentId, type: 'hubspot', x_api_key: key }, creationEvents(['951'], t.hubspot.portalId));
    const callId = deriveCallId(agentId, t.hubspot.portalId, '951');
    const request = await t.voice.waitForRequest((r) => r.body?.callId === callId);

    receiver.status = 503;
    // HubSpot refuses, quoting what it was sent (as its VALIDATION_ERROR messages do).
    t.hubspot.failCallWrites(1, {
      status: 400,
      body: { status: 'error', message: `Property values were not valid: ${SUMMARY} ${TRANSCRIPT}`, category: 'VALIDATION_ERROR' },
    });
    const reply = await postOutcome(t.voice, request, {
      outcome: 'completed',
      summary: SUMMARY,
      transcript: TRANSCRIPT,
      recordingUrl: RECORDING,
    });
    expect(reply.status).toBe(200);
    const note = await waitFor(
      async () =>
        (await t.admin('GET', `/admin/calls/${callId}`)).body.history.find((h: any) => /write-back of attempt 1 given up/.test(h.reason)),
      'the write-back refusal in the history',
    );
    expect(note.reason).not.toContain(SUMMARY);
    await waitFor(async () => (receiver.received.length > 0 ? true : undefined), 'a refused notification');
    receiver.status = 200;
    await waitFor(
      async () => (receiver.acceptedEventIds().has(`${callId}:call.finished`) ? true : undefined),
      'the events once the endpoint answers',
      30_000,
    );

    const logs = captured.text();
    expect(logs).toMatch(/notification delivered/);
    expect(logs).toMatch(/HubSpot write-back given up/);
    for (const text of [SUMMARY, TRANSCRIPT, 'X-Amz-Signature', 'never-logged', receiver.secret, 'token=']) {
      expect(logs).not.toContain(text);
    }
  });
});
