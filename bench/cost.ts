// What 1,000 contacts cost on AWS, from the operations the run counted. List prices for
// us-east-1 as published on the AWS pricing pages (checked 2025; DynamoDB after the
// 1 November 2024 on-demand price cut). Free tiers are ignored, so this is an upper bound
// for a small account.
import type { ScenarioResult } from './scenario';
import { mean } from './stats';

export const PRICES = {
  source: 'AWS list prices, us-east-1, checked 2025; free tiers ignored',
  /** aws.amazon.com/api-gateway/pricing: HTTP API, first 300 million requests a month. */
  apiGatewayHttpPerMillionRequests: 1.0,
  /** aws.amazon.com/lambda/pricing: Arm, first 6 billion GB-s a month. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** aws.amazon.com/dynamodb/pricing/on-demand: standard table class, since 2024-11-01. */
  dynamoPerMillionWru: 0.625,
  dynamoPerMillionRru: 0.125,
  /** aws.amazon.com/sqs/pricing: standard queue, per request (64 KB chunk). */
  sqsPerMillionRequests: 0.4,
  /** aws.amazon.com/eventbridge/pricing: Scheduler invocations. */
  schedulerPerMillionInvocations: 1.0,
} as const;

/** Memory sizes as lib/hubdial-stack.ts FUNCTION_LIMITS sets them (arm64). */
export const LAMBDA_MEMORY_MB = { webhook: 1024, dial: 512, callStatus: 512 } as const;

/**
 * The fake voice back end answers at once, so the dial Lambda's time is assumed: a real
 * provider takes a few hundred ms to accept a call, plus four DynamoDB requests.
 */
export const ASSUMED_DIAL_MS = 500;

export interface CostLine {
  service: string;
  quantity: string;
  unitPrice: string;
  usd: number;
}

export interface CostEstimate {
  lines: CostLine[];
  totalUsd: number;
  assumptions: string[];
}

