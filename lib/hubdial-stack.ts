import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import type { HandlerName } from './bundling';
import type { HubdialConfig } from './config';
import { AlarmTopic } from './constructs/alarm-topic';
import { CallTable } from './constructs/call-table';
import { DialQueues } from './constructs/dial-queues';
import { DialScheduler } from './constructs/dial-scheduler';
import { LogQueries } from './constructs/log-queries';
import { ServiceAlarms } from './constructs/service-alarms';
import { ServiceApi, WEBHOOK_PATH } from './constructs/service-api';
import { ServiceDashboard } from './constructs/service-dashboard';
import { ServiceFunction } from './constructs/service-function';
import { ServiceMetrics } from './constructs/service-metrics';
import { addNagSuppressions } from './nag-suppressions';
import { grantSendDialJobs, grantStore } from './permissions';

export interface HubdialStackProps extends StackProps {
  config: HubdialConfig;
}

/** Lambda sizes and time limits, by function. */
export const FUNCTION_LIMITS: Record<HandlerName, { memorySize: number; timeout: Duration }> = {
  // HubSpot waits 5 s. More memory is more CPU, which shortens cold starts; the extra
  // second past 5 s lets a slow delivery finish its conditional writes, so HubSpot's
  // redelivery finds them done instead of starting over.
  webhook: { memorySize: 1024, timeout: Duration.seconds(6) },
  'call-status': { memorySize: 512, timeout: Duration.seconds(10) },
  // Connecting HubSpot checks the token against HubSpot's API.
  admin: { memorySize: 512, timeout: Duration.seconds(15) },
  // One voice provider request per message (batch size 1).
  dial: { memorySize: 512, timeout: Duration.seconds(30) },
  // Up to two pages of stale calls, each a conditional write and maybe a dispatch.
  sweeper: { memorySize: 512, timeout: Duration.minutes(2) },
};

export const SWEEP_EVERY = Duration.minutes(5);

