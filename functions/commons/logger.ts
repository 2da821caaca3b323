import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';

type LogKeys = Record<string, unknown>;

/**
 * The keys appended during one invocation (or one record of a batch). Powertools keeps
 * appended keys per process, which is right on Lambda (one invocation at a time per
 * container) but not in the local stack, which serves concurrent requests and dial
 * batches in one process: there one request's lines would carry another's ids. Inside
 * a log scope, appendKeys / removeKeys / resetKeys act on that scope's own keys.
 */
const scopes = new AsyncLocalStorage<LogKeys>();

class ScopedLogger extends Logger {
  public override appendKeys(attributes: LogKeys): void {
    const keys = scopes.getStore();
    if (keys) Object.assign(keys, attributes);
    else super.appendKeys(attributes);
  }

  public override removeKeys(names: string[]): void {
    const keys = scopes.getStore();
    if (keys) for (const name of names) delete keys[name];
    else super.removeKeys(names);
  }

  public override resetKeys(): void {
    const keys = scopes.getStore();
    if (keys) for (const name of Object.keys(keys)) delete keys[name];
    else super.resetKeys();
  }

  // Scope keys go first, so a key the call site passes explicitly wins.
  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    const keys = scopes.getStore();
    const withKeys = keys && Object.keys(keys).length > 0 ? ([{ ...keys }, ...extraInput] as LogItemExtraInput) : extraInput;
    super.processLogItem(logLevel, input, withKeys);
  }
}

// One structured JSON logger for every function. Keys that may carry secrets are
// never passed to it: callers log ids (callId, agentId, portalId, contactId) only.
export const logger: Logger = new ScopedLogger({
  serviceName: 'hubdial',
  logLevel:
    (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ??
    (process.env.JEST_WORKER_ID ? 'SILENT' : 'INFO'),
});

/**
 * Runs each call of `fn` in a log scope of its own, starting from the keys of the scope
 * it is called in: what it appends is on its lines only. Every handler factory wraps
 * its invocation in one; the dial handler also wraps each record of a batch.
 */
export function withLogScope<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => scopes.run({ ...scopes.getStore() }, () => fn(...args));
}

/** The keys every call log line carries, so Logs Insights can follow a call or a contact. */
export function callLogKeys(call: { id: string; agentId: string; portalId: string; contactId: string }, attempt?: number) {
  return {
    callId: call.id,
    ...(attempt !== undefined ? { attempt } : {}),
    agentId: call.agentId,
    portalId: call.portalId,
    contactId: call.contactId,
  };
}
