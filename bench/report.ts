// Turns the measured runs into the console table and the README snippet.
import type { BundleFigures } from './bundle';
import { PRICES, type CostEstimate } from './cost';
import { machineLine, type Machine } from './machine';
import type { ScenarioResult } from './scenario';
import { mean, percentile } from './stats';
import { layoutRows, layoutTargets } from './write-units';

export interface Report {
  /** The default stack (SQLite): what the targets are judged on. */
  main: ScenarioResult;
  /** The same import with DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs. */
  dynamo?: ScenarioResult;
  baseline?: ScenarioResult;
  bundle?: BundleFigures;
  /** From the DynamoDB run's counted operations; absent without that run. */
  cost?: CostEstimate;
  machine: Machine;
  date: string;
}

/** A label and one value per column (a run); undefined where a figure does not apply to that run. */
type Row = [label: string, ...values: (string | undefined)[]];

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

/** The runs shown side by side: default stack, DynamoDB + SQS, naive baseline (those that ran). */
function runsOf(r: Report): ScenarioResult[] {
  return [r.main, r.dynamo, r.baseline].filter((x): x is ScenarioResult => x !== undefined);
}

function columnTitle(run: ScenarioResult, r: Report): string {
  if (run === r.baseline) return 'naive (1 GET per contact, SQLite)';
  return run === r.dynamo ? `DynamoDB + SQS (dynalite, fauxqs ${run.config.backends})` : 'default (SQLite)';
}

function rows(r: Report): Row[] {
  const runs = runsOf(r);
  const each = (f: (run: ScenarioResult) => string | undefined): (string | undefined)[] => runs.map(f);
  const aws = (f: (run: ScenarioResult) => string) => each((run) => (run === r.dynamo ? f(run) : run === r.baseline ? undefined : '—'));
  const dialled = (f: (d: NonNullable<ScenarioResult['dials']>) => string) => each((run) => (run.dials ? f(run.dials) : undefined));
  const out: Row[] = [
    ['contacts per second (first post → last ack)', ...each((run) => num(run.contactsPerSecond, 0))],
    ['import time, s', ...each((run) => num(run.ingestSeconds))],
    ['ack latency p50 / p95 / p99 / max, ms', ...each(acks)],
    ['ack latency of one delivery alone (warm-up), ms', ...each((run) => ms(run.soloAckMs))],
    ['webhook replies', ...each(replies)],
    ["acks slower than HubSpot's 5 s (HubSpot would retry)", ...each(slow)],
    ['contacts accepted / duplicates / rejected', ...each((run) => `${run.accepted} / ${run.duplicates} / ${run.rejected}`)],
    ['HubSpot requests per delivery', ...each(hubspotPerDelivery)],
    [`HubSpot rate-limit floor for those reads, s (${HUBSPOT_LIMITS})`, ...each((run) => rateLimitFloor(run.hubspot.total))],
    [
      'DynamoDB requests per contact: reads / writes / queries',
      ...aws(
        (run) =>
          `${perContact(run.storeOps.reads, run)} / ${perContact(run.storeOps.writes, run)} / ${perContact(run.storeOps.queries, run)}`,
      ),
    ],
    [
      'DynamoDB units per contact: RRU / WRU table / WRU GSIs',
      ...aws((run) => `${perContact(run.sdk.rru, run)} / ${perContact(run.sdk.wru, run)} / ${perContact(run.sdk.gsiWru, run)}`),
    ],
    [
      'SQS requests per contact: send / send batch / receive / delete batch',
      ...aws(
        (run) =>
          `${perContact(run.sdk.sqs.SendMessageCommand, run)} / ${perContact(run.sdk.sqs.SendMessageBatchCommand, run)} / ${perContact(run.sdk.sqs.ReceiveMessageCommand, run)} / ${perContact(run.sdk.sqs.DeleteMessageBatchCommand, run)}`,
      ),
    ],
    ...(r.dynamo ? layoutRows(r.dynamo).map(([label, value]): Row => [label, ...aws(() => value)]) : []),
    ['schedules created (attempts > 15 min away)', ...aws((run) => String(run.sdk.localScheduler.PutItemCommand ?? 0))],
    [
      'process CPU per contact, ms (all threads): import window / until all dialled',
      ...each((run) => `${num(run.cpu.importMsPerContact)}${run.dials ? ` / ${num(run.cpu.pipelineMsPerContact ?? Number.NaN)}` : ''}`),
    ],
    ['main event loop busy during import', ...each((run) => pct(run.cpu.loopBusyDuringImport))],
  ];
  if (runs.some((run) => run.dials)) {
    out.push(
      ['seconds from last ack to last call placed', ...dialled((d) => num(d.lastAckToLastDialSeconds))],
      [
        'per contact, ack → call placed p50 / p99 / max, ms',
        ...dialled((d) => [50, 99, 100].map((p) => ms(percentile(d.ackToDialMs, p))).join(' / ')),
      ],
      [
        'every contact dialled exactly once',
        ...each((run) => {
          const d = run.dials;
          if (!d) return undefined;
          return `${d.exactlyOnce ? 'yes' : 'NO'} (${d.distinctCalls} of ${run.accepted} dialled, ${d.placed} requests${d.timedOut ? ', timed out' : ''}${d.invalidSignatures ? `, ${d.invalidSignatures} bad signatures` : ''})`;
        }),
      ],
    );
  }
  if (runs.some((run) => run.callbacks)) {
    out.push(
      [
        'status callbacks: 200s / sent, mean ms',
        ...each((run) => run.callbacks && `${run.callbacks.ok} / ${run.callbacks.sent}, ${ms(mean(run.callbacks.latencyMs))}`),
      ],
      [
        'DynamoDB requests per callback: reads / writes',
        ...aws((run) =>
          run.callbacks
            ? `${num(run.callbacks.storeOps.reads / run.callbacks.sent)} / ${num(run.callbacks.storeOps.writes / run.callbacks.sent)}`
            : '—',
        ),
      ],
    );
  }
  if (r.baseline)
    out.push(['batch read ÷ naive, contacts per second', `${num(r.main.contactsPerSecond / r.baseline.contactsPerSecond, 1)}×`]);
  if (r.dynamo)
    out.push(['default ÷ DynamoDB + SQS, contacts per second', `${num(r.main.contactsPerSecond / r.dynamo.contactsPerSecond, 1)}×`]);
  return out;
}

