// The `backfill-page` task: one HubSpot search page of a backfill job through intake,
// then the job advanced and the next page queued. Safe to run twice: intake is
// idempotent (the call id is derived from the contact), and the job only advances with
// a version-conditional write, so a second run of the same page adds no counts.
import {
  BACKFILL_PAGE_TASK,
  type BackfillJob,
  failBackfill,
  recordPage,
  retryUnavailable,
  SEARCH_PAGE_SIZE,
  SEARCH_RESULT_CAP,
  searchWaitMs,
  splitCurrentRange,
} from '../core/backfill';
import { resolveCallSettings } from '../core/call-settings';
import { HubSpotError } from '../core/errors';
import { contactPropertiesFor, ingestDelivery } from '../core/intake';
import type { QueueTask } from '../core/model';
import type { ContactProperties, ContactSearchPage, HubSpotApi } from '../core/ports';
import type { AppDeps } from '../commons/deps';
import { logger } from '../commons/logger';

export { BACKFILL_PAGE_TASK };

type Deps = Pick<AppDeps, 'store' | 'dispatcher' | 'hubspotFor' | 'now'>;

export function createBackfillPageHandler(deps: Deps) {
  return async (task: QueueTask): Promise<void> => {
    const jobId = typeof task.jobId === 'string' ? task.jobId : '';
    const page = typeof task.page === 'number' ? task.page : Number.NaN;
    const job = jobId ? await deps.store.getBackfillJob(jobId) : undefined;
    if (job?.status !== 'running' || !Number.isInteger(page)) return;
    // This page was stored but the hand-off of the next one may have been lost: hand it
    // off again (a second copy finds the job moved on and does nothing).
    if (job.page === page + 1) return queuePage(deps, job, 0);
    if (job.page !== page) return;
    await runPage(deps, job);
  };
}

async function runPage(deps: Deps, job: BackfillJob): Promise<void> {
  const log = { backfillId: job.id, agentId: job.agentId, page: job.page };
  const agent = await deps.store.getAgent(job.agentId);
  if (!agent) return fail(deps, job, `agent ${job.agentId} was deleted during the backfill`);
  const connection = await deps.store.getHubSpotConnection(job.workspaceId);
  if (!connection) return fail(deps, job, 'HubSpot was disconnected during the backfill: reconnect it and start the backfill again');
  const settings = resolveCallSettings({}, agent.callDefaults);
  if (!settings.ok) return fail(deps, job, `agent ${agent.id}: ${settings.error.message}`);
  const range = job.ranges[0];
  if (!range) return fail(deps, job, 'the job has no range left but was not marked done');

  const wait = searchWaitMs(job, deps.now());
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const hubspot = deps.hubspotFor(connection.accessToken);
  const properties = searchProperties(agent);
  const searchedAt = deps.now();
  let result: ContactSearchPage;
  try {
    result = await hubspot.searchContactsCreated(range, properties, { after: job.after, limit: SEARCH_PAGE_SIZE });
  } catch (err) {
    if (!(err instanceof HubSpotError)) throw err;
    if (err.kind === 'rate-limited') {
      // Wait as HubSpot asks, then the same page again (the job has not moved).
      const seconds = Math.max(1, Math.ceil(err.details.retryAfterSeconds ?? 1));
      logger.warn('backfill search rate limited; waiting', { ...log, retryAfterSeconds: seconds, policyName: err.details.policyName });
      return queuePage(deps, job, seconds);
    }
    if (err.retryable) {
      const retry = retryUnavailable(job, err.message, deps.now());
      if (!(await deps.store.updateBackfillJob(retry.job))) return;
      if (retry.job.status === 'failed') {
        logger.warn('backfill failed', { ...log, reason: retry.job.error });
        return;
      }
      logger.warn('HubSpot unavailable for a backfill page; trying again later', { ...log, delaySeconds: retry.delaySeconds });
      return queuePage(deps, retry.job, retry.delaySeconds);
    }
    logger.warn('backfill search refused', { ...log, hubspotError: err.kind, status: err.details.status });
    return fail(deps, job, err.message);
  }

  if (!job.after && result.total > SEARCH_RESULT_CAP) {
    const split = splitCurrentRange(job, searchedAt, result.total);
    if ('fail' in split) return fail(deps, job, split.fail);
    logger.info('backfill range split', { ...log, total: result.total, since: range.since, until: range.until });
    if (await deps.store.updateBackfillJob(split)) await queuePage(deps, split, 0);
    return;
  }

  const summary = await ingestDelivery(
    { store: deps.store, hubspot: searchPageReader(result, properties, hubspot, log), dispatcher: deps.dispatcher },
    {
      agent,
      portalId: connection.portalId,
      settings: settings.value,
      delivery: {
        events: result.results.map((c) => ({ objectId: c.id, portalId: connection.portalId, subscriptionType: 'contact.creation' })),
        rejected: [],
        source: 'subscription',
      },
      now: searchedAt,
    },
  );
  const next = recordPage(job, searchedAt, result, {
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    rejected: summary.rejected.length,
  });
  // Another run of this page got there first: its counts are the ones kept.
  if (!(await deps.store.updateBackfillJob(next))) return;
  for (const call of summary.calls) {
    logger.info('call stored', {
      callId: call.callId,
      agentId: agent.id,
      portalId: connection.portalId,
      contactId: call.objectId,
      status: call.status,
    });
  }
  for (const rejected of summary.rejected) {
    logger.info('contact rejected', {
      agentId: agent.id,
      portalId: connection.portalId,
      contactId: rejected.objectId,
      reason: rejected.reason,
    });
  }
  logger.info('backfill page done', {
    ...log,
    found: result.results.length,
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    rejected: summary.rejected.length,
    status: next.status,
  });
  if (next.status === 'running') await queuePage(deps, next, 0);
}

