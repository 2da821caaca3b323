// Posts an `http`-provider outcome callback with any extra fields (summary, transcript,
// recordingUrl, providerReason), signed the way DESIGN's http contract says.
import { createHmac } from 'node:crypto';
import type { FakeVoice, FakeVoiceRequest } from '../fakes/fake-voice';

export async function postOutcome(
  voice: FakeVoice,
  request: FakeVoiceRequest,
  fields: Record<string, unknown>,
): Promise<{ status: number; body: any }> {
  const { callId, attempt, statusCallbackUrl } = request.body ?? {};
  const raw = JSON.stringify({ callId, attempt, providerCallId: request.providerCallId, ...fields });
  const res = await fetch(statusCallbackUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubdial-signature': `sha256=${createHmac('sha256', voice.secret).update(raw).digest('hex')}`,
    },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
