// Outcomes per day for the last 30 days, as stacked bars drawn with plain elements (no
// chart library: a few divs carry this chart) and a table with the same numbers.
import { useEffect, useState } from 'preact/hooks';
import type { OutcomesView } from '../../functions/core/admin-views';
import { adminApi } from './api';
import { Empty, ErrorBox } from './ui';

const SERIES = [
  ['connected', 'connected'],
  ['noAnswer', 'no-answer'],
  ['busy', 'busy'],
  ['voicemail', 'voicemail'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
] as const;

export function StatsView() {
  const [stats, setStats] = useState<OutcomesView | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    adminApi('outcomeStats', {}, { query: { days: '30' } }).then(setStats, setError);
  }, []);
  if (!stats) return <section>{error ? <ErrorBox error={error} /> : <p>Loading…</p>}</section>;
  const max = Math.max(1, ...stats.days.map((d) => SERIES.reduce((n, [k]) => n + d[k], 0)));
  const rate = stats.connectRate === null ? '—' : `${Math.round(stats.connectRate * 100)} %`;
  return (
    <section>
      <h1>Outcomes, last 30 days</h1>
      <p class="kpis">
        <span>
          Connect rate <strong data-testid="connect-rate">{rate}</strong>
        </span>
        <span>
          Attempts <strong>{stats.attempts}</strong>
        </span>
        {SERIES.map(([k, label]) => (
          <span>
            <i class={`swatch o-${label}`} /> {label} <strong>{stats.totals[k]}</strong>
          </span>
        ))}
      </p>
      {stats.attempts + stats.totals.skipped === 0 && <Empty>No attempt has settled in the last 30 days.</Empty>}
      <div class="chart" role="img" aria-label="Outcomes per day, stacked bars">
        {stats.days.map((d) => (
          <div class="bar" title={`${d.day}: ${SERIES.map(([k, l]) => `${l} ${d[k]}`).join(', ')}`}>
            {SERIES.map(([k, label]) => (d[k] ? <div class={`seg o-${label}`} style={{ height: `${(d[k] / max) * 100}%` }} /> : null))}
          </div>
        ))}
      </div>
      <div class="table-wrap">
        <table class="numbers">
          <thead>
            <tr>
              <th>Day (UTC)</th>
              {SERIES.map(([, label]) => (
                <th>{label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...stats.days].reverse().map((d) => (
              <tr>
                <td>{d.day}</td>
                {SERIES.map(([k]) => (
                  <td>{d[k]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
