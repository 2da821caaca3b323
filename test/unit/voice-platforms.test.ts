import { blandOutcome } from '../../functions/adapters/voice/bland';
import { callkaroOutcome } from '../../functions/adapters/voice/callkaro';
import { retellOutcome, verifyRetellSignature } from '../../functions/adapters/voice/retell';
import { validateVoiceConfig } from '../../functions/adapters/voice/registry';
import { vapiOutcome } from '../../functions/adapters/voice/vapi';
import { retryAfterMs } from '../../functions/adapters/voice/platform-request';

// Every reason word DESIGN.md lists, and the outcome it must become.
describe('retell disconnection_reason', () => {
  it.each([
    ['dial_no_answer', 'no-answer'],
    ['user_declined', 'no-answer'],
    ['dial_busy', 'busy'],
    ['voicemail_reached', 'voicemail'],
    ['user_hangup', 'completed'],
    ['agent_hangup', 'completed'],
    ['call_transfer', 'completed'],
    ['transfer_bridged', 'completed'],
    ['transfer_cancelled', 'completed'],
    ['inactivity', 'completed'],
    ['max_duration_reached', 'completed'],
    ['manual_stopped', 'completed'],
    ['call_take_over', 'completed'],
    ['dial_failed', 'failed'],
    ['invalid_destination', 'failed'],
    ['error_llm_websocket_open', 'failed'],
    ['error_unknown', 'failed'],
    [undefined, 'failed'],
  ])('%s -> %s', (reason, outcome) => expect(retellOutcome(reason)).toBe(outcome));

  it('call_analysis.in_voicemail makes it voicemail whatever the reason', () => {
    expect(retellOutcome('user_hangup', true)).toBe('voicemail');
    expect(retellOutcome('user_hangup', false)).toBe('completed');
  });
});

describe('vapi endedReason', () => {
  it.each([
    ['customer-did-not-answer', 'no-answer'],
    ['customer-busy', 'busy'],
    ['voicemail', 'voicemail'],
    ['customer-ended-call', 'completed'],
    ['assistant-ended-call', 'completed'],
    ['assistant-ended-call-after-message-spoken', 'completed'],
    ['assistant-ended-call-with-hangup-task', 'completed'],
    ['assistant-said-end-call-phrase', 'completed'],
    ['assistant-forwarded-call', 'completed'],
    ['silence-timed-out', 'completed'],
    ['exceeded-max-duration', 'completed'],
    ['twilio-completed-call', 'completed'],
    ['vonage-completed-call', 'completed'],
    ['pipeline-error-openai-llm-failed', 'failed'],
    ['customer-did-not-give-microphone-permission', 'failed'],
    [undefined, 'failed'],
  ])('%s -> %s', (reason, outcome) => expect(vapiOutcome(reason)).toBe(outcome));
});

describe('bland status', () => {
  it.each([
    ['no-answer', undefined, 'no-answer'],
    ['busy', undefined, 'busy'],
    ['completed', 'voicemail', 'voicemail'],
    ['completed', 'human', 'completed'],
    ['completed', undefined, 'completed'],
    ['failed', undefined, 'failed'],
    ['canceled', undefined, 'failed'],
    [undefined, undefined, 'failed'],
  ])('%s (answered_by %s) -> %s', (status, answeredBy, outcome) => expect(blandOutcome(status, answeredBy)).toBe(outcome));
});

describe('callkaro hangup_reason', () => {
  it.each([
    ['USER_UNAVAILABLE', 'no-answer'],
    ['USER_REJECTED', 'no-answer'],
    ['VOICEMAIL_DETECTED', 'voicemail'],
    ['CLIENT_INITIATED', 'completed'],
    ['PARTICIPANT_REMOVED', 'completed'],
    ['SESSION_TIMEOUT', 'completed'],
    ['NETWORK_ERROR', 'failed'],
    [undefined, 'failed'],
  ])('%s -> %s', (reason, outcome) => expect(callkaroOutcome(reason)).toBe(outcome));
});

