// Bland AI, from its API reference: POST /v1/calls (authorization: <api key>) -> 200
// {status: "success", call_id}; the post-call webhook goes to the call's `webhook` URL,
// signed X-Webhook-Signature: <hex HMAC-SHA256(webhook secret, body)> when a secret is set.
import { createHmac, randomUUID } from 'node:crypto';
import { postJson, startPlatformFake, type PlatformFake, type PlatformRequest } from './platform-fake';

export interface FakeBland extends PlatformFake {
  apiKey: string;
  webhookSecret?: string;
  sendWebhook(
    req: PlatformRequest,
    status: string,
    extra?: Record<string, unknown>,
    opts?: { secret?: string },
  ): Promise<{ status: number; body: any }>;
}

export async function startFakeBland(apiKey = 'org_bland_key_0123456789', webhookSecret?: string): Promise<FakeBland> {
  const base = await startPlatformFake({
    path: '/v1/calls',
    answer(req) {
      if (req.headers.authorization !== apiKey) return { reply: { status: 401, body: { status: 'error', message: 'Invalid API key' } } };
      const b = req.body ?? {};
      if (typeof b.phone_number !== 'string' || (!b.task && !b.pathway_id)) {
        return {
          reply: {
            status: 400,
            body: { status: 'error', message: 'Missing required parameters', errors: ['phone_number and task or pathway_id are required'] },
          },
        };
      }
      const callId = randomUUID();
      return {
        callId,
        reply: { status: 200, body: { status: 'success', message: 'Call successfully queued.', call_id: callId, batch_id: null } },
      };
    },
  });
  const fake = base as FakeBland;
  fake.apiKey = apiKey;
  fake.webhookSecret = webhookSecret;
  fake.sendWebhook = (req, status, extra = {}, opts = {}) => {
    if (req.callId) fake.end(req.callId);
    const body = JSON.stringify({
      call_id: req.callId,
      status,
      answered_by: 'human',
      corrected_duration: '37',
      concatenated_transcript: 'user: Hello? assistant: Hi, this is Bland.',
      summary: 'Greeted the contact.',
      recording_url: 'https://server.bland.ai/recording.mp3',
      metadata: req.body.metadata,
      error_message: null,
      ...extra,
    });
    const secret = opts.secret ?? fake.webhookSecret;
    const headers: Record<string, string> = secret
      ? { 'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex') }
      : {};
    return postJson(req.body.webhook, body, headers);
  };
  return fake;
}
