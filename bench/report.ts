// Turns the measured runs into the console table and the README snippet.
import type { BundleFigures } from './bundle';
import { PRICES, type CostEstimate } from './cost';
import { machineLine, type Machine } from './machine';
import type { ScenarioResult } from './scenario';
import { mean, percentile } from './stats';
import { layoutRows, layoutTargets } from './write-units';

export interface Report {
  main: ScenarioResult;
  baseline?: ScenarioResult;
  bundle?: BundleFigures;
  cost: CostEstimate;
  machine: Machine;
  date: string;
}

type Row = [label: string, main: string, baseline?: string];

const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)}` : '—');
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pct = (x: number) => `${Math.round(x * 100)} %`;
const perContact = (n: number | undefined, run: ScenarioResult) => num((n ?? 0) / run.config.contacts);

function acks(run: ScenarioResult): string {
  return [50, 95, 99, 100].map((p) => ms(percentile(run.ackMs, p))).join(' / ');
}

function slow(run: ScenarioResult): string {
  return String(run.ackMs.filter((x) => x >= 5000).length);
}

/**
 * HubSpot private apps may make 100 requests per 10 s (Free, Starter) or 190 (Professional,
 * Enterprise): developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview.
 */
const HUBSPOT_PER_10_SECONDS = [100, 190] as const;
const HUBSPOT_LIMITS = 'Starter 100 / Pro 190 per 10 s';

/** A burst of `perWindow` goes at once; every further `perWindow` waits another 10 s. */
function rateLimitFloor(requests: number): string {
  return HUBSPOT_PER_10_SECONDS.map((perWindow) => String(Math.max(0, Math.ceil(requests / perWindow) - 1) * 10)).join(' / ');
}

function replies(run: ScenarioResult): string {
  return Object.entries(run.statuses)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
}

function hubspotPerDelivery(run: ScenarioResult): string {
  const h = run.hubspot;
  const parts = [h.batchReads && `${h.batchReads} batch`, h.singleReads && `${h.singleReads} single`, h.other && `${h.other} other`].filter(
    Boolean,
  );
  return `${num(h.total / run.deliveries)} (${parts.join(', ') || 'none'})`;
}

function rows(r: Report): Row[] {
  const { main, baseline } = r;
  const d = main.dials;
  const c = main.callbacks;
  const rows: Row[] = [
    ['contacts per second (first post → last ack)', num(main.contactsPerSecond, 0), baseline && num(baseline.contactsPerSecond, 0)],
    ['import time, s', num(main.ingestSeconds), baseline && num(baseline.ingestSeconds)],
    ['ack latency p50 / p95 / p99 / max, ms', acks(main), baseline && acks(baseline)],
    ['ack latency of one delivery alone (warm-up), ms', ms(main.soloAckMs), baseline && ms(baseline.soloAckMs)],
    ['webhook replies', replies(main), baseline && replies(baseline)],
    ["acks slower than HubSpot's 5 s (HubSpot would retry)", slow(main), baseline && slow(baseline)],
    [
      'contacts accepted / duplicates / rejected',
      `${main.accepted} / ${main.duplicates} / ${main.rejected}`,
      baseline && `${baseline.accepted} / ${baseline.duplicates} / ${baseline.rejected}`,
    ],
    ['HubSpot requests per delivery', hubspotPerDelivery(main), baseline && hubspotPerDelivery(baseline)],
    [
      `HubSpot rate-limit floor for those reads, s (${HUBSPOT_LIMITS})`,
      rateLimitFloor(main.hubspot.total),
      baseline && rateLimitFloor(baseline.hubspot.total),
    ],
    [
      'DynamoDB requests per contact: reads / writes / queries',
      `${perContact(main.storeOps.reads, main)} / ${perContact(main.storeOps.writes, main)} / ${perContact(main.storeOps.queries, main)}`,
    ],
    [
      'DynamoDB units per contact: RRU / WRU table / WRU GSIs',
      `${perContact(main.sdk.rru, main)} / ${perContact(main.sdk.wru, main)} / ${perContact(main.sdk.gsiWru, main)}`,
    ],
    [
      'SQS requests per contact: send / send batch / receive / delete batch',
      `${perContact(main.sdk.sqs.SendMessageCommand, main)} / ${perContact(main.sdk.sqs.SendMessageBatchCommand, main)} / ${perContact(main.sdk.sqs.ReceiveMessageCommand, main)} / ${perContact(main.sdk.sqs.DeleteMessageBatchCommand, main)}`,
    ],
    ...layoutRows(main),
    ['schedules created (attempts > 15 min away)', String(main.sdk.localScheduler.PutItemCommand ?? 0)],
    [
      'process CPU per contact, ms (all threads): import window / until all dialled',
      `${num(main.cpu.importMsPerContact)} / ${num(main.cpu.pipelineMsPerContact ?? Number.NaN)}`,
      baseline && num(baseline.cpu.importMsPerContact),
    ],
    ['main event loop busy during import', pct(main.cpu.loopBusyDuringImport), baseline && pct(baseline.cpu.loopBusyDuringImport)],
  ];
  if (d) {
    rows.push(
      ['seconds from last ack to last call placed', num(d.lastAckToLastDialSeconds)],
      ['per contact, ack → call placed p50 / p99 / max, ms', [50, 99, 100].map((p) => ms(percentile(d.ackToDialMs, p))).join(' / ')],
      [
        'every contact dialled exactly once',
        `${d.exactlyOnce ? 'yes' : 'NO'} (${d.distinctCalls} of ${main.accepted} dialled, ${d.placed} requests${d.timedOut ? ', timed out' : ''}${d.invalidSignatures ? `, ${d.invalidSignatures} bad signatures` : ''})`,
      ],
    );
  }
  if (c) {
    rows.push(
      ['status callbacks: 200s / sent, mean ms', `${c.ok} / ${c.sent}, ${ms(mean(c.latencyMs))}`],
      ['DynamoDB requests per callback: reads / writes', `${num(c.storeOps.reads / c.sent)} / ${num(c.storeOps.writes / c.sent)}`],
    );
  }
  if (baseline) rows.push(['batch read ÷ naive, contacts per second', `${num(main.contactsPerSecond / baseline.contactsPerSecond, 1)}×`]);
  return rows;
}

function targets(r: Report): Row[] {
  const { main } = r;
  const p99 = percentile(main.ackMs, 99);
  const tick = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    ['one HubSpot read per delivery', tick(main.hubspot.total === main.deliveries && main.hubspot.batchReads === main.deliveries)],
    [`ack p99 under 1 s (aim 250 ms): ${ms(p99)} ms`, tick(p99 < 1000)],
    [`at least 1,000 contacts per second: ${num(main.contactsPerSecond, 0)}`, tick(main.contactsPerSecond >= 1000)],
    [
      'every contact dialled exactly once',
      main.dials ? tick(main.dials.exactlyOnce && main.accepted === main.config.contacts) : 'not checked',
    ],
    ...layoutTargets(main, r.cost.totalUsd),
  ];
}

function heading(r: Report): string[] {
  const c = r.main.config;
  return [
    `${c.contacts} contacts in ${r.main.deliveries} deliveries of ${c.deliverySize}, ${c.inFlight} in flight, on the embedded stack (startLocalStack: dynalite in memory and fauxqs ${c.backends === 'threads' ? 'on worker threads' : 'on the same event loop, as npm start runs them'}; local SQS poller: ${c.pollerConcurrency} workers × 10 messages)`,
    `fake HubSpot adds ${c.hubspotLatencyMs} ms to every reply; the fake voice back end answers at once; ${c.dials === 'after' ? 'the dial poller held until the last ack' : 'calls are dialled while deliveries still arrive'}; handlers log at ${process.env.LOG_LEVEL ?? 'INFO'}`,
    r.baseline
      ? `baseline: the same stack and code, reading each contact with GET /crm/v3/objects/contacts/{id}, ${r.baseline.config.naiveConcurrency} at a time`
      : 'baseline: skipped',
    `machine: ${machineLine(r.machine)}; ${r.date}`,
  ];
}

function table(rows: Row[], header: Row): string[] {
  const withBaseline = rows.some((row) => row[2] !== undefined);
  const all = [header, ...rows];
  const w0 = Math.max(...all.map((row) => row[0].length));
  const w1 = Math.max(...all.map((row) => row[1].length));
  return all.map((row) =>
    `  ${row[0].padEnd(w0)}  ${withBaseline ? row[1].padEnd(w1) : row[1]}${withBaseline && row[2] !== undefined ? `  ${row[2]}` : ''}`.trimEnd(),
  );
}

export function textReport(r: Report): string {
  const out = ['', 'hubdial bench', ...heading(r).map((l) => `  ${l}`), ''];
  out.push(
    ...table(rows(r), ['', 'batch read', r.baseline ? 'naive (1 GET per contact)' : undefined].filter((x) => x !== undefined) as Row),
  );
  out.push('', 'targets');
  out.push(...table(targets(r), ['', '']).slice(1));
  out.push('', 'webhook bundle (bench/bundle-size.ts)');
  if (r.bundle?.lines.length) out.push(...r.bundle.lines.map((l) => `  ${l}`));
  if (r.bundle?.error) out.push(`  not measured: ${r.bundle.error}`);
  if (!r.bundle) out.push('  skipped (--no-bundle)');
  out.push('', `AWS cost per 1,000 contacts, estimated from the counted operations (${PRICES.source})`);
  out.push(
    ...table(
      r.cost.lines.map((l) => [l.service, `$${l.usd.toFixed(5)}`, `${l.quantity} at ${l.unitPrice}`]),
      ['', 'USD', 'from'],
    ).slice(1),
  );
  out.push(`  ${'total'.padEnd(Math.max(...r.cost.lines.map((l) => l.service.length)))}  $${r.cost.totalUsd.toFixed(4)}`);
  out.push(...r.cost.assumptions.map((a) => `  - ${a}`));
  return out.join('\n');
}

export function markdownReport(r: Report): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = ['### Benchmark', '', ...heading(r).map((l) => `- ${esc(l)}`), ''];
  out.push(r.baseline ? '| | batch read | naive (1 GET per contact) |' : '| | batch read |', r.baseline ? '|---|---|---|' : '|---|---|');
  for (const [label, main, baseline] of rows(r))
    out.push(`| ${esc(label)} | ${esc(main)} |${r.baseline ? ` ${esc(baseline ?? '')} |` : ''}`);
  out.push('', '| target | |', '|---|---|', ...targets(r).map(([label, v]) => `| ${esc(label)} | ${v} |`));
  out.push(
    '',
    'Webhook bundle: ' +
      (r.bundle?.bundle
        ? `${r.bundle.bundle}; cold import ${r.bundle.coldImport ?? 'not measured'}`
        : `not measured${r.bundle?.error ? ` (${r.bundle.error})` : ''}`) +
      '.',
  );
  out.push('', '#### AWS cost per 1,000 contacts (estimate)', '', '| service | quantity | unit price | USD |', '|---|---|---|---|');
  for (const l of r.cost.lines) out.push(`| ${esc(l.service)} | ${esc(l.quantity)} | ${esc(l.unitPrice)} | $${l.usd.toFixed(5)} |`);
  out.push(`| **total** | | | **$${r.cost.totalUsd.toFixed(4)}** |`, '');
  out.push(`Prices: ${PRICES.source} (DynamoDB after the November 2024 on-demand cut). Assumptions:`, '');
  out.push(...r.cost.assumptions.map((a) => `- ${esc(a)}`));
  return out.join('\n');
}
