// The workspace's do-not-call list:
//   POST /admin/do-not-call {numbers, reason?} -> 200 {added, invalid}
//   GET /admin/do-not-call?limit=&cursor=      -> {items, nextCursor}
//   DELETE /admin/do-not-call/{number}          -> 204 (`+` as is or `%2B`)
import { type DoNotCallAddedView, type DoNotCallView, type Page, pageView } from '../../core/admin-views';
import { parseDoNotCallInput, parseDoNotCallPathNumber } from '../../core/do-not-call';
import { InvalidCursorError } from '../../core/errors';
import { DEFAULT_WORKSPACE } from '../../core/model';
import { logger } from '../../commons/logger';
import { failure, invalidCursor, invalidParameter, noContent, reply, type UseCase } from './result';

export const addToDoNotCall: UseCase<DoNotCallAddedView> = async (deps, { body }) => {
  const parsed = parseDoNotCallInput(body, deps.now());
  if (!parsed.ok) return invalidParameter(parsed.parameter, parsed.message);
  const added = parsed.value.entries.length > 0 ? await deps.store.addDoNotCall(DEFAULT_WORKSPACE, parsed.value.entries) : 0;
  // Counts only: the numbers themselves never reach a log line.
  logger.info('do-not-call numbers added', { added, invalid: parsed.value.invalid.length });
  return reply({ added, invalid: parsed.value.invalid });
};

export const listDoNotCall: UseCase<Page<DoNotCallView>> = async (deps, { query }) => {
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return invalidParameter('limit', 'limit must be a whole number from 1 to 1000');
  try {
    const page = await deps.store.listDoNotCall(DEFAULT_WORKSPACE, { limit, cursor: query.cursor || undefined });
    return reply(pageView(page, (entry) => entry));
  } catch (err) {
    if (err instanceof InvalidCursorError) return invalidCursor();
    throw err;
  }
};

/** The number is an E.164 number, not an id: it arrives raw (its `+` as is or `%2B`) and is checked here. */
export const removeFromDoNotCall: UseCase<undefined> = async (deps, { params }) => {
  const number = parseDoNotCallPathNumber(params.number ?? '');
  if (!number) return invalidParameter('number', 'number must be an E.164 phone number such as +14155552671 (or %2B14155552671)');
  if (!(await deps.store.removeDoNotCall(DEFAULT_WORKSPACE, number)))
    return failure(404, 'not_found', 'that number is not on the do-not-call list');
  logger.info('do-not-call number removed');
  return noContent();
};
