// Lambda's SQS event source rules shared by the local consumers (the SQS poller and the
// SQLite queue consumer): invoke the handler with one batch and say which messages failed.
import type { Context, SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { logger } from '../functions/commons/logger';

/** What Lambda accepts from an SQS handler: a batch response, or nothing (all succeeded). */
export type SqsBatchResult = Awaited<ReturnType<SQSHandler>>;
export type BatchHandler = (event: SQSEvent, context?: Context) => Promise<SqsBatchResult>;

/** The ids of the records to leave for redelivery; a throw fails the whole batch, as on AWS. */
export async function invokeBatch(handler: BatchHandler, records: SQSRecord[]): Promise<Set<string>> {
  try {
    return failedMessageIds(await handler({ Records: records }), records);
  } catch (err) {
    logger.error('handler threw; the whole batch will be redelivered', {
      messages: records.length,
      error: err instanceof Error ? err.message : String(err),
    });
    return new Set(records.map((r) => r.messageId));
  }
}

/**
 * Lambda's rules for a partial batch response: no response or an empty list = all
 * succeeded; an identifier that is missing or names no message in the batch = the whole
 * batch failed.
 */
function failedMessageIds(response: SqsBatchResult, records: SQSRecord[]): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  const ids = (response?.batchItemFailures ?? []).map((f) => f?.itemIdentifier);
  if (ids.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(ids as string[]);
}
