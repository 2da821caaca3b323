import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DialSchedulerProps {
  dialQueue: IQueue;
  deadLetterQueue: IQueue;
}

/**
 * EventBridge Scheduler's side of the dial path: the group the one-time `at(...)`
 * schedules live in, and the role Scheduler assumes to put a due job on the dial queue.
 * Functions get rights on schedules in this group only, and may pass this role only to
 * Scheduler.
 */
export class DialScheduler extends Construct {
  readonly group: CfnScheduleGroup;
  readonly groupName: string;
  readonly role: Role;
  /** Every schedule in the group; schedule names are per call and attempt, so nothing narrower exists. */
  readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: DialSchedulerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new CfnScheduleGroup(this, 'Group', { name: `${stack.stackName}-dial`.slice(0, 64) });
    // Ref is the group's name; using it (not the literal) makes everything that names the
    // group wait for CloudFormation to create it.
    this.groupName = this.group.ref;
    this.schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.groupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    this.role = new Role(this, 'ExecutionRole', {
      description: 'EventBridge Scheduler puts due hubdial dial jobs on the dial queue',
      // Only schedules of this account's dial group may use the role (confused deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.group.attrArn },
        },
      }),
    });
    // Scheduler sends to the dead-letter queue with the target's role too.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.dialQueue.queueArn, props.deadLetterQueue.queueArn] }),
    );
  }

  /** Create, move and delete dial schedules, handing them this group's role. */
  grantManageSchedules(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [this.schedulesArn],
      }),
    );
    this.grantPassRole(grantee);
  }

  /** Delete only (cancelling a call). */
  grantDeleteSchedules(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['scheduler:DeleteSchedule'], resources: [this.schedulesArn] }),
    );
  }

  private grantPassRole(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
