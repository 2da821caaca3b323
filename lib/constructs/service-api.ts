import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  type HttpRoute,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessLogFormat } from '../access-log-format';
import type { HubdialConfig } from '../config';
import { ADMIN_ROUTES as ADMIN_CONTRACT_ROUTES } from '../../functions/core/admin-contract';

export const WEBHOOK_PATH = '/call/crm-webhook';
export const STATUS_CALLBACK_PATH = '/call/status/{provider}';

/** The admin routes (functions/core/admin-contract.ts), each behind IAM (SigV4) authorisation. */
export const ADMIN_ROUTES: [HttpMethod, string][] = ADMIN_CONTRACT_ROUTES.map((r) => [HttpMethod[r.method], r.path]);

export interface ServiceApiProps {
  webhook: IFunction;
  callStatus: IFunction;
  admin: IFunction;
  config: HubdialConfig;
}

/**
 * One HTTP API: the public routes HubSpot and the voice providers call (they authenticate
 * inside the function: API key + HubSpot signature, signed status callbacks), and the
 * admin routes, which only IAM principals allowed execute-api:Invoke can reach. Routes are
 * listed one by one so an unknown path is refused by API Gateway, not by a function.
 */
export class ServiceApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The routes without IAM authorisation (their functions authenticate the caller). */
  readonly publicRoutes: HttpRoute[] = [];
  /** Attach to the IAM users or roles that run `hubdial` against this stack. */
  readonly adminInvokePolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'hubdial: HubSpot webhooks, voice provider callbacks, admin API',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.config.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.config.throttleRateLimit, burstLimit: props.config.throttleBurstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: AccessLogFormat.custom(accessLogFormat()) },
    });

    this.publicRoutes.push(
      ...this.api.addRoutes({
        path: WEBHOOK_PATH,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration('WebhookIntegration', props.webhook),
      }),
      ...this.api.addRoutes({
        path: STATUS_CALLBACK_PATH,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration('CallStatusIntegration', props.callStatus),
      }),
    );
    const iam: IHttpRouteAuthorizer = new HttpIamAuthorizer();
    const admin = new HttpLambdaIntegration('AdminIntegration', props.admin);
    for (const [method, path] of ADMIN_ROUTES) {
      this.api.addRoutes({ path, methods: [method], integration: admin, authorizer: iam });
    }

    this.adminInvokePolicy = new ManagedPolicy(this, 'AdminInvokePolicy', {
      description: 'Call the hubdial admin API (execute-api:Invoke on /admin/ routes of this API only)',
      statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [this.adminRoutesArn] })],
    });
  }

  /** Every method and path under /admin/ of this API's $default stage. */
  get adminRoutesArn(): string {
    return this.api.arnForExecuteApi('*', '/admin/*', this.stage.stageName);
  }

  /** https base URL of the API (the $default stage serves at the root). */
  get baseUrl(): string {
    return this.api.apiEndpoint;
  }
}
