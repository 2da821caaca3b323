import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

// The DynamoDB calls functions/adapters/dynamodb/ make, and nothing more.
// test/cdk/sdk-permissions.test.ts reads those adapters and fails when they start using a
// command that is not granted here.
export const STORE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem'];
/**
 * Store calls only the admin API makes: deleting an agent, and listing calls without an
 * agent or status filter (a scan of the call items).
 */
export const ADMIN_STORE_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:Scan'];

export function grantStore(grantee: IGrantable, resources: string[], opts: { admin?: boolean } = {}): void {
  const actions = opts.admin ? [...STORE_ACTIONS, ...ADMIN_STORE_ACTIONS] : STORE_ACTIONS;
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
}

/** Send only: queue encryption is SQS-managed, so no KMS permission is needed. */
export function grantSendDialJobs(grantee: IGrantable, queue: IQueue): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}