/** The whole service: API, functions, table, queues, scheduler, alarms, dashboard. */
export class HubdialStack extends Stack {
  constructor(scope: Construct, id: string, props: HubdialStackProps) {
    super(scope, id, props);
    const { config } = props;

    const calls = new CallTable(this, 'Calls');
    const queues = new DialQueues(this, 'Queues', { dialTimeout: FUNCTION_LIMITS.dial.timeout });
    const scheduler = new DialScheduler(this, 'Scheduler', { dialQueue: queues.queue, deadLetterQueue: queues.schedulerDeadLetterQueue });

    const environment: Record<string, string> = {
      TABLE_NAME: calls.table.tableName,
      DIAL_QUEUE_URL: queues.queue.queueUrl,
      DIAL_QUEUE_ARN: queues.queue.queueArn,
      SCHEDULER_GROUP_NAME: scheduler.groupName,
      SCHEDULER_ROLE_ARN: scheduler.role.roleArn,
      SCHEDULER_DLQ_ARN: queues.schedulerDeadLetterQueue.queueArn,
      ...(config.hubspotBaseUrl ? { HUBSPOT_BASE_URL: config.hubspotBaseUrl } : {}),
    };
    const fn = (id: string, handler: HandlerName, description: string, extraEnvironment: Record<string, string> = {}) =>
      new ServiceFunction(this, id, {
        handler,
        description,
        ...FUNCTION_LIMITS[handler],
        environment: { ...environment, ...extraEnvironment },
        config,
      });

    const webhook = fn('Webhook', 'webhook', 'hubdial: HubSpot contact.creation webhook -> stored call + first attempt');
    const callStatus = fn('CallStatus', 'call-status', 'hubdial: voice provider status callbacks -> outcome, retry');
    const admin = fn('Admin', 'admin', 'hubdial: admin API (IAM-authorised)');
    const http = new ServiceApi(this, 'Http', { webhook: webhook.fn, callStatus: callStatus.fn, admin: admin.fn, config });
    // Not API integrations, so reading the API's URL creates no dependency cycle.
    const dial = fn('Dial', 'dial', 'hubdial: dial queue -> voice provider', { PUBLIC_BASE_URL: http.baseUrl });
    const sweeper = fn(
      'Sweeper',
      'sweeper',
      'hubdial: moves on calls stuck past their time',
      config.retentionDays !== undefined ? { RETENTION_DAYS: String(config.retentionDays) } : {},
    );

    const all = { webhook, callStatus, admin, dial, sweeper };
    for (const f of Object.values(all)) grantStore(f.fn, calls.resourceArns(), { admin: f === admin });
    // Everything that hands an attempt to the dispatcher: SQS delay for soon, a schedule for later.
    // The admin function does too: test calls, one contact by hand, a backfill's first page.
    for (const f of [webhook, callStatus, dial, sweeper, admin]) {
      grantSendDialJobs(f.fn, queues.queue);
      scheduler.grantManageSchedules(f.fn);
    }

    dial.fn.addEventSource(
      new SqsEventSource(queues.queue, {
        // One message per invocation makes maxConcurrency exactly the number of calls
        // being placed at once, and a failure never holds back another call.
        batchSize: 1,
        maxConcurrency: config.maxConcurrentCalls,
        reportBatchItemFailures: true,
      }),
    );
    new Rule(this, 'SweepSchedule', {
      description: 'hubdial: run the sweeper',
      schedule: Schedule.rate(SWEEP_EVERY),
      // A missed sweep is made up by the next one; retrying an old one only overlaps it.
      targets: [new LambdaFunction(sweeper.fn, { retryAttempts: 2, maxEventAge: Duration.minutes(4) })],
    });

    const functionLogs = Object.values(all).map((f) => f.logGroup);
    const metrics = new ServiceMetrics(this, 'Metrics', {
      namespace: config.metricNamespace,
      functionLogs,
      dialLogs: dial.logGroup,
      apiAccessLogs: http.accessLogs,
    });
    const functions = Object.fromEntries(Object.entries(all).map(([name, f]) => [name, f.fn]));
    const deadLetterQueues = { DialDeadLetter: queues.deadLetterQueue, SchedulerDeadLetter: queues.schedulerDeadLetterQueue };
    const alarmTopic = new AlarmTopic(this, 'Alarms', { alarmEmail: config.alarmEmail });
    new ServiceAlarms(this, 'Alarm', {
      topic: alarmTopic.topic,
      functions,
      webhook: webhook.fn,
      dialQueue: queues.queue,
      deadLetterQueues,
      api: http.api,
    });
    new ServiceDashboard(this, 'Dashboard', {
      metrics,
      api: http.api,
      functions,
      webhook: webhook.fn,
      dial: dial.fn,
      dialQueue: queues.queue,
      deadLetterQueues,
    });
    new LogQueries(this, 'Queries', { functionLogs, apiAccessLogs: http.accessLogs });

    new CfnOutput(this, 'WebhookUrl', {
      description: 'HubSpot webhook target: add ?agent_id=...&type=hubspot&x_api_key=...',
      value: `${http.baseUrl}${WEBHOOK_PATH}`,
    });
    new CfnOutput(this, 'AdminEndpoint', {
      description: 'Admin API base URL for `hubdial --endpoint` (routes under /admin/, IAM/SigV4-authorised)',
      value: http.baseUrl,
    });
    new CfnOutput(this, 'AdminInvokePolicyArn', {
      description: 'Managed policy allowing the admin API: attach it to the IAM users or roles that run hubdial',
      value: http.adminInvokePolicy.managedPolicyArn,
    });
    new CfnOutput(this, 'TableName', { value: calls.table.tableName });
    new CfnOutput(this, 'DialQueueUrl', { value: queues.queue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe here to receive alarms', value: alarmTopic.topic.topicArn });

    addNagSuppressions(this, {
      functions: Object.values(all),
      schedulingFunctions: [webhook, callStatus, dial, sweeper, admin],
      scheduler,
      publicRoutes: http.publicRoutes,
      api: http,
      schedulerDeadLetterQueue: queues.schedulerDeadLetterQueue,
    });
  }
}
