import { App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../../lib/config';
import { HubdialStack } from '../../lib/hubdial-stack';
import { buildStack, CDK_JSON_CONTEXT } from './stack-fixture';

// cdk-nag 3 runs as a CDK policy-validation plugin: findings are reported by the plugin
// (and fail synth), not written as construct annotations, and accepted findings are
// acknowledged with Validations.of(construct).acknowledge({ id, reason }).

function violations(stack: HubdialStack) {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}: ${v.description}`),
  );
}

function acknowledgments(stack: HubdialStack): Array<{ path: string; id: string; reason: string }> {
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^Annotation::/, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  const { stack } = buildStack();

  it('reports no finding that is not acknowledged', () => {
    expect(violations(stack)).toEqual([]);
  });

  it('does report findings: an unencrypted queue without DLQ or TLS policy added to the stack is caught', () => {
    const { stack: bad } = buildStack();
    new Queue(bad, 'CarelessQueue', { enforceSSL: false });
    expect(violations(bad)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-SQS3 at Hubdial\/CarelessQueue/),
        expect.stringMatching(/^AwsSolutions-SQS4 at Hubdial\/CarelessQueue/),
      ]),
    );
  });

  it('acknowledges only these findings, each on its own construct', () => {
    const counts: Record<string, number> = {};
    for (const a of acknowledgments(stack)) {
      const key = a.id.replace(/schedule\/<[^>]+>\/\*/, 'schedule/<group>/*').replace(/<HttpApi[^>]+>/, '<api>');
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'AwsSolutions-IAM5[Resource::*]': 5, // X-Ray, one per function role
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<group>/*]': 5,
      'AwsSolutions-L1': 5,
      'AwsSolutions-APIG4': 2, // the two public routes
      'AwsSolutions-SQS3': 1, // the scheduler's dead-letter queue
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<api>/$default/*/admin/*]': 1,
    });
    for (const a of acknowledgments(stack)) expect(a.path).not.toBe('Hubdial');
  });

  it('gives every acknowledgment a reason an auditor can check', () => {
    for (const a of acknowledgments(stack)) expect(a.reason.length).toBeGreaterThan(100);
  });

  it('lets the app synthesize with the checks installed as bin/app.ts installs them, and fails synth on a new finding', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    new HubdialStack(app, 'Hubdial', { config: readConfig(app.node) });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
    expect(() => app.synth()).not.toThrow();

    const badApp = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const bad = new HubdialStack(badApp, 'Hubdial', { config: readConfig(badApp.node) });
    new Queue(bad, 'CarelessQueue', { enforceSSL: false });
    Validations.of(badApp).addPlugins(new AwsSolutionsChecks(badApp));
    expect(() => badApp.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
