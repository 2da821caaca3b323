// Calls: the list (filters, search, pages, polling for new calls) and one call's timeline.
import { useEffect, useState } from 'preact/hooks';
import type { AgentView, AttemptView, CallView as Call, HistoryView, Page } from '../../functions/core/admin-views';
import { CALL_STATUSES } from '../../functions/core/model';
import { adminApi } from './api';
import { navigate } from './router';
import { Empty, ErrorBox, Link, Status, when } from './ui';

const STATUSES = CALL_STATUSES;
const POLL_MS = 5000;

interface Filters {
  agent_id?: string;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
}

/** A date input's day as the start of that day in the operator's zone, in ISO 8601. */
function dayStart(day: string | undefined, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + plusDays).toISOString();
}

export function CallsView(props: { search: string }) {
  const params = new URLSearchParams(props.search);
  const filters: Filters = Object.fromEntries([...params].filter(([k]) => ['agent_id', 'status', 'from', 'to', 'q'].includes(k)));
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<Page<Call> | undefined>();
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [error, setError] = useState<unknown>();
  const cursor = cursors[cursors.length - 1];
  const key = props.search;

  useEffect(() => {
    adminApi('listAgents', {}).then(
      (r) => setAgents(r.items),
      () => undefined,
    );
  }, []);
  useEffect(() => setCursors([]), [key]);
  useEffect(() => {
    let live = true;
    const load = () =>
      adminApi(
        'listCalls',
        {},
        {
          query: {
            agent_id: filters.agent_id,
            status: filters.status,
            from: dayStart(filters.from),
            to: dayStart(filters.to, 1),
            q: filters.q,
            limit: '25',
            cursor,
          },
        },
      ).then(
        (r) => live && (setPage(r), setError(undefined)),
        (e) => live && setError(e),
      );
    void load();
    // New calls appear without a reload: the page in view is read again every few seconds.
    const timer = setInterval(load, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, cursor]);

  function apply(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const [k, v] of form) if (typeof v === 'string' && v.trim()) next.set(k, v.trim());
    navigate(`/calls${next.toString() ? `?${next}` : ''}`);
  }

  const agentName = (id: string) => agents.find((a) => a.id === id)?.name ?? id;
  return (
    <section>
      <h1>Calls</h1>
      <form class="filters" onSubmit={apply} aria-label="Filter calls">
        <label>
          Agent
          <select name="agent_id" value={filters.agent_id ?? ''}>
            <option value="">All agents</option>
            {agents.map((a) => (
              <option value={a.id}>{a.name}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filters.status ?? ''}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={filters.from ?? ''} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filters.to ?? ''} />
        </label>
        <label class="grow">
          Contact id or number
          <input type="search" name="q" value={filters.q ?? ''} placeholder="e.g. 501 or +15550100001" />
        </label>
        <button type="submit">Apply</button>
        {props.search && (
          <button type="button" class="secondary" onClick={() => navigate('/calls')}>
            Clear
          </button>
        )}
      </form>
      <ErrorBox error={error} />
      {page && page.items.length === 0 && (
        <Empty>
          {props.search
            ? 'No call matches these filters.'
            : 'No calls yet. They appear here as soon as HubSpot delivers a contact to the webhook URL (see Agents).'}
        </Empty>
      )}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="calls">
            <thead>
              <tr>
                <th>Contact</th>
                <th>Number</th>
                <th>Agent</th>
                <th>Status</th>
                <th>Reason</th>
                <th>Attempts</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr>
                  <td data-label="Contact">
                    <Link href={`/calls/${encodeURIComponent(c.id)}`}>Contact {c.contactId}</Link>
                  </td>
                  <td data-label="Number">{c.to ?? '—'}</td>
                  <td data-label="Agent">{agentName(c.agentId)}</td>
                  <td data-label="Status">
                    <Status value={c.status} />
                  </td>
                  <td data-label="Reason" class="reason">
                    {c.reason}
                  </td>
                  <td data-label="Attempts">{c.attempts.length}</td>
                  <td data-label="Created">{when(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" class="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

export function CallView(props: { id: string }) {
  const [call, setCall] = useState<Call | undefined>();
  const [portal, setPortal] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const load = () => adminApi('getCall', { id: props.id }).then(setCall, setError);
  useEffect(() => {
    void load();
    adminApi('getHubSpotConnection', {}).then(
      (c) => setPortal(c.portalId),
      () => undefined,
    );
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [props.id]);

  async function cancel() {
    if (!window.confirm('Cancel this call? No further attempt will be made.')) return;
    setBusy(true);
    try {
      setCall(await adminApi('cancelCall', { id: props.id }));
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!call)
    return (
      <section>
        <p>
          <Link href="/calls">← All calls</Link>
        </p>
        {error ? <ErrorBox error={error} /> : <p>Loading…</p>}
      </section>
    );
  // Decisions and attempts on one time line, oldest first.
  const events: ({ at: string; kind: 'decision'; h: HistoryView } | { at: string; kind: 'attempt'; a: AttemptView })[] = [
    ...call.history.map((h) => ({ at: h.at, kind: 'decision' as const, h })),
    ...call.attempts.map((a) => ({ at: a.endedAt ?? a.startedAt ?? a.scheduledAt, kind: 'attempt' as const, a })),
  ];
  events.sort((x, y) => String(x.at).localeCompare(String(y.at)));
  const portalId = call.portalId || portal;
  return (
    <section>
      <p>
        <Link href="/calls">← All calls</Link>
      </p>
      <h1>
        Contact {call.contactId} <Status value={call.status} />
      </h1>
      <p class="lead">{call.reason}</p>
      <dl class="facts">
        <dt>Number</dt>
        <dd>{call.to ?? 'none'}</dd>
        <dt>Agent</dt>
        <dd>{call.agentId}</dd>
        <dt>Call id</dt>
        <dd>
          <code>{call.id}</code>
        </dd>
        <dt>Time zone</dt>
        <dd>{call.timezone}</dd>
        <dt>HubSpot</dt>
        <dd>
          {portalId ? (
            <a href={`https://app.hubspot.com/contacts/${portalId}/record/0-1/${call.contactId}`} target="_blank" rel="noopener noreferrer">
              Open contact {call.contactId} in HubSpot
            </a>
          ) : (
            'portal unknown'
          )}
        </dd>
        {Object.keys(call.variables ?? {}).length > 0 && (
          <>
            <dt>Variables</dt>
            <dd>
              {Object.entries(call.variables)
                .map(([k, v]) => `${k}: ${v}`)
                .join(' · ')}
            </dd>
          </>
        )}
        {call.missingVariables.length > 0 && (
          <>
            <dt>Missing in HubSpot</dt>
            <dd>{call.missingVariables.join(', ')}</dd>
          </>
        )}
      </dl>
      {(call.status === 'scheduled' || call.status === 'dialing') && (
        <button type="button" class="danger" disabled={busy} onClick={cancel}>
          Cancel call
        </button>
      )}
      <ErrorBox error={error} />
      <h2>Timeline</h2>
      <ol class="timeline">
        {events.map((e) =>
          e.kind === 'decision' ? (
            <li class="decision">
              <time>{when(e.at)}</time>
              <Status value={e.h.status} /> {e.h.reason}
            </li>
          ) : (
            <li class="attempt">
              <time>{when(e.at)}</time>
              <strong>Attempt {e.a.number}</strong>{' '}
              {e.a.outcome ? (
                <span class={`badge o-${e.a.outcome}`}>{e.a.outcome}</span>
              ) : (
                <span class="badge">{e.a.startedAt ? 'in progress' : 'waiting'}</span>
              )}
              <div class="attempt-facts">
                scheduled {when(e.a.scheduledAt)}
                {e.a.startedAt && <> · started {when(e.a.startedAt)}</>}
                {e.a.durationSeconds !== undefined && <> · {Math.round(e.a.durationSeconds)} s</>}
                {e.a.providerReason && <> · platform: {e.a.providerReason}</>}
              </div>
              {e.a.reason && <div>{e.a.reason}</div>}
              {e.a.summary && (
                <div>
                  <strong>Summary:</strong> {e.a.summary}
                </div>
              )}
              {e.a.recordingUrl && (
                // biome-ignore lint/a11y/useMediaCaption: call recordings have no caption track; the transcript is shown below
                <audio controls preload="none" src={e.a.recordingUrl} aria-label={`Recording of attempt ${e.a.number}`} />
              )}
              {e.a.transcript && (
                <details>
                  <summary>Transcript</summary>
                  <pre class="transcript">{e.a.transcript}</pre>
                </details>
              )}
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
