// Command-line flags of `npm run bench`.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  contacts: number;
  deliverySize: number;
  inFlight: number;
  /** Added to every fake HubSpot reply: loopback answers in microseconds, HubSpot does not. */
  hubspotLatencyMs: number;
  /** Contact reads at once in the naive baseline (1 = a plain loop of awaits). */
  naiveConcurrency: number;
  /** Skip the naive baseline (halves the run). */
  baseline: boolean;
  /** Also run with DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs, beside the default stack. */
  dynamodb: boolean;
  /** Status callbacks sent after the dials (a sample: every one costs the same), so call-status is counted too. */
  callbacks: number;
  markdown: boolean;
  /** Measure the webhook bundle (bench/bundle-size.ts). */
  bundle: boolean;
  backends: 'inline' | 'threads';
  dials: 'during' | 'after';
  /** Dial batches the local poller handles at once (startLocalStack's pollerConcurrency). */
  pollerConcurrency: number;
  /** Give up waiting for dials after this long. */
  dialTimeoutSeconds: number;
}

const HELP = `npm run bench -- [flags]
  --contacts N            contacts to import (default 5000)
  --delivery-size N       events per webhook delivery (default 100, HubSpot's maximum)
  --in-flight N           deliveries posted at once (default 10, as HubSpot does)
  --hubspot-latency MS    latency the fake HubSpot adds to every reply (default 40)
  --naive-concurrency N   contact reads at once in the naive baseline (default 1)
  --no-baseline           skip the naive one-read-per-contact run
  --no-dynamodb           skip the run with DYNAMODB_ENDPOINT / SQS_ENDPOINT at dynalite and fauxqs
  --no-bundle             skip the webhook bundle size and cold import
  --callbacks N           status callbacks to post after the dials, a sample for the
                          call-status figures (default 1000; 0 skips them)
  --backends WHERE        for the DynamoDB run: inline: dynalite and fauxqs on the service's
                          event loop; threads: on worker threads, as an outside DynamoDB
                          and SQS would be (default inline)
  --dials WHEN            during: the dial poller runs while deliveries arrive, as with
                          \`npm start\`; after: it waits for the last ack, so the import
                          has the CPU to itself, as the webhook Lambda has on AWS (SQS
                          poller only: the DynamoDB run; default during)
  --poller-concurrency N  dial batches of 10 the local SQS poller handles at once (default 2,
                          as \`npm start\`)
  --dial-timeout S        seconds to wait for every contact to be dialled (default 120)
  --markdown              also print the figures as a README snippet`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      contacts: { type: 'string', default: '5000' },
      'delivery-size': { type: 'string', default: '100' },
      'in-flight': { type: 'string', default: '10' },
      'hubspot-latency': { type: 'string', default: '40' },
      'naive-concurrency': { type: 'string', default: '1' },
      'no-baseline': { type: 'boolean', default: false },
      'no-dynamodb': { type: 'boolean', default: false },
      callbacks: { type: 'string', default: '1000' },
      'no-bundle': { type: 'boolean', default: false },
      'dial-timeout': { type: 'string', default: '120' },
      markdown: { type: 'boolean', default: false },
      backends: { type: 'string', default: 'inline' },
      dials: { type: 'string', default: 'during' },
      'poller-concurrency': { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const deliverySize = whole('--delivery-size', values['delivery-size'], 1);
  if (deliverySize > 100)
    throw new Error('--delivery-size must be at most 100: HubSpot sends at most 100 events per delivery and batch-reads at most 100 ids');
  const backends = values.backends;
  if (backends !== 'inline' && backends !== 'threads') throw new Error(`--backends must be inline or threads, got ${backends}`);
  const dials = values.dials;
  if (dials !== 'during' && dials !== 'after') throw new Error(`--dials must be during or after, got ${dials}`);
  return {
    backends,
    dials,
    contacts: whole('--contacts', values.contacts, 1),
    deliverySize,
    inFlight: whole('--in-flight', values['in-flight'], 1),
    hubspotLatencyMs: whole('--hubspot-latency', values['hubspot-latency'], 0),
    naiveConcurrency: whole('--naive-concurrency', values['naive-concurrency'], 1),
    baseline: !values['no-baseline'],
    dynamodb: !values['no-dynamodb'],
    callbacks: whole('--callbacks', values.callbacks, 0),
    bundle: !values['no-bundle'],
    dialTimeoutSeconds: whole('--dial-timeout', values['dial-timeout'], 1),
    pollerConcurrency: whole('--poller-concurrency', values['poller-concurrency'], 1),
    markdown: values.markdown,
  };
}

function whole(flag: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}, got ${raw}`);
  return n;
}
