// Agents: list with the webhook URL to paste into HubSpot, create and edit. Validation is
// the API's own: its message is shown beside the field it names.
import { useEffect, useState } from 'preact/hooks';
import type { AgentView, ListedAgentView } from '../../functions/core/admin-views';
import { ApiError, adminApi } from './api';
import { navigate } from './router';
import { Empty, ErrorBox, FieldError, Link } from './ui';

const PROVIDERS = ['simulator', 'http', 'retell', 'vapi', 'bland', 'callkaro'];

export function CopyButton(props: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="secondary"
      onClick={() =>
        navigator.clipboard?.writeText(props.text).then(
          () => setDone(true),
          () => setDone(false),
        )
      }
    >
      {done ? 'Copied' : props.label}
    </button>
  );
}

export function AgentsView() {
  const [agents, setAgents] = useState<ListedAgentView[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    adminApi('listAgents', {}).then((r) => setAgents(r.items), setError);
  }, []);
  return (
    <section>
      <div class="title-row">
        <h1>Agents</h1>
        <Link href="/agents/new" class="button">
          New agent
        </Link>
      </div>
      <ErrorBox error={error} />
      {agents && agents.length === 0 && <Empty>No agents yet. Create one, then paste its webhook URL into HubSpot.</Empty>}
      {agents?.map((a) => (
        <article class="card">
          <h2>
            <Link href={`/agents/${encodeURIComponent(a.id)}`}>{a.name}</Link>
          </h2>
          <p class="muted">
            {a.id} · {a.timezone} · voice: {a.voice?.provider}
            {a.callDefaults?.min_trigger_time && ` · window ${a.callDefaults.min_trigger_time}–${a.callDefaults.max_trigger_time}`}
          </p>
          <label class="url">
            Webhook URL for HubSpot (put your API key in place of YOUR_API_KEY)
            <input type="text" readOnly value={a.webhookUrl} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
          </label>
          <CopyButton text={a.webhookUrl} label="Copy webhook URL" />
        </article>
      ))}
    </section>
  );
}

function toForm(a: AgentView | undefined) {
  const { provider = 'simulator', webhookUrl: _w, ...voice } = a?.voice ?? {};
  const d: NonNullable<AgentView['callDefaults']> = a?.callDefaults ?? {};
  return {
    name: a?.name ?? '',
    timezone: a?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    defaultCountry: a?.defaultCountry ?? '',
    provider,
    voice: Object.keys(voice).length ? JSON.stringify(voice, null, 2) : '',
    variables: (a?.variables ?? [{ name: 'firstname', field: 'firstname' }]).map((v) => `${v.name}=${v.field}`).join('\n'),
    min: d.min_trigger_time ?? '',
    max: d.max_trigger_time ?? '',
    carryOver: d.carry_over ?? true,
    retries: d.num_of_retries !== undefined ? String(d.num_of_retries) : '',
    gaps: Array.isArray(d.gap_between_retries) ? d.gap_between_retries.join(',') : (d.gap_between_retries ?? ''),
    writeBack: Boolean(a?.writeBackToHubSpot),
  };
}

