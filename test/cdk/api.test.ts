import { ACCESS_LOG_FIELDS } from '../../lib/access-log-format';
import { ADMIN_ROUTES } from '../../lib/constructs/service-api';
import { buildStack, logicalId, resourcesOfType } from './stack-fixture';

const { template } = buildStack();
const routes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties!);
const integrationTarget = (routeKey: string) => {
  const route = routes.find((r) => r.RouteKey === routeKey);
  const integrationId = (route!.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as { Ref: string };
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')[integrationId.Ref]!.Properties!.IntegrationUri;
};
const fnArn = (prefix: string) => ({ 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', prefix), 'Arn'] });

describe('HTTP API', () => {
  it('is one HTTP API with one auto-deployed $default stage', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
  });

  it('serves the public routes without IAM, each to its function', () => {
    for (const key of ['POST /call/crm-webhook', 'POST /call/status/{provider}']) {
      expect(routes.find((r) => r.RouteKey === key)?.AuthorizationType).toBe('NONE');
    }
    expect(integrationTarget('POST /call/crm-webhook')).toEqual(fnArn('WebhookFunction'));
    expect(integrationTarget('POST /call/status/{provider}')).toEqual(fnArn('CallStatusFunction'));
  });

  it('puts every admin route behind IAM authorisation, on the admin function', () => {
    const adminKeys = ADMIN_ROUTES.map(([method, path]) => `${method} ${path}`);
    expect(adminKeys).toEqual(
      expect.arrayContaining([
        'POST /admin/api-keys',
        'POST /admin/agents',
        'GET /admin/agents',
        'GET /admin/agents/{id}',
        'PUT /admin/agents/{id}',
        'DELETE /admin/agents/{id}',
        'PUT /admin/integrations/hubspot',
        'GET /admin/calls',
        'GET /admin/calls/{id}',
        'POST /admin/calls/{id}/cancel',
        'POST /admin/agents/{id}/test-call',
        'POST /admin/calls',
        'POST /admin/backfill',
        'GET /admin/backfill/{id}',
      ]),
    );
    for (const key of adminKeys) {
      expect(routes.find((r) => r.RouteKey === key)?.AuthorizationType).toBe('AWS_IAM');
      expect(integrationTarget(key)).toEqual(fnArn('AdminFunction'));
    }
  });

  it('has no route other than those, and none open under /admin', () => {
    expect(routes).toHaveLength(2 + ADMIN_ROUTES.length);
    for (const r of routes.filter((r) => String(r.RouteKey).includes('/admin'))) expect(r.AuthorizationType).toBe('AWS_IAM');
  });

  it('throttles the stage from context (50 rps, burst 100 by default)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    buildStack({ 'hubdial:throttleRateLimit': 5, 'hubdial:throttleBurstLimit': 7 }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Stage',
      {
        DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 },
      },
    );
  });
});

describe('API access logs', () => {
  const stage = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Stage'))[0]!.Properties!;
  const format = stage.AccessLogSettings.Format as string;

  it('go to their own log group', () => {
    expect(stage.AccessLogSettings.DestinationArn).toEqual({
      'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'HttpAccessLogs'), 'Arn'],
    });
  });

  it('are one JSON object per request with the route, path, status and request id', () => {
    const sample = JSON.parse(format.replace(/\$context\.status/g, '200').replace(/\$context\.[A-Za-z.]+/g, 'x'));
    expect(sample).toMatchObject({ routeKey: 'x', path: 'x', status: 200, requestId: 'x', httpMethod: 'x' });
  });

  it('never record the query string (it carries the API key)', () => {
    const variables = format.match(/\$[A-Za-z.]+/g) ?? [];
    expect(variables.sort()).toEqual(Object.values(ACCESS_LOG_FIELDS).sort());
    // The only request-shaped variables are the matched route and the bare path.
    const allowed = new Set([
      '$context.requestId',
      '$context.requestTime',
      '$context.identity.sourceIp',
      '$context.identity.userAgent',
      '$context.identity.userArn',
      '$context.httpMethod',
      '$context.routeKey',
      '$context.path',
      '$context.protocol',
      '$context.status',
      '$context.responseLength',
      '$context.responseLatency',
      '$context.integrationLatency',
      '$context.integrationStatus',
      '$context.integrationErrorMessage',
      '$context.error.responseType',
    ]);
    for (const v of variables) expect(allowed.has(v)).toBe(true);
    expect(format).not.toMatch(/query|\$request\.|\$input|requestOverride|error\.message|authorizer\.error|domainName/i);
  });
});

describe('stack outputs', () => {
  it('give the webhook URL, admin endpoint, table name and dial queue URL', () => {
    const apiEndpoint = { 'Fn::GetAtt': [logicalId(template, 'AWS::ApiGatewayV2::Api', 'HttpApi'), 'ApiEndpoint'] };
    template.hasOutput('WebhookUrl', { Value: { 'Fn::Join': ['', [apiEndpoint, '/call/crm-webhook']] } });
    // What `hubdial --endpoint` takes: the CLI adds /admin/... itself.
    template.hasOutput('AdminEndpoint', { Value: apiEndpoint });
    template.hasOutput('AdminInvokePolicyArn', { Value: { Ref: logicalId(template, 'AWS::IAM::ManagedPolicy', 'HttpAdminInvokePolicy') } });
    template.hasOutput('TableName', { Value: { Ref: logicalId(template, 'AWS::DynamoDB::Table', 'CallsTable') } });
    template.hasOutput('DialQueueUrl', { Value: { Ref: logicalId(template, 'AWS::SQS::Queue', 'QueuesDialQueue') } });
  });
});