// The issue's targets: throughput on the default stack, the table's on the DynamoDB run.
function targets(r: Report): Row[] {
  const { main } = r;
  const p99 = percentile(main.ackMs, 99);
  const dialP99 = main.dials ? percentile(main.dials.ackToDialMs, 99) : Number.NaN;
  const tick = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    ['one HubSpot read per delivery', tick(main.hubspot.total === main.deliveries && main.hubspot.batchReads === main.deliveries)],
    [`at least 3,000 contacts per second: ${num(main.contactsPerSecond, 0)}`, tick(main.contactsPerSecond >= 3000)],
    [`ack p99 under 250 ms: ${ms(p99)} ms`, tick(p99 < 250)],
    [`every call placed within 1 s of its ack (p99): ${ms(dialP99)} ms`, main.dials ? tick(dialP99 < 1000) : 'not checked'],
    [
      'every contact dialled exactly once',
      main.dials ? tick(main.dials.exactlyOnce && main.accepted === main.config.contacts) : 'not checked',
    ],
    // The DynamoDB layout's targets, judged on the DynamoDB run's counted writes.
    ...(r.dynamo && r.cost ? layoutTargets(r.dynamo, r.cost.totalUsd) : []),
  ];
}

function heading(r: Report): string[] {
  const c = r.main.config;
  return [
    `${c.contacts} contacts in ${r.main.deliveries} deliveries of ${c.deliverySize}, ${c.inFlight} in flight, on the embedded stack (startLocalStack): the default (SQLite store, queue and scheduler in one file, as \`npm start\` runs)${r.dynamo ? ` and with DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs ${r.dynamo.config.backends === 'threads' ? 'on worker threads' : 'on the same event loop'}` : ''}; dial consumer: ${c.pollerConcurrency} workers × 10 messages`,
    `fake HubSpot adds ${c.hubspotLatencyMs} ms to every reply; the fake voice back end answers at once, from its own thread; ${c.dials === 'after' ? 'the dial poller held until the last ack' : 'calls are dialled while deliveries still arrive'}; handlers log at ${process.env.LOG_LEVEL ?? 'INFO'}`,
    r.baseline
      ? `baseline: the default stack and code, reading each contact with GET /crm/v3/objects/contacts/{id}, ${r.baseline.config.naiveConcurrency} at a time`
      : 'baseline: skipped',
    `machine: ${machineLine(r.machine)}; ${r.date}`,
  ];
}

