import { Match } from 'aws-cdk-lib/assertions';
import { HANDLER_NAMES, NODE_OPTIONS } from '../../lib/bundling';
import { FUNCTION_LIMITS } from '../../lib/hubdial-stack';
import { buildStack, FUNCTION_IDS, logicalId, resourcesOfType } from './stack-fixture';

const { template } = buildStack();
const functions = resourcesOfType(template, 'AWS::Lambda::Function');
const fnProps = (name: keyof typeof FUNCTION_IDS) =>
  functions[logicalId(template, 'AWS::Lambda::Function', `${FUNCTION_IDS[name]}Function`)]!.Properties!;

const SHARED_ENV = ['TABLE_NAME', 'DIAL_QUEUE_URL', 'DIAL_QUEUE_ARN', 'SCHEDULER_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN'];

describe('Lambda functions', () => {
  it('are the five handlers and nothing else', () => {
    expect(Object.keys(functions)).toHaveLength(HANDLER_NAMES.length);
  });

  it.each(HANDLER_NAMES)('%s: nodejs22.x on arm64, JSON logs to its own log group, level-filtered, traced', (name) => {
    const fn = fnProps(name);
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
        LogGroup: { Ref: logicalId(template, 'AWS::Logs::LogGroup', `${FUNCTION_IDS[name]}Logs`) },
      },
      MemorySize: FUNCTION_LIMITS[name].memorySize,
      Timeout: FUNCTION_LIMITS[name].timeout.toSeconds(),
    });
  });

  it.each(HANDLER_NAMES)('%s: gets the shared environment, source maps and the Powertools service name', (name) => {
    const env = fnProps(name).Environment.Variables;
    for (const key of SHARED_ENV) expect(env[key]).toBeDefined();
    expect(env).toMatchObject({ NODE_OPTIONS, POWERTOOLS_SERVICE_NAME: 'hubdial', LOG_LEVEL: 'INFO' });
    expect(env.HUBSPOT_BASE_URL).toBeUndefined();
  });

  it('points each variable at the right resource', () => {
    const env = fnProps('webhook').Environment.Variables;
    expect(env).toMatchObject({
      TABLE_NAME: { Ref: logicalId(template, 'AWS::DynamoDB::Table', 'CallsTable') },
      DIAL_QUEUE_URL: { Ref: logicalId(template, 'AWS::SQS::Queue', 'QueuesDialQueue') },
      DIAL_QUEUE_ARN: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'QueuesDialQueue'), 'Arn'] },
      SCHEDULER_GROUP_NAME: { Ref: logicalId(template, 'AWS::Scheduler::ScheduleGroup', 'SchedulerGroup') },
      SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'SchedulerExecutionRole'), 'Arn'] },
      SCHEDULER_DLQ_ARN: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'QueuesSchedulerDeadLetterQueue'), 'Arn'] },
    });
  });

  it('gives PUBLIC_BASE_URL (the API endpoint) to dial only: the only function that builds callback URLs', () => {
    const apiEndpoint = { 'Fn::GetAtt': [logicalId(template, 'AWS::ApiGatewayV2::Api', 'HttpApi'), 'ApiEndpoint'] };
    expect(fnProps('dial').Environment.Variables.PUBLIC_BASE_URL).toEqual(apiEndpoint);
    for (const name of ['webhook', 'call-status', 'admin', 'sweeper'] as const)
      expect(fnProps(name).Environment.Variables.PUBLIC_BASE_URL).toBeUndefined();
  });

  it('answers HubSpot well inside its 5 s: the webhook times out by 6 s', () => {
    expect(fnProps('webhook').Timeout).toBeLessThanOrEqual(6);
    expect(fnProps('dial').Timeout).toBe(30);
  });

  it('passes hubspotBaseUrl and logLevel from context', () => {
    const t = buildStack({ 'hubdial:hubspotBaseUrl': 'https://hubspot.example.test/', 'hubdial:logLevel': 'debug' }).template;
    for (const fn of Object.values(resourcesOfType(t, 'AWS::Lambda::Function'))) {
      expect(fn.Properties!.Environment.Variables).toMatchObject({ HUBSPOT_BASE_URL: 'https://hubspot.example.test', LOG_LEVEL: 'DEBUG' });
      expect(fn.Properties!.LoggingConfig.ApplicationLogLevel).toBe('DEBUG');
    }
  });
});

describe('log groups', () => {
  it('keep logs for hubdial:logRetentionDays (30 by default) and survive stack deletion', () => {
    const groups = Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(HANDLER_NAMES.length + 1); // + API access logs
    for (const g of groups) {
      expect(g.Properties!.RetentionInDays).toBe(30);
      expect(g.DeletionPolicy).toBe('Retain');
    }
    const t = buildStack({ 'hubdial:logRetentionDays': 90 }).template;
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('sweeper schedule', () => {
  it('runs the sweeper every 5 minutes', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'SweeperFunction'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'SweeperFunction'), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Events::Rule', 'SweepSchedule'), 'Arn'] },
    });
  });
});
