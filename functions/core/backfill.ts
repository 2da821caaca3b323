// Backfill after an outage: the job's rules. A job walks HubSpot's contact search over
// [since, until) one page per queue task; everything it needs to resume (ranges still
// to search, the paging cursor, the counts) is on the stored job, so a restart or a
// redelivered task picks up where the last stored page left off.
import type { ParamError } from './call-settings';
import type { ContactSearchPage } from './ports';

export const BACKFILL_STATUSES = ['running', 'done', 'failed'] as const;
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];

/** The queue task kind that runs one page of a backfill. */
export const BACKFILL_PAGE_TASK = 'backfill-page';

/** HubSpot's search: at most 100 results a page (we ask for 100) ... */
export const SEARCH_PAGE_SIZE = 100;
/** ... and no paging past 10,000 results of one query (a 400), so a fuller range is split. */
export const SEARCH_RESULT_CAP = 10_000;
/** HubSpot allows 5 search requests per second per token: one every 200 ms, with a margin. */
export const SEARCH_SPACING_MS = 210;

export interface BackfillRange {
  /** ISO 8601 UTC, inclusive. */
  since: string;
  /** ISO 8601 UTC, exclusive. */
  until: string;
}

export interface BackfillJob {
  id: string;
  workspaceId: string;
  agentId: string;
  since: string;
  until: string;
  status: BackfillStatus;
  /** What HubSpot's first search said the whole range holds. */
  total?: number;
  found: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  error?: string;
  /** Ranges still to search, oldest first; the first is the one being paged. */
  ranges: BackfillRange[];
  /** HubSpot's paging cursor inside ranges[0]; absent at a range's first page. */
  after?: string;
  /** Pages (searches) done so far: the page task's idempotency token. */
  page: number;
  /** When the last search went out, so the next one (maybe in another container) keeps HubSpot's pace. */
  lastSearchAt?: string;
  /** Searches of the current page that found HubSpot unavailable (5xx, timeout) in a row. */
  unavailableTries?: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface BackfillInput {
  agentId: string;
  since: Date;
  until: Date;
}

// A date, or a date and time with an explicit zone: a zone-less time would be read in
// whatever zone the server runs in.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export function parseBackfillInput(
  body: Record<string, unknown>,
  now: Date,
): { ok: true; value: BackfillInput } | { ok: false; error: ParamError } {
  if (typeof body.agentId !== 'string' || !body.agentId.trim()) {
    return fail('agentId', 'agentId is required: the id of the agent whose contacts to call (hubdial agents list)');
  }
  const since = parseInstant(body.since);
  if (body.since === undefined || body.since === null) {
    return fail('since', 'since is required: when the outage began, ISO 8601 such as 2026-11-28T00:00:00Z');
  }
  if (!since) return fail('since', `since must be ISO 8601 with a time zone, such as 2026-11-28T00:00:00Z; got ${shortText(body.since)}`);
  let until = now;
  if (body.until !== undefined && body.until !== null) {
    const parsed = parseInstant(body.until);
    if (!parsed)
      return fail('until', `until must be ISO 8601 with a time zone, such as 2026-11-30T12:00:00Z; got ${shortText(body.until)}`);
    until = parsed;
  }
  if (since.getTime() >= until.getTime()) {
    return fail(
      'since',
      `since (${since.toISOString()}) must be before until (${until.toISOString()}${body.until === undefined ? ', now' : ''})`,
    );
  }
  return { ok: true, value: { agentId: body.agentId.trim(), since, until } };
}