function table(rows: Row[], header: Row): string[] {
  const all = [header, ...rows];
  const columns = Math.max(...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) =>
    `  ${Array.from({ length: columns }, (_, i) => (row[i] ?? '').padEnd(i === columns - 1 ? 0 : (widths[i] ?? 0))).join('  ')}`.trimEnd(),
  );
}

export function textReport(r: Report): string {
  const out = ['', 'hubdial bench', ...heading(r).map((l) => `  ${l}`), ''];
  out.push(...table(rows(r), ['', ...runsOf(r).map((run) => columnTitle(run, r))]));
  out.push('', 'targets');
  out.push(...table(targets(r), ['', '']).slice(1));
  out.push('', 'webhook bundle (bench/bundle-size.ts)');
  if (r.bundle?.lines.length) out.push(...r.bundle.lines.map((l) => `  ${l}`));
  if (r.bundle?.error) out.push(`  not measured: ${r.bundle.error}`);
  if (!r.bundle) out.push('  skipped (--no-bundle)');
  const cost = r.cost;
  out.push('', `AWS cost per 1,000 contacts, estimated from the DynamoDB run's counted operations (${PRICES.source})`);
  if (!cost) {
    out.push('  not estimated (--no-dynamodb)');
    return out.join('\n');
  }
  out.push(
    ...table(
      cost.lines.map((l) => [l.service, `$${l.usd.toFixed(5)}`, `${l.quantity} at ${l.unitPrice}`]),
      ['', 'USD', 'from'],
    ).slice(1),
  );
  out.push(`  ${'total'.padEnd(Math.max(...cost.lines.map((l) => l.service.length)))}  $${cost.totalUsd.toFixed(4)}`);
  out.push(...cost.assumptions.map((a) => `  - ${a}`));
  return out.join('\n');
}

export function markdownReport(r: Report): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = ['### Benchmark', '', ...heading(r).map((l) => `- ${esc(l)}`), ''];
  const titles = runsOf(r).map((run) => columnTitle(run, r));
  out.push(`| | ${titles.map(esc).join(' | ')} |`, `|---|${titles.map(() => '---|').join('')}`);
  for (const [label, ...values] of rows(r)) out.push(`| ${esc(label)} | ${titles.map((_, i) => esc(values[i] ?? '')).join(' | ')} |`);
  out.push('', '| target | |', '|---|---|', ...targets(r).map(([label, v]) => `| ${esc(label)} | ${v} |`));
  out.push(
    '',
    'Webhook bundle: ' +
      (r.bundle?.bundle
        ? `${r.bundle.bundle}; cold import ${r.bundle.coldImport ?? 'not measured'}`
        : `not measured${r.bundle?.error ? ` (${r.bundle.error})` : ''}`) +
      '.',
  );
  const cost = r.cost;
  if (!cost) return out.join('\n');
  out.push('', '#### AWS cost per 1,000 contacts (estimate)', '', '| service | quantity | unit price | USD |', '|---|---|---|---|');
  for (const l of cost.lines) out.push(`| ${esc(l.service)} | ${esc(l.quantity)} | ${esc(l.unitPrice)} | $${l.usd.toFixed(5)} |`);
  out.push(`| **total** | | | **$${cost.totalUsd.toFixed(4)}** |`, '');
  out.push(`Prices: ${PRICES.source} (DynamoDB after the November 2024 on-demand cut). Assumptions:`, '');
  out.push(...cost.assumptions.map((a) => `- ${esc(a)}`));
  return out.join('\n');
}
