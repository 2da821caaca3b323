import { Match } from 'aws-cdk-lib/assertions';
import { TABLE_KEYS } from '../../functions/adapters/dynamodb/table-definition';
import { FUNCTION_LIMITS } from '../../lib/hubdial-stack';
import { DIAL_MAX_RECEIVE_COUNT } from '../../lib/constructs/dial-queues';
import { buildStack, logicalId, resourcesOfType } from './stack-fixture';

const { template } = buildStack();

describe('DynamoDB table', () => {
  it('is on-demand, recoverable, encrypted, kept on stack deletion and protected from deletion', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      }),
    });
  });

  it('has the key and index layout the functions use, every key a string, indexes projecting keys only', () => {
    const table = Object.values(resourcesOfType(template, 'AWS::DynamoDB::Table'))[0]!.Properties!;
    expect(table.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.GlobalSecondaryIndexes).toEqual(
      TABLE_KEYS.indexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        // Literal, not read from TABLE_KEYS: a wider projection multiplies index write units (LAYOUT.md).
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
    );
    const names = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...TABLE_KEYS.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining(names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
    );
    expect(table.AttributeDefinitions).toHaveLength(names.length);
  });
});

describe('SQS queues', () => {
  const dialQueueId = logicalId(template, 'AWS::SQS::Queue', 'QueuesDialQueue');
  const dialDlqId = logicalId(template, 'AWS::SQS::Queue', 'QueuesDialDeadLetterQueue');
  const schedulerDlqId = logicalId(template, 'AWS::SQS::Queue', 'QueuesSchedulerDeadLetterQueue');
  const queues = resourcesOfType(template, 'AWS::SQS::Queue');

  it('are the dial queue, its DLQ and the scheduler DLQ, all with SQS-managed encryption', () => {
    expect(Object.keys(queues).sort()).toEqual([dialDlqId, dialQueueId, schedulerDlqId].sort());
    for (const q of Object.values(queues)) expect(q.Properties?.SqsManagedSseEnabled).toBe(true);
  });

  it('redrive the dial queue to its DLQ and hide a message for at least 6x the dial timeout', () => {
    const dial = queues[dialQueueId]!.Properties!;
    expect(dial.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dialDlqId, 'Arn'] },
      maxReceiveCount: DIAL_MAX_RECEIVE_COUNT,
    });
    expect(dial.VisibilityTimeout).toBeGreaterThanOrEqual(6 * FUNCTION_LIMITS.dial.timeout.toSeconds());
    // A DLQ keeps messages longer than its source, or redriven jobs expire on arrival.
    expect(queues[dialDlqId]!.Properties!.MessageRetentionPeriod).toBeGreaterThan(dial.MessageRetentionPeriod);
  });

  it('refuse anything but TLS (enforceSSL) on every queue', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'));
    for (const queueId of [dialQueueId, dialDlqId, schedulerDlqId]) {
      const policy = policies.find((p) => (p.Properties!.Queues as Array<{ Ref: string }>).some((q) => q.Ref === queueId));
      expect(policy!.Properties!.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });
});

describe('dial event source', () => {
  it('feeds the dial function one message at a time, capped at maxConcurrentCalls, with partial batch failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'QueuesDialQueue'), 'Arn'] },
      FunctionName: { Ref: logicalId(template, 'AWS::Lambda::Function', 'DialFunction') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('takes its cap from context hubdial:maxConcurrentCalls', () => {
    buildStack({ 'hubdial:maxConcurrentCalls': 3 }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });
});

describe('EventBridge Scheduler', () => {
  const groupId = logicalId(template, 'AWS::Scheduler::ScheduleGroup', 'SchedulerGroup');
  const roleId = logicalId(template, 'AWS::IAM::Role', 'SchedulerExecutionRole');

  it('has a schedule group named after the stack', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Hubdial-dial' });
  });

  it('has an execution role only Scheduler can assume, only for schedules of this account and group', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] } },
            },
          },
        ],
      },
    });
    const role = resourcesOfType(template, 'AWS::IAM::Role')[roleId]!;
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('lets that role do nothing but sqs:SendMessage to the dial queue and the scheduler DLQ', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties!.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
    );
    expect(policies.flatMap((p) => p.Properties!.PolicyDocument.Statement)).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [
          { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'QueuesDialQueue'), 'Arn'] },
          { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'QueuesSchedulerDeadLetterQueue'), 'Arn'] },
        ],
      },
    ]);
  });
});
