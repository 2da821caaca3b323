// CallKaro, from its API reference: POST /call/outbound (X-API-KEY) -> 200 {status:
// "done", message, call_sid}; the call_ended webhook goes to the URL set on the CallKaro
// agent as {event: "call_ended", data: {callSid, call_metadata, hangup_reason, ...}}, unsigned.
import { randomBytes } from 'node:crypto';
import { postJson, startPlatformFake, type PlatformFake, type PlatformRequest } from './platform-fake';

export interface FakeCallKaro extends PlatformFake {
  apiKey: string;
  /** The URL set as the CallKaro agent's call_ended webhook. */
  webhookUrl: string;
  sendCallEnded(
    req: PlatformRequest,
    hangupReason: string,
    extra?: Record<string, unknown>,
    url?: string,
  ): Promise<{ status: number; body: any }>;
}

export async function startFakeCallKaro(apiKey = 'ck_live_0123456789abcdef'): Promise<FakeCallKaro> {
  const base = await startPlatformFake({
    path: '/call/outbound',
    answer(req) {
      if (req.headers['x-api-key'] !== apiKey) return { reply: { status: 401, body: { status: 'error', message: 'Invalid API key' } } };
      const b = req.body ?? {};
      if (typeof b.to_number !== 'string' || !/^\+[1-9]\d{1,14}$/.test(b.to_number) || typeof b.agent_id !== 'string') {
        return { reply: { status: 400, body: { status: 'error', message: 'to_number must be E.164 and agent_id is required' } } };
      }
      const sid = randomBytes(12).toString('hex');
      return { callId: sid, reply: { status: 200, body: { status: 'done', message: 'Call queued successfully', call_sid: sid } } };
    },
  });
  const fake = base as FakeCallKaro;
  fake.apiKey = apiKey;
  fake.webhookUrl = '';
  fake.sendCallEnded = (req, hangupReason, extra = {}, url = fake.webhookUrl) => {
    if (req.callId) fake.end(req.callId);
    return postJson(url, {
      event: 'call_ended',
      data: {
        callSid: req.callId,
        name: 'outbound',
        agent: req.body.agent_id,
        to: req.body.to_number.replace('+', ''),
        recordingUrl: 'https://example.com/recording.mp3',
        call_duration: 120,
        time: '2025-12-19 16:01:07',
        transcription: 'Full call transcript...',
        hangup_reason: hangupReason,
        call_metadata: req.body.metadata,
        try_count: 0,
        ...extra,
      },
    });
  };
  return fake;
}
