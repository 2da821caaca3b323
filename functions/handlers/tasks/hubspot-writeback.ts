// Task `hubspot-writeback` {callId, attempt}: the settled attempt as a HubSpot Call
// engagement on the contact. The engagement id kept on the attempt decides POST or PATCH,
// so a repeated task, a repeated callback or a later summary never makes a second
// engagement; a POST whose reply never came (a timeout, a 5xx, a process that died) is
// looked for among the contact's calls before anything is POSTed again. HubSpot's 429/5xx
// come back as a later try (Retry-After honoured); after MAX_WRITEBACK_TRIES, or on a
// refusal no retry can fix, the call's history says so.
import { callEngagement } from '../../core/call-engagement';
import { updateCall } from '../../core/call-updates';
import { HubSpotError } from '../../core/errors';
import {
  MAX_WRITEBACK_TRIES,
  parseWriteBackTask,
  retryDelaySeconds,
  withAttempt,
  withHistoryNote,
  type WriteBackTask,
} from '../../core/follow-ups';
import type { Attempt, CallRecord, QueueTask } from '../../core/model';
import type { CallEngagementInput } from '../../core/ports';
import type { AppDeps } from '../../commons/deps';
import { callLogKeys, logger } from '../../commons/logger';

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'hubspotFor' | 'now'>;

/** A POST in flight for longer than this is taken to have died with its process: another may start. */
export const POSTING_CLAIM_SECONDS = 120;
/** How long a task waits for another one's POST before it looks again (not counted as a try). */
const WAIT_FOR_POST_SECONDS = 10;
/** A claim nobody holds any more, kept to say "a POST may have landed: look first". */
const EXPIRED_CLAIM = new Date(0).toISOString();
/**
 * HubSpot's search shows a new object only after a few seconds: a try that will look for
 * an engagement a moment-old POST may have made waits at least this long first.
 */
const SEARCH_LAG_SECONDS = 10;

export function hubspotWriteBackTask(deps: Deps) {
  return async (raw: QueueTask): Promise<void> => {
    const task = parseWriteBackTask(raw);
    if (!task) {
      logger.error('dropping a malformed hubspot-writeback task', { kind: raw.kind });
      return;
    }
    const call = await deps.store.getCall(task.callId);
    const attempt = call?.attempts.find((a) => a.number === task.attempt);
    // Nothing settled to write (a deleted call, a stray task); an erased call's details are gone.
    if (!call || !attempt?.outcome || call.erasedAt) return;
    const ids = callLogKeys(call, task.attempt);
    const agent = await deps.store.getAgent(call.agentId);
    if (!agent?.writeBackToHubSpot) return;
    const connection = await deps.store.getHubSpotConnection(call.workspaceId);
    if (!connection || connection.portalId !== call.portalId) {
      await giveUp(deps, task, `HubSpot portal ${call.portalId} is not connected`);
      return;
    }
    const api = deps.hubspotFor(connection.accessToken);
    try {
      if (attempt.hubspotCallId) {
        await patch(api, call, attempt);
        logger.info('HubSpot call engagement updated', { ...ids, hubspotCallId: attempt.hubspotCallId });
        return;
      }
      await post(deps, api, task, ids);
    } catch (err) {
      if (!(err instanceof HubSpotError)) throw err; // ours, not HubSpot's: the queue redelivers
      // An earlier claim (this try took it over) or a POST that may have landed: the next try looks first.
      const lookFirst = attempt.hubspotPostingAt !== undefined || err.kind === 'unavailable';
      await releaseClaim(deps, task, lookFirst);
      await failed(deps, task, err, call, ids, lookFirst ? SEARCH_LAG_SECONDS : 0);
    }
  };
}

type Api = ReturnType<AppDeps['hubspotFor']>;

async function patch(api: Api, call: CallRecord, attempt: Attempt): Promise<void> {
  const engagement = callEngagement(call, attempt);
  if (!engagement || !attempt.hubspotCallId) return;
  const { contactId: _inline, ...properties } = engagement;
  await api.updateCallEngagement(attempt.hubspotCallId, properties);
}

/**
 * Claims the attempt, POSTs, keeps the engagement id; a concurrent claim means "look again
 * soon". Taking over an expired claim, it first looks for the engagement that claim's POST
 * may have made before its process died (HubSpot answered, the id was never stored).
 */
