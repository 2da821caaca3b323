import { type CfnResource, type Stack, Validations } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { DialScheduler } from './constructs/dial-scheduler';
import type { ServiceApi } from './constructs/service-api';
import type { ServiceFunction } from './constructs/service-function';

// Every cdk-nag AwsSolutions finding this stack accepts, each on the narrowest construct
// and with the reason an auditor would ask for. Anything not listed here fails synth.

export interface NagTargets {
  functions: ServiceFunction[];
  /** Functions allowed to create, move or delete dial schedules. */
  schedulingFunctions: ServiceFunction[];
  scheduler: DialScheduler;
  publicRoutes: HttpRoute[];
  api: ServiceApi;
  schedulerDeadLetterQueue: IQueue;
}

export const NAG_REASONS = {
  xray: 'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*" (see the X-Ray actions in the Service Authorization Reference). These are the only actions on "*" (asserted in test/cdk).',
  schedules:
    "Schedules are one-time at() schedules named per call and attempt, created at run time, so their names are not known at deploy time. The resource is narrowed to schedules inside this stack's own schedule group (schedule/<group>/*), the narrowest ARN EventBridge Scheduler offers; the actions are at most Create/Update/DeleteSchedule (the admin function: DeleteSchedule only), and iam:PassRole is limited to the scheduler execution role and to scheduler.amazonaws.com.",
  runtime:
    'nodejs22.x on purpose: the project pins Node.js 22 (package.json engines, the `node` dev dependency) and all tests run on it; moving to a newer runtime is a tested upgrade, not a synth-time default.',
  publicRoutes:
    'Called by HubSpot (webhooks) and voice providers (status callbacks), which cannot sign AWS SigV4 requests. The function authenticates every request itself: webhook = API key (stored as SHA-256, constant-time compare) plus HubSpot v3 request signature when a client secret is configured; status callback = per-attempt HMAC token in the URL plus the provider signature. Stage throttling applies. The admin routes use IAM authorisation.',
  adminInvoke:
    'Operator policy for the admin API, attached to nobody by the stack. The admin routes take path parameters (/admin/agents/{id}, /admin/calls/{id}/cancel) and several methods, so execute-api ARNs need wildcards; this one is limited to this API, its $default stage and paths under /admin/ (the public routes are not covered), and grants only execute-api:Invoke.',
  schedulerDlq:
    'This queue is itself a dead-letter queue: EventBridge Scheduler targets deliver here (Target.DeadLetterConfig) after their retries. A DLQ for a DLQ adds nothing; its depth is alarmed (SchedulerDeadLetterMessages).',
} as const;

export function addNagSuppressions(stack: Stack, t: NagTargets): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

  for (const f of t.functions) {
    ack(f.role, 'AwsSolutions-IAM5[Resource::*]', NAG_REASONS.xray);
    ack(f.fn, 'AwsSolutions-L1', NAG_REASONS.runtime);
  }
  const schedulesFinding = `AwsSolutions-IAM5[Resource::${flattenedSchedulesArn(stack, t.scheduler)}]`;
  for (const f of t.schedulingFunctions) ack(f.role, schedulesFinding, NAG_REASONS.schedules);
  for (const route of t.publicRoutes) ack(route, 'AwsSolutions-APIG4', NAG_REASONS.publicRoutes);
  ack(t.schedulerDeadLetterQueue, 'AwsSolutions-SQS3', NAG_REASONS.schedulerDlq);
  const apiLogicalId = stack.resolve((t.api.api.node.defaultChild as CfnResource).logicalId) as string;
  ack(
    t.api.adminInvokePolicy,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiLogicalId}>/$default/*/admin/*]`,
    NAG_REASONS.adminInvoke,
  );
}

/** The schedules ARN as cdk-nag prints it: pseudo parameters and references in <...>. */
function flattenedSchedulesArn(stack: Stack, scheduler: DialScheduler): string {
  const groupLogicalId = stack.resolve(scheduler.group.logicalId) as string;
  return `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${groupLogicalId}>/*`;
}
