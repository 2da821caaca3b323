// `npm run bench`: a bulk import on the embedded stack, the same import through a naive
// one-read-per-contact intake as the baseline, the webhook bundle's size and cold import,
// and what 1,000 contacts cost on AWS from the operations counted. See bench/options.ts.
import './quiet-logs';
import { measureWebhookBundle } from './bundle';
import { estimateCostPer1000 } from './cost';
import { describeMachine } from './machine';
import { parseOptions } from './options';
import { markdownReport, textReport } from './report';
import { runScenario, type ScenarioResult } from './scenario';
import { installSdkCounter } from './sdk-counters';

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  const counter = installSdkCounter();
  const common = {
    contacts: opts.contacts,
    deliverySize: opts.deliverySize,
    inFlight: opts.inFlight,
    hubspotLatencyMs: opts.hubspotLatencyMs,
    dialTimeoutSeconds: opts.dialTimeoutSeconds,
    backends: opts.backends,
    dials: opts.dials,
    pollerConcurrency: opts.pollerConcurrency,
    counter,
  };
  try {
    progress(`importing ${opts.contacts} contacts on the default stack (SQLite)...`);
    const main = await runScenario({
      ...common,
      stack: 'default',
      label: 'default (SQLite)',
      waitForDials: true,
      callbacks: opts.callbacks,
    });
    let dynamo: ScenarioResult | undefined;
    if (opts.dynamodb) {
      progress(`importing ${opts.contacts} contacts with DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs (${opts.backends})...`);
      dynamo = await runScenario({ ...common, stack: 'dynamodb', label: 'DynamoDB + SQS', waitForDials: true, callbacks: opts.callbacks });
    }
    let baseline: ScenarioResult | undefined;
    if (opts.baseline) {
      progress(`importing ${opts.contacts} contacts (naive: one GET per contact, ${opts.naiveConcurrency} at a time)...`);
      baseline = await runScenario({
        ...common,
        stack: 'default',
        label: 'naive',
        naiveConcurrency: opts.naiveConcurrency,
        waitForDials: false,
        callbacks: 0,
      });
    }
    counter.uninstall();
    if (opts.bundle) progress('measuring the webhook bundle...');
    const bundle = opts.bundle ? await measureWebhookBundle() : undefined;

    // The AWS estimate needs AWS-shaped operations: the DynamoDB run's (none are counted on SQLite).
    const cost = dynamo ? estimateCostPer1000(dynamo) : undefined;
    const report = { main, dynamo, baseline, bundle, cost, machine, date: new Date().toISOString().slice(0, 10) };
    console.log(textReport(report));
    if (opts.markdown) console.log(`\n--- README snippet ---\n\n${markdownReport(report)}\n`);
    const failed =
      !main.dials?.exactlyOnce ||
      main.accepted !== opts.contacts ||
      (dynamo && (!dynamo.dials?.exactlyOnce || dynamo.accepted !== opts.contacts));
    if (failed) process.exitCode = 1;
  } finally {
    counter.uninstall();
  }
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
