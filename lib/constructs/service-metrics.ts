import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WEBHOOK_PATH } from './service-api';
import { CALL_STATUSES } from '../../functions/core/model';

export const METRIC_NAMES = {
  callsByStatus: 'CallsByStatus',
  callsPlaced: 'CallsPlaced',
  hubspotErrors: 'HubSpotErrors',
  voiceProviderErrors: 'VoiceProviderErrors',
  webhookDeliveries: 'WebhookDeliveries',
  webhook4xx: 'Webhook4xx',
  webhook5xx: 'Webhook5xx',
} as const;

export interface ServiceMetricsProps {
  namespace: string;
  /** Every function's log group. */
  functionLogs: ILogGroup[];
  dialLogs: ILogGroup;
  apiAccessLogs: ILogGroup;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Business metrics derived from the logs the service already writes (no metrics API calls,
 * so no cloudwatch:PutMetricData permission): calls by the status they moved to, calls
 * placed, HubSpot and voice provider errors, and webhook deliveries by outcome from the
 * API access log.
 */
export class ServiceMetrics extends Construct {
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: ServiceMetricsProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const filter = (
      id: string,
      logGroup: ILogGroup,
      metricName: string,
      filterPattern: ReturnType<typeof FilterPattern.all>,
      dimensions?: Record<string, string>,
    ) => new MetricFilter(this, id, { logGroup, metricNamespace: this.namespace, metricName, metricValue: '1', filterPattern, dimensions });

    props.functionLogs.forEach((logGroup, i) => {
      // Every call state change is logged with callId, status and reason (and only those lines carry all three).
      filter(
        `CallsByStatus${i}`,
        logGroup,
        METRIC_NAMES.callsByStatus,
        FilterPattern.all(FilterPattern.exists('$.callId'), FilterPattern.exists('$.status'), FilterPattern.exists('$.reason')),
        { status: '$.status' },
      );
      filter(`HubSpotErrors${i}`, logGroup, METRIC_NAMES.hubspotErrors, FilterPattern.all(FilterPattern.exists('$.hubspotError')), {
        kind: '$.hubspotError',
      });
    });
    filter(
      'CallsPlaced',
      props.dialLogs,
      METRIC_NAMES.callsPlaced,
      FilterPattern.all(FilterPattern.stringValue('$.message', '=', 'call placed')),
    );
    filter(
      'VoiceProviderErrors',
      props.dialLogs,
      METRIC_NAMES.voiceProviderErrors,
      FilterPattern.all(FilterPattern.stringValue('$.message', '=', 'voice provider error')),
    );

    const webhookRoute = FilterPattern.stringValue('$.routeKey', '=', `POST ${WEBHOOK_PATH}`);
    filter('WebhookDeliveries', props.apiAccessLogs, METRIC_NAMES.webhookDeliveries, FilterPattern.all(webhookRoute));
    filter(
      'Webhook4xx',
      props.apiAccessLogs,
      METRIC_NAMES.webhook4xx,
      FilterPattern.all(webhookRoute, FilterPattern.numberValue('$.status', '>=', 400), FilterPattern.numberValue('$.status', '<', 500)),
    );
    filter(
      'Webhook5xx',
      props.apiAccessLogs,
      METRIC_NAMES.webhook5xx,
      FilterPattern.all(webhookRoute, FilterPattern.numberValue('$.status', '>=', 500)),
    );
  }

  metric(metricName: string, dimensionsMap?: Record<string, string>, label?: string): Metric {
    return new Metric({ namespace: this.namespace, metricName, dimensionsMap, statistic: 'Sum', period: FIVE_MINUTES, label });
  }

  callsByStatus(): IMetric[] {
    return CALL_STATUSES.map((status) => this.metric(METRIC_NAMES.callsByStatus, { status }, status));
  }

  /** One line per HubSpot error kind seen (rate-limit, auth, ...). */
  hubspotErrorsByKind(): IMetric {
    return new MathExpression({
      expression: `SEARCH('{"${this.namespace}",kind} MetricName="${METRIC_NAMES.hubspotErrors}"', 'Sum', 300)`,
      label: 'HubSpot errors',
      period: FIVE_MINUTES,
    });
  }
}
