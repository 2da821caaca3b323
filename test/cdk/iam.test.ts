import { STORE_ACTIONS, ADMIN_STORE_ACTIONS } from '../../lib/permissions';
import { asArray, buildStack, FUNCTION_IDS, logicalId, resourcesOfType, statementsOfRole } from './stack-fixture';

const { template } = buildStack();
const allStatements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap(
  (p) => p.Properties!.PolicyDocument.Statement as Array<Record<string, any>>,
);
const ref = (type: string, prefix: string) => logicalId(template, type, prefix);
const arnOf = (type: string, prefix: string) => ({ 'Fn::GetAtt': [ref(type, prefix), 'Arn'] });
const schedulesArn = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':scheduler:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':schedule/',
      { Ref: ref('AWS::Scheduler::ScheduleGroup', 'SchedulerGroup') },
      '/*',
    ],
  ],
};
const actionsOn = (statements: Array<Record<string, any>>, prefix: string) =>
  statements.filter((s) => asArray(s.Action).some((a: string) => a.startsWith(prefix)));

// The admin function dispatches too: test calls, one contact by hand, a backfill's first page.
const DISPATCHERS = ['webhook', 'call-status', 'dial', 'sweeper', 'admin'] as const;
const ALL = Object.keys(FUNCTION_IDS) as Array<keyof typeof FUNCTION_IDS>;

describe('IAM least privilege', () => {
  it('uses no AWS managed policy on any role (own log permissions instead of AWSLambdaBasicExecutionRole)', () => {
    for (const role of Object.values(resourcesOfType(template, 'AWS::IAM::Role'))) {
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties!.Policies).toBeUndefined();
    }
  });

  it('allows no wildcard action anywhere', () => {
    for (const s of allStatements) for (const a of asArray(s.Action) as string[]) expect(a).not.toContain('*');
  });

  it('allows Resource "*" only for the X-Ray actions, which have no resource-level permissions', () => {
    const onStar = allStatements.filter((s) => asArray(s.Resource).includes('*'));
    expect(onStar.length).toBe(ALL.length);
    for (const s of onStar) expect(asArray(s.Action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it.each(ALL)('%s may write only to its own log group', (name) => {
    const logs = actionsOn(statementsOfRole(template, `${FUNCTION_IDS[name]}Role`), 'logs:');
    expect(logs).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnOf('AWS::Logs::LogGroup', `${FUNCTION_IDS[name]}Logs`),
      },
    ]);
  });

  it.each(ALL)('%s reaches only the table and its three indexes; only admin deletes or scans', (name) => {
    const dynamo = actionsOn(statementsOfRole(template, `${FUNCTION_IDS[name]}Role`), 'dynamodb:');
    const table = arnOf('AWS::DynamoDB::Table', 'CallsTable');
    const expected = name === 'admin' ? [...STORE_ACTIONS, ...ADMIN_STORE_ACTIONS] : STORE_ACTIONS;
    expect(dynamo).toHaveLength(1);
    expect(asArray(dynamo[0]!.Action).sort()).toEqual([...expected].sort());
    expect(dynamo[0]!.Resource).toEqual([
      table,
      { 'Fn::Join': ['', [table, '/index/gsi1']] },
      { 'Fn::Join': ['', [table, '/index/gsi2']] },
      { 'Fn::Join': ['', [table, '/index/gsi3']] },
    ]);
  });

  it.each(DISPATCHERS)('%s may send dial jobs to the dial queue only', (name) => {
    const sqs = actionsOn(statementsOfRole(template, `${FUNCTION_IDS[name]}Role`), 'sqs:SendMessage');
    expect(sqs).toHaveLength(1);
    expect(sqs[0]!.Resource).toEqual(arnOf('AWS::SQS::Queue', 'QueuesDialQueue'));
  });

  it('only the dial function consumes the dial queue', () => {
    const consumers = allStatements.filter((s) => asArray(s.Action).includes('sqs:ReceiveMessage'));
    expect(consumers).toHaveLength(1);
    expect(statementsOfRole(template, 'DialRole')).toContainEqual(consumers[0]);
    expect(consumers[0]!.Resource).toEqual(arnOf('AWS::SQS::Queue', 'QueuesDialQueue'));
  });

  it.each(DISPATCHERS)(
    '%s may create, move and delete schedules in the dial group only, and pass only the scheduler role, only to Scheduler',
    (name) => {
      const statements = statementsOfRole(template, `${FUNCTION_IDS[name]}Role`);
      expect(actionsOn(statements, 'scheduler:')).toEqual([
        {
          Effect: 'Allow',
          Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule'],
          Resource: schedulesArn,
        },
      ]);
      expect(actionsOn(statements, 'iam:')).toEqual([
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: arnOf('AWS::IAM::Role', 'SchedulerExecutionRole'),
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        },
      ]);
    },
  );

  it('lets no one but the scheduling functions pass a role', () => {
    const passers = allStatements.filter((s) => asArray(s.Action).some((a: string) => a.startsWith('iam:')));
    expect(passers).toHaveLength(DISPATCHERS.length);
  });

  it('offers operators a policy for the admin API only: execute-api:Invoke under /admin/ of this API, attached to nobody', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const props = policies[0]!.Properties!;
    expect(props.Roles ?? props.Users ?? props.Groups).toBeUndefined();
    expect(props.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':',
              { Ref: ref('AWS::ApiGatewayV2::Api', 'HttpApi') },
              '/$default/*/admin/*',
            ],
          ],
        },
      },
    ]);
  });

  it('grants no cloudwatch:PutMetricData (metrics come from log metric filters)', () => {
    expect(actionsOn(allStatements, 'cloudwatch:')).toEqual([]);
  });
});
