// Vapi, from its API reference: POST /call (Authorization: Bearer <private key>) -> 201
// with the call ({id, ...}); the end-of-call-report goes to the call's server URL
// (assistantOverrides.server.url) as {message: {type, endedReason, call, artifact, analysis, startedAt, endedAt}}.
import { randomUUID } from 'node:crypto';
import { postJson, startPlatformFake, type PlatformFake, type PlatformRequest } from './platform-fake';

export interface FakeVapi extends PlatformFake {
  apiKey: string;
  sendReport(req: PlatformRequest, endedReason: string, extra?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  sendMessage(req: PlatformRequest, message: Record<string, unknown>): Promise<{ status: number; body: any }>;
}

export async function startFakeVapi(apiKey = 'vapi-private-key-0123456789'): Promise<FakeVapi> {
  const base = await startPlatformFake({
    path: '/call',
    answer(req) {
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return {
          reply: {
            status: 401,
            body: {
              message: 'Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.',
              error: 'Unauthorized',
              statusCode: 401,
            },
          },
        };
      }
      const b = req.body ?? {};
      if (typeof b.customer?.number !== 'string')
        return { reply: { status: 400, body: { message: ['customer.number must be a string'], error: 'Bad Request', statusCode: 400 } } };
      const id = randomUUID();
      return {
        callId: id,
        reply: {
          status: 201,
          body: {
            id,
            orgId: 'org_1',
            type: 'outboundPhoneCall',
            status: 'queued',
            assistantId: b.assistantId,
            phoneNumberId: b.phoneNumberId,
            customer: b.customer,
            assistantOverrides: b.assistantOverrides,
            createdAt: new Date().toISOString(),
          },
        },
      };
    },
  });
  const fake = base as FakeVapi;
  fake.apiKey = apiKey;
  fake.sendMessage = (req, message) => postJson(req.body.assistantOverrides.server.url, { message });
  fake.sendReport = (req, endedReason, extra = {}) => {
    if (req.callId) fake.end(req.callId);
    const startedAt = new Date(Date.now() - 42_000).toISOString();
    return fake.sendMessage(req, {
      type: 'end-of-call-report',
      endedReason,
      call: { id: req.callId, type: 'outboundPhoneCall', assistantOverrides: req.body.assistantOverrides },
      artifact: { transcript: 'AI: Hello\nUser: Hi', recordingUrl: 'https://storage.vapi.ai/rec.wav' },
      analysis: { summary: 'Short greeting.' },
      startedAt,
      endedAt: new Date(Date.parse(startedAt) + 42_000).toISOString(),
      ...extra,
    });
  };
  return fake;
}
