// Set-up views: HubSpot connection, API keys, the do-not-call list.
import { useEffect, useState } from 'preact/hooks';
import type {
  ApiKeyCreatedView,
  ApiKeyView,
  DoNotCallAddedView,
  DoNotCallView as DoNotCallEntry,
  HubSpotConnectionView,
  Page,
} from '../../functions/core/admin-views';
import { ApiError, adminApi } from './api';
import { CopyButton } from './agents';
import { Empty, ErrorBox, FieldError, when } from './ui';

export function HubSpotView() {
  const [conn, setConn] = useState<HubSpotConnectionView | undefined>();
  const [missing, setMissing] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [token, setToken] = useState('');
  const [secret, setSecret] = useState('');
  const load = () =>
    adminApi('getHubSpotConnection', {}).then(
      (c) => (setConn(c), setMissing(undefined)),
      (e) => (e instanceof ApiError && e.status === 404 ? setMissing(e.message) : setError(e)),
    );
  useEffect(() => void load(), []);
  async function connect(e: Event) {
    e.preventDefault();
    try {
      setConn(await adminApi('connectHubSpot', {}, { body: { accessToken: token, ...(secret ? { clientSecret: secret } : {}) } }));
      setMissing(undefined);
      setError(undefined);
      setToken('');
      setSecret('');
    } catch (err) {
      setError(err as Error);
    }
  }
  const fe = error instanceof ApiError ? error : undefined;
  return (
    <section>
      <h1>HubSpot connection</h1>
      {missing && (
        <p class="warning" role="status">
          {missing}
        </p>
      )}
      {conn && (
        <dl class="facts">
          <dt>Status</dt>
          <dd>
            <span class="badge s-completed">{conn.status}</span>
          </dd>
          <dt>Portal</dt>
          <dd>{conn.portalId}</dd>
          <dt>Connected</dt>
          <dd>{when(conn.connectedAt)}</dd>
          <dt>Portal time zone</dt>
          <dd>{conn.timeZone ?? 'unknown'}</dd>
          <dt>Webhook signatures</dt>
          <dd>{conn.signatureVerification ? 'verified (client secret set)' : 'not verified (no client secret)'}</dd>
        </dl>
      )}
      <h2>{conn ? 'Reconnect' : 'Connect'}</h2>
      <form class="form" onSubmit={connect} noValidate>
        <div class="field">
          <label for="f-accessToken">Access token (HubSpot app, Auth tab)</label>
          <input id="f-accessToken" type="password" autoComplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          <FieldError name="accessToken" error={fe} />
        </div>
        <div class="field">
          <label for="f-clientSecret">Client secret (optional, to verify webhook signatures)</label>
          <input id="f-clientSecret" type="password" autoComplete="off" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
          <FieldError name="clientSecret" error={fe} />
        </div>
        {error && !fe?.parameter && <ErrorBox error={error} />}
        <button type="submit">{conn ? 'Reconnect HubSpot' : 'Connect HubSpot'}</button>
      </form>
    </section>
  );
}

