// Calls: listed (filters, search, pages), read, cancelled, and counted per day.
import { type CallDetailView, type CallView, callView, type OutcomesView, type Page, pageView } from '../../core/admin-views';
import { parseCallSearch } from '../../core/call-search';
import { cancelCall, pendingAttempt } from '../../core/call-state';
import { queueFinishedAgain, queueFollowUps } from '../follow-ups';
import { updateCall } from '../../core/call-updates';
import { InvalidCursorError } from '../../core/errors';
import { CALL_STATUSES, type CallRecord, type CallStatus, DEFAULT_WORKSPACE } from '../../core/model';
import { outcomesPerDay } from '../../core/outcome-stats';
import { callLogKeys, logger } from '../../commons/logger';
import { failure, invalidCursor, invalidParameter, reply, type UseCase } from './result';

export const listCalls: UseCase<Page<CallView>> = async (deps, { query: q }) => {
  const status = q.status as CallStatus | undefined;
  if (status !== undefined && !CALL_STATUSES.includes(status)) {
    return invalidParameter('status', `status must be one of ${CALL_STATUSES.join(', ')}`);
  }
  const limit = q.limit === undefined ? 25 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalidParameter('limit', 'limit must be a whole number from 1 to 100');
  const search = parseCallSearch(q);
  if (!search.ok) return invalidParameter(search.parameter, search.message);
  try {
    const page = await deps.store.listCalls({
      agentId: q.agent_id || undefined,
      status,
      limit,
      cursor: q.cursor || undefined,
      ...search.value,
    });
    return reply(pageView(page, callView));
  } catch (err) {
    if (err instanceof InvalidCursorError) return invalidCursor();
    throw err;
  }
};

export const getCall: UseCase<CallDetailView> = async (deps, { params }) => {
  const id = params.id ?? '';
  const call = await deps.store.getCall(id);
  return call && call.workspaceId === DEFAULT_WORKSPACE ? reply(callView(call)) : callNotFound(id);
};

export const cancel: UseCase<CallDetailView> = async (deps, { params }) => {
  const id = params.id ?? '';
  const now = deps.now();
  let pending: number | undefined;
  const result = await updateCall(deps.store, id, (call) => {
    if (call.workspaceId !== DEFAULT_WORKSPACE) return { unchanged: 'not found' };
    pending = pendingAttempt(call)?.number;
    return cancelCall(call, now);
  });
  if (result.status === 'not-found' || result.call.workspaceId !== DEFAULT_WORKSPACE) return callNotFound(id);
  if (result.status === 'unchanged') {
    if (result.call.status === 'cancelled') await queueFinishedAgain(deps, result.call);
    return failure(409, 'not_cancellable', `call ${id} cannot be cancelled: ${result.reason}`);
  }
  if (pending !== undefined) await deps.dispatcher.cancel({ callId: id, attempt: pending });
  await queueFollowUps(deps, result.before, result.call);
  logger.info('call cancelled', { ...callLogKeys(result.call), status: result.call.status, reason: result.call.reason });
  return reply(callView(result.call));
};

/** Calls created in the window (and a week before it, whose retries may end inside) are read page by page. */
export const outcomeStats: UseCase<OutcomesView> = async (deps, { query }) => {
  const raw = query.days;
  const days = raw === undefined || raw === '' ? 30 : Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 90) return invalidParameter('days', 'days must be a whole number from 1 to 90');
  const now = deps.now();
  const from = new Date(now.getTime() - (days + 7) * 86_400_000).toISOString();
  const calls: CallRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listCalls({ limit: 100, cursor, from });
    calls.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return reply(outcomesPerDay(calls, now, days));
};

function callNotFound(id: string) {
  return failure(404, 'call_not_found', `call ${id} was not found`);
}