export function AgentEditView(props: { id?: string }) {
  const [form, setForm] = useState(toForm(undefined));
  const [loaded, setLoaded] = useState(!props.id);
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (props.id)
      adminApi('getAgent', { id: props.id }).then(
        (a) => (setForm(toForm(a)), setLoaded(true)),
        (e) => setError(e),
      );
  }, [props.id]);
  const set = (k: keyof ReturnType<typeof toForm>) => (e: Event) => {
    const t = e.currentTarget as HTMLInputElement;
    setForm({ ...form, [k]: t.type === 'checkbox' ? t.checked : t.value });
  };

  async function save(e: Event) {
    e.preventDefault();
    let voiceSettings: Record<string, unknown> = {};
    if (form.voice.trim()) {
      try {
        voiceSettings = JSON.parse(form.voice);
      } catch {
        setError(
          new ApiError(400, 'invalid_parameter', 'voice settings must be a JSON object, e.g. {"url": "...", "secret": "..."}', 'voice'),
        );
        return;
      }
    }
    const callDefaults: Record<string, unknown> = { carry_over: form.carryOver };
    if (form.min) callDefaults.min_trigger_time = form.min;
    if (form.max) callDefaults.max_trigger_time = form.max;
    if (form.retries) callDefaults.num_of_retries = Number(form.retries);
    if (form.gaps) callDefaults.gap_between_retries = form.gaps;
    const body = {
      name: form.name,
      timezone: form.timezone,
      ...(form.defaultCountry ? { defaultCountry: form.defaultCountry } : {}),
      variables: String(form.variables)
        .split('\n')
        .map((l: string) => l.trim())
        .filter(Boolean)
        .map((l: string) => {
          const [name, field] = l.split('=').map((s: string) => s.trim());
          return { name, source: 'hubspot', field: field || name };
        }),
      callDefaults,
      voice: { provider: form.provider, ...voiceSettings },
      writeBackToHubSpot: form.writeBack,
    };
    setSaving(true);
    try {
      await (props.id ? adminApi('replaceAgent', { id: props.id }, { body }) : adminApi('createAgent', {}, { body }));
      navigate('/agents');
    } catch (err) {
      setError(err as Error);
    } finally {
      setSaving(false);
    }
  }

  const fe = error instanceof ApiError ? error : undefined;
  const field = (name: string, label: string, input: preact.JSX.Element, hint?: string) => (
    <div class={`field${fe?.parameter?.startsWith(name) ? ' invalid' : ''}`}>
      <label for={`f-${name}`}>{label}</label>
      {input}
      {hint && <span class="hint">{hint}</span>}
      <FieldError name={name} error={fe} />
    </div>
  );
  if (!loaded) return <section>{error ? <ErrorBox error={error} /> : <p>Loading…</p>}</section>;
  return (
    <section>
      <p>
        <Link href="/agents">← Agents</Link>
      </p>
      <h1>{props.id ? `Edit agent ${form.name}` : 'New agent'}</h1>
      <form class="form" onSubmit={save} noValidate>
        {field('name', 'Name', <input id="f-name" value={form.name} onInput={set('name')} />)}
        {field(
          'timezone',
          'Time zone (IANA)',
          <input id="f-timezone" value={form.timezone} onInput={set('timezone')} />,
          'e.g. America/New_York',
        )}
        {field(
          'defaultCountry',
          'Default country',
          <input id="f-defaultCountry" value={form.defaultCountry} onInput={set('defaultCountry')} />,
          'two letters, for numbers without a country code, e.g. US',
        )}
        {field(
          'variables',
          'Variables (one per line: name=HubSpot field)',
          <textarea id="f-variables" rows={3} value={form.variables} onInput={set('variables')} />,
        )}
        <fieldset>
          <legend>When to call</legend>
          {field(
            'callDefaults.min_trigger_time',
            'Window opens (HH:MM)',
            <input id="f-callDefaults.min_trigger_time" value={form.min} onInput={set('min')} placeholder="09:00" />,
          )}
          {field(
            'callDefaults.max_trigger_time',
            'Window closes (HH:MM)',
            <input id="f-callDefaults.max_trigger_time" value={form.max} onInput={set('max')} placeholder="18:00" />,
          )}
          <div class="field check">
            <label>
              <input type="checkbox" checked={form.carryOver} onChange={set('carryOver')} /> Outside the window, call at the next opening
              (carry_over)
            </label>
          </div>
          {field(
            'callDefaults.num_of_retries',
            'Retries',
            <input id="f-callDefaults.num_of_retries" inputMode="numeric" value={form.retries} onInput={set('retries')} placeholder="0" />,
          )}
          {field(
            'callDefaults.gap_between_retries',
            'Hours between retries',
            <input id="f-callDefaults.gap_between_retries" value={form.gaps} onInput={set('gaps')} placeholder="2,4,6" />,
          )}
        </fieldset>
        <fieldset>
          <legend>Voice platform</legend>
          {field(
            'voice.provider',
            'Provider',
            <select id="f-voice.provider" value={form.provider} onChange={set('provider')}>
              {PROVIDERS.map((p) => (
                <option value={p}>{p}</option>
              ))}
            </select>,
          )}
          {field(
            'voice',
            'Provider settings (JSON)',
            <textarea
              id="f-voice"
              rows={4}
              value={form.voice}
              onInput={set('voice')}
              placeholder='{"apiKey": "...", "agentId": "...", "fromNumber": "+1..."}'
            />,
            'secrets are never shown back; leave them as shown to keep them',
          )}
        </fieldset>
        <div class="field check">
          <label>
            <input type="checkbox" checked={form.writeBack} onChange={set('writeBack')} /> Log each attempt on the HubSpot contact
          </label>
        </div>
        {error && !fe?.parameter && <ErrorBox error={error} />}
        {fe?.parameter && (
          <p class="error" role="alert">
            Not saved: {fe.message}
          </p>
        )}
        <button type="submit" disabled={saving}>
          {props.id ? 'Save agent' : 'Create agent'}
        </button>
      </form>
    </section>
  );
}
