import {
  failBackfill,
  newBackfillJob,
  parseBackfillInput,
  MAX_UNAVAILABLE_TRIES,
  recordPage,
  retryUnavailable,
  SEARCH_SPACING_MS,
  searchWaitMs,
  splitCurrentRange,
} from '../../functions/core/backfill';

const NOW = new Date('2026-12-01T10:00:00Z');
const base = () =>
  newBackfillJob({ id: 'bf_1', workspaceId: 'default', agentId: 'agt_1', since: new Date('2026-11-27T00:00:00Z'), until: NOW, now: NOW });

describe('parseBackfillInput', () => {
  it('reads ISO 8601 with a zone or a date, until defaulting to now', () => {
    expect(parseBackfillInput({ agentId: ' agt_1 ', since: '2026-11-27T01:02:03+02:00' }, NOW)).toEqual({
      ok: true,
      value: { agentId: 'agt_1', since: new Date('2026-11-26T23:02:03Z'), until: NOW },
    });
    const dated = parseBackfillInput({ agentId: 'a', since: '2026-11-27', until: '2026-11-28' }, NOW);
    expect(dated).toMatchObject({ ok: true, value: { since: new Date('2026-11-27T00:00:00Z'), until: new Date('2026-11-28T00:00:00Z') } });
  });

  it.each([
    [{ since: '2026-11-27' }, 'agentId'],
    [{ agentId: 'a' }, 'since'],
    [{ agentId: 'a', since: '2026-11-27T10:00' }, 'since'],
    [{ agentId: 'a', since: 'last week' }, 'since'],
    [{ agentId: 'a', since: '2026-02-30T00:00:00Z' }, 'since'],
    [{ agentId: 'a', since: '2026-11-27', until: 5 }, 'until'],
    [{ agentId: 'a', since: '2026-12-02' }, 'since'], // after now
  ])('refuses %j naming %s', (body, parameter) => {
    const result = parseBackfillInput(body as Record<string, unknown>, NOW);
    expect(result).toMatchObject({ ok: false, error: { parameter } });
  });
});

describe('the job advancing page by page', () => {
  it('pages a range, moves to the next, then is done; counts add up', () => {
    let job = splitCurrentRange(base(), NOW, 20_000);
    if ('fail' in job) throw new Error(job.fail);
    expect(job.ranges).toHaveLength(2);
    expect(job.total).toBe(20_000);
    expect(job.found).toBe(0);
    const results = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), properties: {} }));
    job = recordPage(job, NOW, { total: 150, results: results(100), nextAfter: '100' }, { accepted: 100, duplicates: 0, rejected: 0 });
    expect(job).toMatchObject({ after: '100', page: 2, found: 100 });
    job = recordPage(job, NOW, { total: 150, results: results(50) }, { accepted: 40, duplicates: 9, rejected: 1 });
    expect(job.ranges).toHaveLength(1);
    expect(job.after).toBeUndefined();
    expect(job.status).toBe('running');
    job = recordPage(job, NOW, { total: 3, results: results(3) }, { accepted: 3, duplicates: 0, rejected: 0 });
    expect(job).toMatchObject({
      status: 'done',
      found: 153,
      accepted: 143,
      duplicates: 9,
      rejected: 1,
      page: 4,
      version: 5,
      total: 20_000,
    });
  });

  it('cannot split a millisecond', () => {
    const job = { ...base(), ranges: [{ since: '2026-11-27T00:00:00.000Z', until: '2026-11-27T00:00:00.001Z' }] };
    expect(splitCurrentRange(job, NOW, 10_001)).toEqual({ fail: expect.stringMatching(/within one millisecond/) });
  });

  it('keeps the search pace across containers from the stored last search time', () => {
    const job = { ...base(), lastSearchAt: NOW.toISOString() };
    expect(searchWaitMs(base(), NOW)).toBe(0);
    expect(searchWaitMs(job, new Date(NOW.getTime() + 50))).toBe(SEARCH_SPACING_MS - 50);
    expect(searchWaitMs(job, new Date(NOW.getTime() + 5000))).toBe(0);
    expect(SEARCH_SPACING_MS).toBeGreaterThanOrEqual(200); // 5 per second
  });

  it('a failed job keeps its counts and says why', () => {
    const failed = failBackfill({ ...base(), found: 7 }, 'token revoked', NOW);
    expect(failed).toMatchObject({ status: 'failed', error: 'token revoked', found: 7, version: 2 });
  });
});

it('backs off while HubSpot is unavailable, then fails with the reason; a page that goes through resets the count', () => {
  let job = base();
  const delays: number[] = [];
  for (let i = 1; i < MAX_UNAVAILABLE_TRIES; i++) {
    const retry = retryUnavailable(job, 'HubSpot failed the contact search (503)', NOW);
    expect(retry.job.status).toBe('running');
    delays.push(retry.delaySeconds);
    job = retry.job;
  }
  expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 900]);
  const last = retryUnavailable(job, 'HubSpot failed the contact search (503)', NOW);
  expect(last.job).toMatchObject({ status: 'failed', error: expect.stringMatching(/unavailable 10 times in a row: HubSpot failed/) });
  const recovered = recordPage(job, NOW, { total: 0, results: [] }, { accepted: 0, duplicates: 0, rejected: 0 });
  expect(recovered.unavailableTries).toBeUndefined();
});
