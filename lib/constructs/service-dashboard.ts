import { Duration, Stack } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type HorizontalAnnotation, type IMetric, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES, type ServiceMetrics } from './service-metrics';

export interface ServiceDashboardProps {
  metrics: ServiceMetrics;
  api: HttpApi;
  functions: Record<string, IFunction>;
  webhook: IFunction;
  dial: IFunction;
  dialQueue: IQueue;
  deadLetterQueues: Record<string, IQueue>;
}

const FIVE_MINUTES = Duration.minutes(5);
const HUBSPOT_TIMEOUT: HorizontalAnnotation = { value: 5000, label: "HubSpot's 5 s timeout" };

/** One page answering "is it working?": deliveries in, calls out, latency, errors, backlog. */
export class ServiceDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const m = props.metrics;
    const graph = (title: string, left: IMetric[], extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}) =>
      new GraphWidget({ title, left, width: 12, height: 6, ...extra });
    const each = (f: (fn: IFunction) => Metric) => Object.entries(props.functions).map(([name, fn]) => withLabel(f(fn), name));

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      graph('Webhook deliveries', [
        m.metric(METRIC_NAMES.webhookDeliveries, undefined, 'deliveries'),
        m.metric(METRIC_NAMES.webhook4xx, undefined, '4xx'),
        m.metric(METRIC_NAMES.webhook5xx, undefined, '5xx'),
      ]),
      graph('Calls by status', [...m.callsByStatus(), m.metric(METRIC_NAMES.callsPlaced, undefined, 'placed')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Dial latency (dial function duration)',
        ['p50', 'p90', 'Maximum'].map((statistic) => withLabel(props.dial.metricDuration({ statistic, period: FIVE_MINUTES }), statistic)),
      ),
      graph(
        'Webhook latency',
        ['p50', 'p99', 'Maximum'].map((statistic) =>
          withLabel(props.webhook.metricDuration({ statistic, period: FIVE_MINUTES }), statistic),
        ),
        {
          leftAnnotations: [HUBSPOT_TIMEOUT],
        },
      ),
    );
    this.dashboard.addWidgets(
      graph('HubSpot errors by kind', [m.hubspotErrorsByKind()]),
      graph('Voice provider errors', [m.metric(METRIC_NAMES.voiceProviderErrors, undefined, 'voice provider errors')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        each((fn) => fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES })),
      ),
      graph(
        'Function throttles',
        each((fn) => fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES })),
      ),
    );
    this.dashboard.addWidgets(
      graph('API requests', [
        withLabel(props.api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES }), 'requests'),
        withLabel(props.api.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }), '4xx'),
        withLabel(props.api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }), '5xx'),
      ]),
      graph('Dial queue and dead-letter queues', [
        withLabel(
          props.dialQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
          'dial queue: due',
        ),
        withLabel(
          props.dialQueue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
          'dial queue: in flight',
        ),
        ...Object.entries(props.deadLetterQueues).map(([name, q]) =>
          withLabel(q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }), name),
        ),
      ]),
    );
  }
}

function withLabel(metric: Metric, label: string): Metric {
  return metric.with({ label });
}