async function post(deps: Deps, api: Api, task: WriteBackTask, ids: Record<string, unknown>): Promise<void> {
  const now = deps.now();
  const claimed = await updateCall(deps.store, task.callId, (c) => {
    const a = c.attempts.find((x) => x.number === task.attempt);
    if (!a?.outcome) return { unchanged: 'attempt is not settled' };
    if (a.hubspotCallId) return { unchanged: 'written' };
    const since = a.hubspotPostingAt ? Date.parse(a.hubspotPostingAt) : Number.NaN;
    if (now.getTime() - since < POSTING_CLAIM_SECONDS * 1000) return { unchanged: 'posting' };
    return { call: withAttempt(c, { ...a, hubspotPostingAt: now.toISOString() }), extra: { takenOver: a.hubspotPostingAt !== undefined } };
  });
  if (claimed.status === 'not-found') return;
  if (claimed.status === 'unchanged') {
    const a = claimed.call.attempts.find((x) => x.number === task.attempt);
    // Written meanwhile: what this task was sent for may be newer than what was POSTed.
    if (claimed.reason === 'written' && a) await patch(api, claimed.call, a);
    if (claimed.reason === 'posting') await deps.dispatcher.dispatchTask(task, WAIT_FOR_POST_SECONDS);
    return;
  }
  const attempt = claimed.call.attempts.find((x) => x.number === task.attempt) as Attempt;
  const engagement = callEngagement(claimed.call, attempt);
  if (!engagement) return;
  const earlier = claimed.extra?.takenOver ? await findEarlier(api, engagement, ids) : undefined;
  if (earlier) {
    const { contactId: _inline, ...properties } = engagement;
    await api.updateCallEngagement(earlier, properties);
  }
  const id = earlier ?? (await api.createCallEngagement(engagement)).id;
  const stored = await updateCall(deps.store, task.callId, (c) => {
    const a = c.attempts.find((x) => x.number === task.attempt);
    if (!a) return { unchanged: 'attempt is gone' };
    const { hubspotPostingAt: _done, ...rest } = a;
    return { call: withAttempt(c, { ...rest, hubspotCallId: id }), extra: engagementDiffers(attempt, a) };
  });
  logger.info(earlier ? 'HubSpot call engagement found from an earlier try' : 'HubSpot call engagement created', {
    ...ids,
    hubspotCallId: id,
  });
  // Details that arrived while the POST was in flight: their own task may have seen the
  // claim and be waiting, but patching now costs one request and closes the gap.
  if (stored.status === 'updated' && stored.extra) {
    const a = stored.call.attempts.find((x) => x.number === task.attempt);
    if (a) await patch(api, stored.call, a);
  }
}

/**
 * The engagement an earlier try's POST may have made. The look is a guard against a second
 * engagement, not a condition of writing one: a search HubSpot refuses for good (a scope the
 * token lacks, a proxy that does not know the route) lets the POST go ahead rather than lose
 * the write-back; a 429 or 5xx fails this try, to look again on the next.
 */
async function findEarlier(api: Api, engagement: CallEngagementInput, ids: Record<string, unknown>): Promise<string | undefined> {
  try {
    return await api.findCallEngagement(engagement.contactId, { title: engagement.title, timestamp: engagement.timestamp });
  } catch (err) {
    if (!(err instanceof HubSpotError) || err.retryable) throw err;
    logger.warn("could not look for an earlier try's HubSpot call engagement; writing it", {
      ...ids,
      hubspotError: err.kind,
      status: err.details.status,
    });
    return undefined;
  }
}

function engagementDiffers(posted: Attempt, now: Attempt): boolean {
  return (['summary', 'transcript', 'recordingUrl', 'providerReason', 'durationSeconds', 'outcome'] as const).some(
    (f) => posted[f] !== now[f],
  );
}

/**
 * A POST HubSpot refused (429, 4xx) made no engagement: the next try may POST at once. One
 * that timed out, broke off or got a 5xx may have made one: its claim is left expired, so
 * the next try takes it over at once and looks for that engagement before it POSTs.
 */
async function releaseClaim(deps: Deps, task: WriteBackTask, mayHavePosted: boolean): Promise<void> {
  await updateCall(deps.store, task.callId, (c) => {
    const a = c.attempts.find((x) => x.number === task.attempt);
    if (!a?.hubspotPostingAt || a.hubspotCallId) return { unchanged: 'no claim' };
    const { hubspotPostingAt: _released, ...rest } = a;
    return { call: withAttempt(c, mayHavePosted ? { ...rest, hubspotPostingAt: EXPIRED_CLAIM } : rest) };
  });
}

async function failed(
  deps: Deps,
  task: WriteBackTask,
  err: HubSpotError,
  call: CallRecord,
  ids: Record<string, unknown>,
  minDelaySeconds: number,
): Promise<void> {
  const tries = (task.tries ?? 0) + 1;
  const logged = { ...ids, hubspotError: err.kind, status: err.details.status, category: err.details.category, tries };
  if (err.retryable && tries < MAX_WRITEBACK_TRIES) {
    const delay = Math.max(retryDelaySeconds(tries, err.details.retryAfterSeconds), minDelaySeconds);
    await deps.dispatcher.dispatchTask({ ...task, tries }, delay);
    logger.warn('HubSpot write-back failed; trying again later', { ...logged, delaySeconds: delay });
    return;
  }
  logger.warn('HubSpot write-back given up', logged);
  const why = err.retryable ? `after ${tries} tries` : 'HubSpot refused it';
  await giveUp(deps, task, `${why}: ${hubspotReason(err, call, task.attempt)}`);
}

async function giveUp(deps: Deps, task: WriteBackTask, why: string): Promise<void> {
  const now = deps.now();
  await updateCall(deps.store, task.callId, (c) =>
    c.attempts.find((a) => a.number === task.attempt)?.hubspotCallId
      ? { unchanged: 'written meanwhile' }
      : { call: withHistoryNote(c, `HubSpot write-back of attempt ${task.attempt} given up ${why}`, now) },
  );
}

/** HubSpot's own words, without anything of the call it may echo back (a summary, a transcript). */
function hubspotReason(err: HubSpotError, call: CallRecord, attemptNumber: number): string {
  const attempt = call.attempts.find((a) => a.number === attemptNumber);
  let message = err.message;
  for (const text of [attempt?.transcript, attempt?.summary, attempt?.recordingUrl]) {
    if (text) message = message.split(text).join('[call details]');
  }
  return message.length > 400 ? `${message.slice(0, 399)}…` : message;
}
