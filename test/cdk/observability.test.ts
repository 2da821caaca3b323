import { Match } from 'aws-cdk-lib/assertions';
import { HANDLER_NAMES } from '../../lib/bundling';
import { CONTACT_PLACEHOLDER } from '../../lib/constructs/log-queries';
import { DIAL_BACKLOG_SECONDS, WEBHOOK_SLOW_MS } from '../../lib/constructs/service-alarms';
import { METRIC_NAMES } from '../../lib/constructs/service-metrics';
import { buildStack, FUNCTION_IDS, logicalId, resourcesOfType } from './stack-fixture';

const { template } = buildStack();
const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
const topicRef = { Ref: logicalId(template, 'AWS::SNS::Topic', 'AlarmsTopic') };
const fnRef = (prefix: string) => ({ Ref: logicalId(template, 'AWS::Lambda::Function', prefix) });
const queueName = (prefix: string) => ({ 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', prefix), 'QueueName'] });

describe('alarm topic', () => {
  it('is encrypted with a rotating customer managed key CloudWatch may use, and refuses non-TLS publishing', () => {
    const keyId = logicalId(template, 'AWS::KMS::Key', 'AlarmsKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Effect: 'Allow',
          }),
        ]),
      },
    });
    // Only notifications in transit depend on it: deleted (after KMS's 7-day wait) with the stack.
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ PendingWindowInDays: 7 }) });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has no subscription unless hubdial:alarmEmail is set, then an e-mail one', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    buildStack({ 'hubdial:alarmEmail': 'ops@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('alarms', () => {
  const find = (metricName: string, dimension: { Name: string; Value: unknown }) =>
    alarms.filter((a) => a.MetricName === metricName && JSON.stringify(a.Dimensions) === JSON.stringify([dimension]));

  it('all notify the alarm topic on alarm and on recovery, and treat missing data as fine', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([topicRef]);
      expect(a.OKActions).toEqual([topicRef]);
      expect(a.TreatMissingData).toBe('notBreaching');
    }
  });

  it.each([['QueuesDialDeadLetterQueue'], ['QueuesSchedulerDeadLetterQueue']])('fire on any message in %s', (queue) => {
    const [a] = find('ApproximateNumberOfMessagesVisible', { Name: 'QueueName', Value: queueName(queue) });
    expect(a).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
  });

  it.each(HANDLER_NAMES)('fire on any error or throttle of %s', (name) => {
    for (const metric of ['Errors', 'Throttles']) {
      const found = find(metric, { Name: 'FunctionName', Value: fnRef(`${FUNCTION_IDS[name]}Function`) });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('fire on any API 5xx', () => {
    const [a] = find('5xx', { Name: 'ApiId', Value: { Ref: logicalId(template, 'AWS::ApiGatewayV2::Api', 'HttpApi') } });
    expect(a).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it("fire when the webhook nears HubSpot's 5 s timeout and when due dial jobs wait too long", () => {
    expect(find('Duration', { Name: 'FunctionName', Value: fnRef('WebhookFunction') })[0]).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: WEBHOOK_SLOW_MS,
    });
    expect(WEBHOOK_SLOW_MS).toBeLessThan(5000);
    expect(find('ApproximateAgeOfOldestMessage', { Name: 'QueueName', Value: queueName('QueuesDialQueue') })[0]).toMatchObject({
      Threshold: DIAL_BACKLOG_SECONDS,
    });
  });

  it('are exactly these (2 DLQs + 2 per function + API 5xx + webhook latency + dial backlog)', () => {
    expect(alarms).toHaveLength(2 + 2 * HANDLER_NAMES.length + 3);
  });
});

describe('log-derived metrics', () => {
  const filters = Object.values(resourcesOfType(template, 'AWS::Logs::MetricFilter')).map((f) => f.Properties!);
  const byMetric = (name: string) => filters.filter((f) => f.MetricTransformations[0].MetricName === name);

  it('count calls by the status they moved to (namespace hubdial, dimension status) from every function log', () => {
    const calls = byMetric(METRIC_NAMES.callsByStatus);
    expect(calls).toHaveLength(HANDLER_NAMES.length);
    for (const f of calls) {
      expect(f.FilterPattern).toBe('{ ($.callId = "*") && ($.status = "*") && ($.reason = "*") }');
      expect(f.MetricTransformations[0]).toMatchObject({
        MetricNamespace: 'hubdial',
        MetricValue: '1',
        Dimensions: [{ Key: 'status', Value: '$.status' }],
      });
    }
    expect(calls.map((f) => f.LogGroupName.Ref).sort()).toEqual(
      HANDLER_NAMES.map((h) => logicalId(template, 'AWS::Logs::LogGroup', `${FUNCTION_IDS[h]}Logs`)).sort(),
    );
  });

  it('count HubSpot errors by kind', () => {
    for (const f of byMetric(METRIC_NAMES.hubspotErrors)) {
      expect(f.FilterPattern).toBe('{ $.hubspotError = "*" }');
      expect(f.MetricTransformations[0].Dimensions).toEqual([{ Key: 'kind', Value: '$.hubspotError' }]);
    }
  });

  it('count webhook deliveries, 4xx and 5xx from the access log', () => {
    const accessLogs = { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'HttpAccessLogs') };
    expect(byMetric(METRIC_NAMES.webhookDeliveries)[0]).toMatchObject({
      LogGroupName: accessLogs,
      FilterPattern: '{ $.routeKey = "POST /call/crm-webhook" }',
    });
    expect(byMetric(METRIC_NAMES.webhook4xx)[0]!.FilterPattern).toBe(
      '{ ($.routeKey = "POST /call/crm-webhook") && ($.status >= 400) && ($.status < 500) }',
    );
    expect(byMetric(METRIC_NAMES.webhook5xx)[0]!.FilterPattern).toBe('{ ($.routeKey = "POST /call/crm-webhook") && ($.status >= 500) }');
  });

  it('use the namespace from hubdial:metricNamespace', () => {
    const t = buildStack({ 'hubdial:metricNamespace': 'hubdial-staging' }).template;
    for (const f of Object.values(resourcesOfType(t, 'AWS::Logs::MetricFilter'))) {
      expect(f.Properties!.MetricTransformations[0].MetricNamespace).toBe('hubdial-staging');
    }
  });
});