export function estimateCostPer1000(run: ScenarioResult): CostEstimate {
  const per1000 = 1000 / run.config.contacts;
  const callbacks = run.callbacks;
  const messagesSent = run.sdk.sqs.MessagesSent ?? 0;
  const sendRequests = (sqs: Record<string, number>) => (sqs.SendMessageCommand ?? 0) + (sqs.SendMessageBatchCommand ?? 0);
  const schedules = (run.sdk.localScheduler.PutItemCommand ?? 0) + (callbacks?.sdk.localScheduler.PutItemCommand ?? 0);

  const deliveries = run.deliveries * per1000;
  // One outcome callback per placed call; the run posts a sample of them.
  const statusCallbacks = (run.dials?.placed ?? run.accepted) * per1000;
  const perCallback = (n: number) => (callbacks && callbacks.sent > 0 ? (n / callbacks.sent) * statusCallbacks : 0);
  const dialInvocations = (messagesSent + schedules) * per1000;

  // A webhook Lambda serves one delivery at a time, so its duration is a delivery's
  // latency with the machine to itself, not the queueing of ten on one event loop.
  const webhookSeconds = run.soloAckMs / 1000;
  const callbackSeconds = callbacks ? mean(callbacks.latencyMs) / 1000 : 0.05;
  const gbSeconds =
    deliveries * webhookSeconds * (LAMBDA_MEMORY_MB.webhook / 1024) +
    dialInvocations * (ASSUMED_DIAL_MS / 1000) * (LAMBDA_MEMORY_MB.dial / 1024) +
    statusCallbacks * callbackSeconds * (LAMBDA_MEMORY_MB.callStatus / 1024);

  const rru = run.sdk.rru * per1000 + perCallback(callbacks?.sdk.rru ?? 0);
  // Table and index units as AWS bills them, from the items written (bench/write-units.ts);
  // the table's units dynalite reported where the meter saw nothing.
  const units = (sdk: ScenarioResult['sdk']) => sdk.writeUnits?.totalUnits ?? sdk.wru + sdk.gsiWru;
  const wru = units(run.sdk) * per1000 + perCallback(callbacks ? units(callbacks.sdk) : 0);
  // Intake sends up to 10 jobs per SendMessageBatch; on AWS the dial function's event
  // source receives and deletes each message (batch size 1): one ReceiveMessage and one
  // DeleteMessage per message at most.
  const sqsRequests =
    (sendRequests(run.sdk.sqs) + 2 * messagesSent) * per1000 +
    perCallback(callbacks ? sendRequests(callbacks.sdk.sqs) + 2 * (callbacks.sdk.sqs.MessagesSent ?? 0) : 0);

  const perMillion = (n: number, price: number) => (n / 1e6) * price;
  const lines: CostLine[] = [
    {
      service: 'API Gateway (HTTP API)',
      quantity: `${fmt(deliveries)} webhook + ${fmt(statusCallbacks)} status-callback requests`,
      unitPrice: `$${PRICES.apiGatewayHttpPerMillionRequests.toFixed(2)} / million requests`,
      usd: perMillion(deliveries + statusCallbacks, PRICES.apiGatewayHttpPerMillionRequests),
    },
    {
      service: 'Lambda requests',
      quantity: `${fmt(deliveries + dialInvocations + statusCallbacks)} invocations (webhook ${fmt(deliveries)}, dial ${fmt(dialInvocations)}, call-status ${fmt(statusCallbacks)})`,
      unitPrice: `$${PRICES.lambdaPerMillionRequests.toFixed(2)} / million`,
      usd: perMillion(deliveries + dialInvocations + statusCallbacks, PRICES.lambdaPerMillionRequests),
    },
    {
      service: 'Lambda compute (arm64)',
      quantity: `${gbSeconds.toFixed(1)} GB-s`,
      unitPrice: `$${PRICES.lambdaArmPerGbSecond} / GB-s`,
      usd: gbSeconds * PRICES.lambdaArmPerGbSecond,
    },
    {
      service: 'DynamoDB writes (on-demand)',
      quantity: `${fmt(wru)} WRU (table + its 3 keys-only GSIs, from item sizes)`,
      unitPrice: `$${PRICES.dynamoPerMillionWru} / million WRU`,
      usd: perMillion(wru, PRICES.dynamoPerMillionWru),
    },
    {
      service: 'DynamoDB reads (on-demand)',
      quantity: `${fmt(rru)} RRU`,
      unitPrice: `$${PRICES.dynamoPerMillionRru} / million RRU`,
      usd: perMillion(rru, PRICES.dynamoPerMillionRru),
    },
    {
      service: 'SQS (standard)',
      quantity: `${fmt(sqsRequests)} requests (batched sends + receive + delete per dial job)`,
      unitPrice: `$${PRICES.sqsPerMillionRequests.toFixed(2)} / million requests`,
      usd: perMillion(sqsRequests, PRICES.sqsPerMillionRequests),
    },
    {
      service: 'EventBridge Scheduler',
      quantity: `${fmt(schedules * per1000)} schedules (only attempts more than 15 min away)`,
      unitPrice: `$${PRICES.schedulerPerMillionInvocations.toFixed(2)} / million invocations`,
      usd: perMillion(schedules * per1000, PRICES.schedulerPerMillionInvocations),
    },
  ];
  return {
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.usd, 0),
    assumptions: [
      `webhook Lambda ${LAMBDA_MEMORY_MB.webhook} MB for ${Math.round(webhookSeconds * 1000)} ms per delivery (measured: one delivery alone on the embedded stack, fake HubSpot at ${run.config.hubspotLatencyMs} ms; a slower HubSpot adds its latency)`,
      `dial Lambda ${LAMBDA_MEMORY_MB.dial} MB, batch size 1, ${ASSUMED_DIAL_MS} ms per call (assumed: the fake voice back end answers at once)`,
      `call-status Lambda ${LAMBDA_MEMORY_MB.callStatus} MB for ${Math.round(callbackSeconds * 1000)} ms per callback (${callbacks ? `measured mean of ${callbacks.sent}` : 'assumed'}), one callback per placed call`,
      'every call connects on the first attempt; a retry repeats the dial and callback lines (and adds a schedule when it is more than 15 min away)',
      'not included: the voice provider, CloudWatch Logs, DynamoDB storage, data transfer, the sweeper (a fixed 8,640 runs a month)',
    ],
  };
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toFixed(2)).toLocaleString('en-US');
}