describe('x-retell-signature', () => {
  // Computed outside this code base:
  //   printf '%s' '{"event":"call_ended"}1700000000000' | openssl dgst -sha256 -hmac 'test-api-key'
  const VECTOR = '07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e';
  const body = '{"event":"call_ended"}';
  const at = new Date(1700000000000);

  it('verifies the independently computed vector', () => {
    expect(verifyRetellSignature('test-api-key', body, `v=1700000000000,d=${VECTOR}`, at)).toBe(true);
  });

  it('refuses another key, another body, another timestamp', () => {
    expect(verifyRetellSignature('other-api-key', body, `v=1700000000000,d=${VECTOR}`, at)).toBe(false);
    expect(verifyRetellSignature('test-api-key', '{"event":"call_started"}', `v=1700000000000,d=${VECTOR}`, at)).toBe(false);
    expect(verifyRetellSignature('test-api-key', body, `v=1700000000001,d=${VECTOR}`, at)).toBe(false);
    expect(verifyRetellSignature('', body, `v=1700000000000,d=${VECTOR}`, at)).toBe(false);
    expect(verifyRetellSignature('test-api-key', body, undefined, at)).toBe(false);
    expect(verifyRetellSignature('test-api-key', body, VECTOR, at)).toBe(false);
  });

  it('refuses a timestamp more than 5 minutes from now, either way', () => {
    const header = `v=1700000000000,d=${VECTOR}`;
    expect(verifyRetellSignature('test-api-key', body, header, new Date(1700000000000 + 5 * 60_000))).toBe(true);
    expect(verifyRetellSignature('test-api-key', body, header, new Date(1700000000000 + 5 * 60_000 + 1))).toBe(false);
    expect(verifyRetellSignature('test-api-key', body, header, new Date(1700000000000 - 5 * 60_000 - 1))).toBe(false);
  });
});

describe('platform settings', () => {
  const refused = (input: Record<string, unknown>) => {
    const r = validateVoiceConfig(input);
    if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
    return r.error;
  };

  it.each([
    [{ provider: 'retell', agentId: 'a', fromNumber: '+14155550100' }, 'voice.apiKey'],
    [{ provider: 'retell', apiKey: 'k', fromNumber: '+14155550100' }, 'voice.agentId'],
    [{ provider: 'retell', apiKey: 'k', agentId: 'a', fromNumber: '4155550100' }, 'voice.fromNumber'],
    [{ provider: 'retell', apiKey: 'k', agentId: 'a', fromNumber: '+14155550100', apiBaseUrl: 'ftp://x' }, 'voice.apiBaseUrl'],
    [{ provider: 'vapi', assistantId: 'a', phoneNumberId: 'p' }, 'voice.apiKey'],
    [{ provider: 'vapi', apiKey: 'k', phoneNumberId: 'p' }, 'voice.assistantId'],
    [{ provider: 'vapi', apiKey: 'k', assistantId: 'a' }, 'voice.phoneNumberId'],
    [{ provider: 'bland', task: 't' }, 'voice.apiKey'],
    [{ provider: 'bland', apiKey: 'k' }, 'voice.pathwayId'],
    [{ provider: 'bland', apiKey: 'k', task: 't', pathwayId: 'p' }, 'voice.pathwayId'],
    [{ provider: 'bland', apiKey: 'k', task: 't', apiKey2: 'x' }, 'voice.apiKey2'],
    [{ provider: 'callkaro', agentId: 'a' }, 'voice.apiKey'],
    [{ provider: 'callkaro', apiKey: 'k' }, 'voice.agentId'],
    [{ provider: 'callkaro', apiKey: '***', agentId: 'a' }, 'voice.apiKey'],
  ])('refuses %j naming %s', (input, parameter) => {
    const error = refused(input);
    expect(error.parameter).toBe(parameter);
    expect(error.message).toContain(parameter);
  });

  it('says what is required in the message', () => {
    expect(refused({ provider: 'retell', agentId: 'a', fromNumber: '+14155550100' }).message).toMatch(/^voice\.apiKey is required: /);
  });

  it('accepts each platform with its settings and ignores a webhookUrl sent back from a GET', () => {
    for (const input of [
      { provider: 'retell', apiKey: 'key_1', agentId: 'agent_1', fromNumber: '+14155550100' },
      { provider: 'vapi', apiKey: 'k', assistantId: 'a', phoneNumberId: 'p' },
      { provider: 'bland', apiKey: 'k', pathwayId: 'p', fromNumber: '+14155550100', webhookSecret: 'whsec-12345' },
      { provider: 'callkaro', apiKey: 'k', agentId: 'a' },
    ]) {
      const r = validateVoiceConfig({ ...input, webhookUrl: 'https://h.example/call/status/x' });
      expect(r).toEqual({ ok: true, value: input });
    }
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, clamped', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('99999')).toBe(15 * 60_000);
  });
});
