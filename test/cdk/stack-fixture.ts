import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../lib/bundling';
import { readConfig } from '../../lib/config';
import { HubdialStack } from '../../lib/hubdial-stack';

/** The context an operator's `cdk synth` starts from: cdk.json's. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;

/**
 * The stack as `cdk synth` builds it from cdk.json, plus `overrides`, without bundling
 * the functions (bundling-stacks: []), so template tests need no esbuild run.
 */
export function buildStack(overrides: Record<string, unknown> = {}): { app: App; stack: HubdialStack; template: Template } {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...overrides, 'aws:cdk:bundling-stacks': [] } });
  const stack = new HubdialStack(app, 'Hubdial', { config: readConfig(app.node) });
  return { app, stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; [k: string]: unknown }>;

export function resourcesOfType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** Logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

/** The IAM policy statements attached to the role with this logical id prefix (e.g. WebhookRole). */
export function statementsOfRole(template: Template, rolePrefix: string): Array<Record<string, any>> {
  const roleId = logicalId(template, 'AWS::IAM::Role', rolePrefix);
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties!.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties!.PolicyDocument.Statement as Array<Record<string, any>>);
}

export const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Function logical id prefixes, by handler. */
export const FUNCTION_IDS = {
  webhook: 'Webhook',
  'call-status': 'CallStatus',
  admin: 'Admin',
  dial: 'Dial',
  sweeper: 'Sweeper',
} as const;
