import { Logger } from '@aws-lambda-powertools/logger';

// One structured JSON logger for every function. Keys that may carry secrets are
// never passed to it: callers log ids (callId, agentId, portalId, contactId) only.
export const logger = new Logger({
  serviceName: 'hubdial',
  logLevel: (process.env.LOG_LEVEL as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? (process.env.JEST_WORKER_ID ? 'SILENT' : 'INFO'),
});
