// `npm start` killed with SIGKILL while the operator's endpoint is down and a call's
// events wait in the queue for another try; started again on the same data folder, it
// delivers them (signed) once the endpoint is back. The HubSpot write-back of the same
// attempt, refused with 503 before the kill, lands once, after the restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCallId } from '../../../functions/core/call-id';
import { startFakeHubSpot, type FakeHubSpot } from '../../fakes/fake-hubspot';
import { startFakeNotifyReceiver, type FakeNotifyReceiver } from '../../fakes/fake-notify-receiver';
import { startFakeVoice, type FakeVoice } from '../../fakes/fake-voice';
import { freePorts, startChildStack, type ChildStack, type ChildStackOptions } from '../../support/child-stack';
import { creationEvents, HUBSPOT_TOKEN, waitFor } from '../../support/local-stack';
import { postOutcome } from '../../support/outcome-callback';

jest.setTimeout(120_000);

describe('operator notifications and write-back across a SIGKILL of npm start', () => {
  let hubspot: FakeHubSpot;
  let voice: FakeVoice;
  let receiver: FakeNotifyReceiver;
  let child: ChildStack | undefined;
  let dataDir: string;

  beforeAll(async () => {
    hubspot = await startFakeHubSpot({ token: HUBSPOT_TOKEN });
    voice = await startFakeVoice({ secret: 'voice-secret-0123456789' });
    receiver = await startFakeNotifyReceiver();
    dataDir = mkdtempSync(join(tmpdir(), 'hubdial-notify-restart-'));
  });
  afterAll(async () => {
    await child?.stop();
    await receiver?.stop();
    await voice?.stop();
    await hubspot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    if (!child) throw new Error('hubdial is not running');
    const res = await fetch(`${child.adminUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  it('delivers the events and writes the engagement after the restart, each once', async () => {
    const [port, adminPort] = (await freePorts(2)) as [number, number];
    const options: ChildStackOptions = { dataDir, port, adminPort, hubspotBaseUrl: hubspot.url, logLevel: 'INFO' };
    child = await startChildStack(options);
    const key = (await admin('POST', '/admin/api-keys', { name: 'hubspot' })).body.key;
    const agent = await admin('POST', '/admin/agents', {
      name: 'Sales',
      timezone: 'America/New_York',
      defaultCountry: 'US',
      variables: [],
      voice: { provider: 'http', url: `${voice.url}/calls`, secret: voice.secret },
      writeBackToHubSpot: true,
      notify: { url: receiver.url, secret: receiver.secret },
    });
    expect(agent.status).toBe(201);
    expect((await admin('PUT', '/admin/integrations/hubspot', { accessToken: HUBSPOT_TOKEN })).status).toBe(200);

    hubspot.contacts.set('901', { phone: '+14155550901' });
    const q = new URLSearchParams({ agent_id: agent.body.id, type: 'hubspot', x_api_key: key });
    const delivered = await fetch(`${child.publicUrl}/call/crm-webhook?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(creationEvents(['901'], hubspot.portalId)),
    });
    expect(delivered.status).toBe(200);
    const callId = deriveCallId(agent.body.id, hubspot.portalId, '901');
    const request = await voice.waitForRequest((r) => r.body?.callId === callId, 20_000);

    // The endpoint is down (connection refused) and HubSpot answers the write-back 503.
    await receiver.close();
    hubspot.failCallWrites(1, { status: 503, body: { status: 'error', message: 'Service Unavailable', category: 'INTERNAL_ERROR' } });
    const answered = await postOutcome(voice, request, { outcome: 'completed', durationSeconds: 12, summary: 'Booked a demo.' });
    expect(answered.status).toBe(200);
    await waitFor(
      async () => (/notification not delivered; trying again later/.test(child?.output() ?? '') ? true : undefined),
      'a refused notification',
      20_000,
    );
    await waitFor(
      async () => (/HubSpot write-back failed; trying again later/.test(child?.output() ?? '') ? true : undefined),
      'a refused write-back',
      20_000,
    );
    expect(hubspot.engagements).toHaveLength(0);

    await child.kill();
    await receiver.start();
    child = await startChildStack(options);

    const wanted = [`${callId}:1:attempt.settled`, `${callId}:call.finished`];
    await waitFor(
      async () => (wanted.every((id) => receiver.acceptedEventIds().has(id)) ? true : undefined),
      'both events after the restart',
      60_000,
    );
    const finished = receiver.received.find((e) => e.body?.eventId === `${callId}:call.finished` && e.answered === 200);
    expect(finished?.signatureValid).toBe(true);
    expect(finished?.body).toMatchObject({ type: 'call.finished', call: { id: callId, status: 'completed' } });
    expect(finished?.body.call.attempts[0].summary).toBe('Booked a demo.');

    const engagementId = await waitFor(
      async () => (await admin('GET', `/admin/calls/${callId}`)).body.attempts[0].hubspotCallId,
      'the engagement id after the restart',
      60_000,
    );
    expect(hubspot.calls.get(engagementId)?.hs_call_body).toContain('Booked a demo.');
    expect(hubspot.engagements).toHaveLength(1);
  });
});
