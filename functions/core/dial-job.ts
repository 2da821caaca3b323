import type { DialJob } from './model';

// The bytes of a dial job on the wire: the SQS message body and the EventBridge
// schedule's Input are both this JSON, `{"callId","attempt"}` and nothing else. It lives
// in core because both sides use it: the queue adapters write it, the dial handler
// reads it, and a handler may not import an adapter.

export function serializeDialJob(job: DialJob): string {
  return JSON.stringify({ callId: job.callId, attempt: job.attempt });
}

/** undefined when the body is not a dial job (the dial handler drops it). */
export function parseDialJob(body: string): DialJob | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { callId, attempt } = value as Record<string, unknown>;
  if (typeof callId !== 'string' || callId.length === 0) return undefined;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) return undefined;
  return { callId, attempt };
}
