import { isObject, parseJson } from './json';
import type { DialJob, QueueTask } from './model';

// The bytes of a queue message: the SQS message body and the EventBridge schedule's
// Input are both this JSON — a dial job `{"callId","attempt"}`, or a task with a `kind`.
// It lives in core because both sides use it: the queue adapters write it, the dial
// handler reads it, and a handler may not import an adapter.

export function serializeDialJob(job: DialJob): string {
  return JSON.stringify({ callId: job.callId, attempt: job.attempt });
}

export function serializeQueueTask(task: QueueTask): string {
  return JSON.stringify(task);
}

export type QueueMessage = { type: 'dial'; job: DialJob } | { type: 'task'; task: QueueTask };

/** A dial job or a task (it has a `kind`); undefined when the body is neither (the consumer drops it). */
export function parseQueueMessage(body: string): QueueMessage | undefined {
  const value = parseObject(body);
  if (!value) return undefined;
  if ('kind' in value)
    return typeof value.kind === 'string' && value.kind.length > 0 ? { type: 'task', task: value as QueueTask } : undefined;
  const job = dialJobOf(value);
  return job ? { type: 'dial', job } : undefined;
}

/** undefined when the body is not a dial job (the dial handler drops it). */
export function parseDialJob(body: string): DialJob | undefined {
  const value = parseObject(body);
  return value && !('kind' in value) ? dialJobOf(value) : undefined;
}

function parseObject(body: string): Record<string, unknown> | undefined {
  const value = parseJson(body);
  return isObject(value) ? value : undefined;
}

function dialJobOf(value: Record<string, unknown>): DialJob | undefined {
  const { callId, attempt } = value;
  if (typeof callId !== 'string' || callId.length === 0) return undefined;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) return undefined;
  return { callId, attempt };
}
