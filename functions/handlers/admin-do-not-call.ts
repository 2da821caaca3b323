// Admin routes for the workspace's do-not-call list:
//   POST /admin/do-not-call {numbers, reason?} -> 200 {added, invalid}
//   GET /admin/do-not-call?limit=&cursor=      -> {items, nextCursor}
//   DELETE /admin/do-not-call/{number}          -> 204 (`+` as is or `%2B`)
import { parseDoNotCallInput, parseDoNotCallPathNumber } from '../core/do-not-call';
import { InvalidCursorError } from '../core/errors';
import { DEFAULT_WORKSPACE } from '../core/model';
import type { Store } from '../core/ports';
import { errorReply, json, jsonObjectBody, queryOf, type HttpEvent, type HttpResult } from '../commons/http';
import { logger } from '../commons/logger';

type Deps = { store: Store; now: () => Date };

export async function addToDoNotCall(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const body = jsonObjectBody(event);
  if (typeof body === 'string') return errorReply(400, 'invalid_body', body);
  const parsed = parseDoNotCallInput(body, deps.now());
  if (!parsed.ok) return errorReply(400, 'invalid_parameter', parsed.message, parsed.parameter);
  const added = parsed.value.entries.length > 0 ? await deps.store.addDoNotCall(DEFAULT_WORKSPACE, parsed.value.entries) : 0;
  // Counts only: the numbers themselves never reach a log line.
  logger.info('do-not-call numbers added', { added, invalid: parsed.value.invalid.length });
  return json(200, { added, invalid: parsed.value.invalid });
}

export async function listDoNotCall(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const q = queryOf(event);
  const limit = q.limit === undefined ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    return errorReply(400, 'invalid_parameter', 'limit must be a whole number from 1 to 1000', 'limit');
  try {
    const page = await deps.store.listDoNotCall(DEFAULT_WORKSPACE, { limit, cursor: q.cursor || undefined });
    return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
  } catch (err) {
    if (err instanceof InvalidCursorError)
      return errorReply(400, 'invalid_parameter', 'cursor is not valid: pass nextCursor from the previous page unchanged', 'cursor');
    throw err;
  }
}

export async function removeFromDoNotCall(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const segment = event.rawPath.replace(/\/+$/, '').split('/').pop() ?? '';
  const number = parseDoNotCallPathNumber(segment);
  if (!number)
    return errorReply(400, 'invalid_parameter', 'number must be an E.164 phone number such as +14155552671 (or %2B14155552671)', 'number');
  if (!(await deps.store.removeDoNotCall(DEFAULT_WORKSPACE, number)))
    return errorReply(404, 'not_found', 'that number is not on the do-not-call list');
  logger.info('do-not-call number removed');
  return { statusCode: 204, body: '' };
}