export function ApiKeysView() {
  const [keys, setKeys] = useState<ApiKeyView[] | undefined>();
  const [created, setCreated] = useState<ApiKeyCreatedView | undefined>();
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | Error | undefined>();
  const load = () => adminApi('listApiKeys', {}).then((r) => setKeys(r.items), setError);
  useEffect(() => void load(), []);
  async function create(e: Event) {
    e.preventDefault();
    try {
      setCreated(await adminApi('createApiKey', {}, { body: { name } }));
      setName('');
      setError(undefined);
      await load();
    } catch (err) {
      setError(err as Error);
    }
  }
  async function revoke(k: ApiKeyView) {
    if (!window.confirm(`Revoke the key "${k.name}"? Webhooks using it will be refused at once.`)) return;
    try {
      await adminApi('revokeApiKey', { id: k.id });
      if (created?.id === k.id) setCreated(undefined);
      await load();
    } catch (err) {
      setError(err as Error);
    }
  }
  const fe = error instanceof ApiError ? error : undefined;
  return (
    <section>
      <h1>API keys</h1>
      <p class="muted">HubSpot presents a key in the webhook URL (x_api_key). Only its hash is stored: a new key is shown once.</p>
      <form class="form inline" onSubmit={create} noValidate>
        <div class="field">
          <label for="f-keyname">Name</label>
          <input id="f-keyname" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="hubspot production" />
          <FieldError name="name" error={fe} />
        </div>
        <button type="submit">Create key</button>
      </form>
      {error && !fe?.parameter && <ErrorBox error={error} />}
      {created && (
        <div class="notice" role="status">
          <p>
            <strong>New key "{created.name}"</strong>: copy it now, it will not be shown again.
          </p>
          <code class="secret" data-testid="new-key">
            {created.key}
          </code>{' '}
          <CopyButton text={created.key} label="Copy key" />
        </div>
      )}
      {keys && keys.length === 0 && <Empty>No API keys yet.</Empty>}
      {keys && keys.length > 0 && (
        <div class="table-wrap">
          <table class="cards">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Created</th>
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr>
                  <td data-label="Name">{k.name}</td>
                  <td data-label="Id">
                    <code>{k.id}</code>
                  </td>
                  <td data-label="Created">{when(k.createdAt)}</td>
                  <td>
                    <button type="button" class="danger small" onClick={() => revoke(k)} aria-label={`Revoke key ${k.name}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function DoNotCallView() {
  const [page, setPage] = useState<Page<DoNotCallEntry> | undefined>();
  const [cursors, setCursors] = useState<string[]>([]);
  const [unavailable, setUnavailable] = useState(false);
  const [numbers, setNumbers] = useState('');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<DoNotCallAddedView | undefined>();
  const [error, setError] = useState<ApiError | Error | undefined>();
  const cursor = cursors[cursors.length - 1];
  const load = () =>
    adminApi('listDoNotCall', {}, { query: { limit: '50', cursor } }).then(setPage, (e) =>
      e instanceof ApiError && e.status === 404 && e.code === 'not_found' ? setUnavailable(true) : setError(e),
    );
  useEffect(() => void load(), [cursor]);
  async function add(e: Event) {
    e.preventDefault();
    try {
      const list = numbers
        .split(/[\n,;]+/)
        .map((n) => n.trim())
        .filter(Boolean);
      setResult(await adminApi('addDoNotCall', {}, { body: { numbers: list, ...(reason ? { reason } : {}) } }));
      setNumbers('');
      setError(undefined);
      await load();
    } catch (err) {
      setError(err as Error);
    }
  }
  async function remove(n: string) {
    try {
      await adminApi('removeDoNotCall', { number: n });
      await load();
    } catch (err) {
      setError(err as Error);
    }
  }
  if (unavailable)
    return (
      <section>
        <h1>Do-not-call list</h1>
        <p class="warning" role="status">
          This hubdial version has no do-not-call list yet: the admin API does not answer /admin/do-not-call.
        </p>
      </section>
    );
  const fe = error instanceof ApiError ? error : undefined;
  return (
    <section>
      <h1>Do-not-call list</h1>
      <p class="muted">A listed number is never dialled: checked when a call is stored and before every attempt.</p>
      <form class="form" onSubmit={add} noValidate>
        <div class="field">
          <label for="f-numbers">Numbers (one per line)</label>
          <textarea id="f-numbers" rows={3} value={numbers} onInput={(e) => setNumbers(e.currentTarget.value)} />
          <FieldError name="numbers" error={fe} />
        </div>
        <div class="field">
          <label for="f-reason">Reason (optional)</label>
          <input id="f-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </div>
        <button type="submit">Add to list</button>
      </form>
      {error && !fe?.parameter && <ErrorBox error={error} />}
      {result && (
        <p role="status">
          Added {result.added}.{' '}
          {result.invalid.length > 0 && `Not added: ${result.invalid.map((i) => `${i.number} (${i.reason})`).join('; ')}`}
        </p>
      )}
      {page && page.items.length === 0 && <Empty>The list is empty.</Empty>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="cards">
            <thead>
              <tr>
                <th>Number</th>
                <th>Reason</th>
                <th>Added</th>
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((i) => (
                <tr>
                  <td data-label="Number">{i.number}</td>
                  <td data-label="Reason">{i.reason ?? ''}</td>
                  <td data-label="Added">{when(i.addedAt)}</td>
                  <td>
                    <button type="button" class="secondary small" onClick={() => remove(i.number)} aria-label={`Remove ${i.number}`}>
                      Remove
                    </button>
                  </td>
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
