// Retell AI, from its API reference: POST /v2/create-phone-call (Authorization: Bearer
// <api key>) -> 201 with the call object; the agent webhook gets {event, call} signed
// x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256(api key, body + unix ms)>.
import { createHmac, randomUUID } from 'node:crypto';
import { postJson, startPlatformFake, type PlatformFake, type PlatformRequest } from './platform-fake';

export interface FakeRetell extends PlatformFake {
  apiKey: string;
  /** The URL set as the Retell agent's webhook. */
  webhookUrl: string;
  /** Posts an event for a placed call, signed as Retell signs it (at `signedAt`, default now). */
  sendEvent(
    req: PlatformRequest,
    event: 'call_started' | 'call_ended' | 'call_analyzed',
    call?: Record<string, unknown>,
    opts?: { signedAt?: number; apiKey?: string },
  ): Promise<{ status: number; body: any }>;
}

export function retellSignature(apiKey: string, rawBody: string, timestamp: number): string {
  return `v=${timestamp},d=${createHmac('sha256', apiKey)
    .update(rawBody + String(timestamp))
    .digest('hex')}`;
}

export async function startFakeRetell(apiKey = 'key_retell_test_0123456789'): Promise<FakeRetell> {
  const base = await startPlatformFake({
    path: '/v2/create-phone-call',
    answer(req) {
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return { reply: { status: 401, body: { status: 'error', message: 'Unauthorized' } } };
      const b = req.body ?? {};
      if (typeof b.from_number !== 'string' || typeof b.to_number !== 'string') {
        return { reply: { status: 400, body: { status: 'error', message: 'from_number and to_number are required' } } };
      }
      const callId = `Jabr${randomUUID().replace(/-/g, '')}`;
      return {
        callId,
        reply: {
          status: 201,
          body: {
            call_type: 'phone_call',
            from_number: b.from_number,
            to_number: b.to_number,
            direction: 'outbound',
            call_id: callId,
            agent_id: b.override_agent_id,
            call_status: 'registered',
            metadata: b.metadata ?? {},
            retell_llm_dynamic_variables: b.retell_llm_dynamic_variables ?? {},
          },
        },
      };
    },
  });
  const fake = base as FakeRetell;
  fake.apiKey = apiKey;
  fake.webhookUrl = '';
  fake.sendEvent = async (req, event, call = {}, opts = {}) => {
    if (event === 'call_ended' && req.callId) fake.end(req.callId);
    const body = JSON.stringify({
      event,
      call: {
        call_type: 'phone_call',
        call_id: req.callId,
        agent_id: req.body?.override_agent_id,
        call_status: event === 'call_started' ? 'ongoing' : 'ended',
        metadata: req.body?.metadata,
        retell_llm_dynamic_variables: req.body?.retell_llm_dynamic_variables,
        from_number: req.body?.from_number,
        to_number: req.body?.to_number,
        direction: 'outbound',
        ...call,
      },
    });
    const at = opts.signedAt ?? Date.now();
    return postJson(fake.webhookUrl, body, { 'x-retell-signature': retellSignature(opts.apiKey ?? apiKey, body, at) });
  };
  return fake;
}
