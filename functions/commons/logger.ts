import { Logger } from '@aws-lambda-powertools/logger';

// One structured JSON logger for every function. Keys that may carry secrets are
// never passed to it: callers log ids (callId, agentId, portalId, contactId) only.
export const logger = new Logger({
  serviceName: 'hubdial',
  logLevel:
    (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ??
    (process.env.JEST_WORKER_ID ? 'SILENT' : 'INFO'),
});

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