describe('dashboard', () => {
  const body = JSON.stringify(Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties!.DashboardBody);

  it('shows webhook deliveries/4xx/5xx, calls by status, dial latency and HubSpot errors', () => {
    for (const title of [
      'Webhook deliveries',
      'Calls by status',
      'Dial latency',
      'HubSpot errors by kind',
      'Function errors',
      'Dial queue and dead-letter queues',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain('\\"hubdial\\",\\"WebhookDeliveries\\"');
    expect(body).toContain('\\"hubdial\\",\\"CallsByStatus\\",\\"status\\",\\"completed\\"');
    expect(body).toContain('\\"AWS/Lambda\\",\\"Duration\\",\\"FunctionName\\",\\"');
    expect(body).toContain(`SEARCH('{\\\\\\"hubdial\\\\\\",kind} MetricName=\\\\\\"HubSpotErrors\\\\\\"'`);
  });
});

describe('Logs Insights saved queries', () => {
  const queries = Object.values(resourcesOfType(template, 'AWS::Logs::QueryDefinition')).map((q) => q.Properties!);
  const query = (name: string) => queries.find((q) => q.Name === `Hubdial/${name}`);
  const functionLogGroups = HANDLER_NAMES.map((h) => ({ Ref: logicalId(template, 'AWS::Logs::LogGroup', `${FUNCTION_IDS[h]}Logs`) }));

  it('answer "why was contact X not called" across every function log, showing the reasons', () => {
    const q = query('Why was contact X not called');
    expect(q?.LogGroupNames).toEqual(functionLogGroups);
    expect(q?.QueryString).toContain(`filter contactId = "${CONTACT_PLACEHOLDER}"`);
    expect(q?.QueryString).toMatch(/^fields .*\bstatus\b.*\breason\b/);
  });

  it('count calls by status per day ("calls by status today")', () => {
    const q = query('Calls by status today');
    expect(q?.LogGroupNames).toEqual(functionLogGroups);
    expect(q?.QueryString).toContain('stats count(*) as calls by status, datefloor(@timestamp, 1d) as day');
  });

  it('include call history, HubSpot errors and failed webhook deliveries', () => {
    expect(query('Call history by call id')).toBeDefined();
    expect(query('HubSpot errors')).toBeDefined();
    expect(query('Failed webhook deliveries')?.LogGroupNames).toEqual([
      { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'HttpAccessLogs') },
    ]);
  });
});