function parseInstant(raw: unknown): Date | undefined {
  if (typeof raw !== 'string' || !ISO_8601.test(raw.trim())) return undefined;
  const text = raw.trim();
  // Date would roll 2026-02-30 over into March rather than refuse it.
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  const at = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

export function newBackfillJob(input: BackfillInput & { id: string; workspaceId: string; now: Date }): BackfillJob {
  const at = input.now.toISOString();
  const range = { since: input.since.toISOString(), until: input.until.toISOString() };
  return {
    id: input.id,
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    ...range,
    status: 'running',
    found: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    ranges: [range],
    page: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** How long to wait before the next search so the job never exceeds HubSpot's pace. */
export function searchWaitMs(job: BackfillJob, now: Date): number {
  if (!job.lastSearchAt) return 0;
  return Math.max(0, Date.parse(job.lastSearchAt) + SEARCH_SPACING_MS - now.getTime());
}

/** Tries of one page while HubSpot is unavailable before the job gives up (about 35 minutes of backoff). */
export const MAX_UNAVAILABLE_TRIES = 10;

/**
 * HubSpot was unavailable for this page: wait longer each time (5 s doubling, at most
 * the queue's 15 minutes), then give up with the reason rather than leave a job running
 * that nothing advances.
 */
export function retryUnavailable(job: BackfillJob, reason: string, now: Date): { job: BackfillJob; delaySeconds: number } {
  const tries = (job.unavailableTries ?? 0) + 1;
  if (tries >= MAX_UNAVAILABLE_TRIES) {
    return { job: failBackfill(job, `HubSpot was unavailable ${tries} times in a row: ${reason}`, now), delaySeconds: 0 };
  }
  return {
    job: { ...job, unavailableTries: tries, updatedAt: now.toISOString(), version: job.version + 1 },
    delaySeconds: Math.min(900, 5 * 2 ** (tries - 1)),
  };
}

/** The range being paged holds more than HubSpot pages through: search its two halves instead. */
export function splitCurrentRange(job: BackfillJob, searchedAt: Date, total: number): BackfillJob | { fail: string } {
  const [current, ...rest] = job.ranges;
  if (!current) return { fail: 'no range left to split' };
  const from = Date.parse(current.since);
  const to = Date.parse(current.until);
  const mid = Math.floor((from + to) / 2);
  if (mid <= from) {
    return {
      fail: `HubSpot holds ${total} contacts created at ${current.since} (within one millisecond), more than its search pages through (${SEARCH_RESULT_CAP})`,
    };
  }
  const halves = [
    { since: current.since, until: new Date(mid).toISOString() },
    { since: new Date(mid).toISOString(), until: current.until },
  ];
  return advanced(job, searchedAt, { ranges: [...halves, ...rest], after: undefined, total: job.total ?? total });
}

/** A page went through intake: add its counts and move the cursor (or to the next range, or done). */
export function recordPage(
  job: BackfillJob,
  searchedAt: Date,
  page: ContactSearchPage,
  counts: { accepted: number; duplicates: number; rejected: number },
): BackfillJob {
  const ranges = page.nextAfter ? job.ranges : job.ranges.slice(1);
  const next = advanced(job, searchedAt, {
    ranges,
    after: page.nextAfter,
    total: job.total ?? page.total,
    found: job.found + page.results.length,
    accepted: job.accepted + counts.accepted,
    duplicates: job.duplicates + counts.duplicates,
    rejected: job.rejected + counts.rejected,
  });
  return ranges.length === 0 ? { ...next, status: 'done' } : next;
}

export function failBackfill(job: BackfillJob, reason: string, now: Date): BackfillJob {
  return { ...job, status: 'failed', error: reason, updatedAt: now.toISOString(), version: job.version + 1 };
}

function advanced(job: BackfillJob, searchedAt: Date, changes: Partial<BackfillJob>): BackfillJob {
  const next: BackfillJob = {
    ...job,
    ...changes,
    page: job.page + 1,
    lastSearchAt: searchedAt.toISOString(),
    updatedAt: searchedAt.toISOString(),
    version: job.version + 1,
  };
  if (next.after === undefined) delete next.after;
  delete next.unavailableTries;
  return next;
}

/** The admin reply: the contract's fields, then what helps an operator follow along. */
export function backfillView(job: BackfillJob) {
  return {
    id: job.id,
    status: job.status,
    found: job.found,
    accepted: job.accepted,
    duplicates: job.duplicates,
    rejected: job.rejected,
    ...(job.error ? { error: job.error } : {}),
    agentId: job.agentId,
    since: job.since,
    until: job.until,
    total: job.total ?? null,
    pages: job.page,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

function fail(parameter: string, message: string): { ok: false; error: ParamError } {
  return { ok: false, error: { parameter, message } };
}

function shortText(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : (JSON.stringify(raw) ?? String(raw));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