/** Intake's contact properties, asked for in the search itself so no contact is read twice. */
export const searchProperties = contactPropertiesFor;

/**
 * Intake reads contacts through HubSpotApi.batchReadContacts; here it is answered from
 * the search page. Should intake ever want a property the search did not ask for (a rule
 * added to intake but not to searchProperties), the page is read with one batch read
 * rather than guessed as empty, and the log says so.
 */
function searchPageReader(page: ContactSearchPage, requested: string[], hubspot: HubSpotApi, log: Record<string, unknown>): HubSpotApi {
  const byId = new Map(page.results.map((c) => [c.id, c.properties]));
  const refuse = (what: string) => () => Promise.reject(new Error(`backfill intake must not ${what}`));
  return {
    async batchReadContacts(ids, properties) {
      const missing = properties.filter((p) => !requested.includes(p));
      if (missing.length > 0) {
        logger.warn('backfill search lacks contact properties intake reads; reading the page again', { ...log, missing });
        return hubspot.batchReadContacts(ids, properties);
      }
      const found = new Map<string, ContactProperties>();
      for (const id of ids) {
        const properties = byId.get(id);
        if (properties) found.set(id, properties);
      }
      return found;
    },
    getAccountDetails: refuse('read the account'),
    checkContactsAccess: refuse('check access'),
    getContact: refuse('read a single contact'),
    searchContactsCreated: refuse('search'),
    createCallEngagement: refuse('write engagements'),
    findCallEngagement: refuse('search engagements'),
    updateCallEngagement: refuse('update engagements'),
  };
}

async function queuePage(deps: Deps, job: BackfillJob, delaySeconds: number): Promise<void> {
  await deps.dispatcher.dispatchTask({ kind: BACKFILL_PAGE_TASK, jobId: job.id, page: job.page }, delaySeconds);
}

async function fail(deps: Deps, job: BackfillJob, reason: string): Promise<void> {
  const failed = failBackfill(job, reason, deps.now());
  if (await deps.store.updateBackfillJob(failed)) logger.warn('backfill failed', { backfillId: job.id, agentId: job.agentId, reason });
}
