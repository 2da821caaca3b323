import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerEntry, lambdaBundling, NODE_OPTIONS, PROJECT_ROOT, type HandlerName } from '../bundling';
import type { HubdialConfig } from '../config';

export interface ServiceFunctionProps {
  handler: HandlerName;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  config: HubdialConfig;
}

/**
 * One hubdial Lambda: its own log group (retention from context), its own role that may
 * write only to that log group (instead of AWSLambdaBasicExecutionRole, which allows every
 * log group in the account), JSON logs filtered by level in Lambda, active tracing, and
 * the bundle described in lib/bundling.ts.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.config.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `hubdial ${props.handler} function`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: handlerEntry(props.handler),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: props.config.logLevel as ApplicationLogLevel,
      // INFO keeps the platform's REPORT lines (duration, memory, cold start).
      systemLogLevelV2: SystemLogLevel.INFO,
      tracing: Tracing.ACTIVE,
      bundling: lambdaBundling(),
      environment: {
        ...props.environment,
        NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: 'hubdial',
        LOG_LEVEL: props.config.logLevel,
      },
    });
  }
}
