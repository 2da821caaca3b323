import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ServiceAlarmsProps {
  topic: ITopic;
  functions: Record<string, IFunction>;
  webhook: IFunction;
  dialQueue: IQueue;
  deadLetterQueues: Record<string, IQueue>;
  api: HttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);

/** HubSpot stops waiting after 5 s; a webhook this slow at p99 is about to be redelivered. */
export const WEBHOOK_SLOW_MS = 4000;
/** A due dial job older than this means calls are late (dial failing or the call cap is too low). */
export const DIAL_BACKLOG_SECONDS = 15 * 60;

/**
 * Alarms an operator acts on, all sent (alarm and recovery) to the alarm topic: anything
 * in a dead-letter queue, any function error or throttle, any API 5xx, a webhook close to
 * HubSpot's timeout, dial jobs waiting too long.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const prefix = Stack.of(this).stackName;
    const alarm = (id: string, description: string, metric: IMetric, threshold: number, evaluationPeriods = 1) => {
      const a = new Alarm(this, id, {
        alarmName: `${prefix}-${id}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}Messages`,
        `Messages in the ${name} dead-letter queue: dial jobs that could not be delivered. Inspect and redrive them.`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
        0,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        `The ${name} function failed (see its log group).`,
        fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        0,
      );
      alarm(
        `${name}Throttles`,
        `The ${name} function was throttled (account or reserved concurrency).`,
        fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
        0,
      );
    }
    alarm(
      'Api5xx',
      'The API answered 5xx: HubSpot will redeliver, but something is failing.',
      props.api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
      0,
    );
    alarm(
      'WebhookSlow',
      `Webhook p99 duration above ${WEBHOOK_SLOW_MS} ms: close to HubSpot's 5 s timeout, deliveries will be retried.`,
      props.webhook.metricDuration({ statistic: 'p99', period: FIVE_MINUTES }),
      WEBHOOK_SLOW_MS,
      3,
    );
    alarm(
      'DialBacklog',
      `A due dial job has waited over ${DIAL_BACKLOG_SECONDS / 60} minutes: calls are late.`,
      props.dialQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES }),
      DIAL_BACKLOG_SECONDS,
    );
  }
}
