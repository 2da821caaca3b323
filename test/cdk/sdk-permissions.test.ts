import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { handlerEntry, HANDLER_NAMES, PROJECT_ROOT } from '../../lib/bundling';
import { STORE_ACTIONS, ADMIN_STORE_ACTIONS } from '../../lib/permissions';
import { asArray, buildStack, resourcesOfType } from './stack-fixture';

// Keeps the IAM grants in step with the code: every AWS SDK command that the Lambda
// handlers can reach (their own source files, as esbuild resolves them) must be allowed.
// A new `new UpdateItemCommand(...)` in an adapter fails here, not as AccessDenied in AWS.

const IAM_PREFIX: Record<string, string> = { dynamodb: 'dynamodb', scheduler: 'scheduler', sqs: 'sqs' };
/** Commands that IAM authorises under another action (SQS documents SendMessageBatch as sqs:SendMessage). */
const IAM_ACTION_OF: Record<string, string> = { 'sqs:SendMessageBatch': 'sqs:SendMessage', 'sqs:DeleteMessageBatch': 'sqs:DeleteMessage' };

async function projectFilesReachedBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((f) => f.startsWith('functions/'));
}

/** `service:Action` for each `new XCommand(` whose class is imported from @aws-sdk/client-<service>. */
function sdkActionsIn(source: string): string[] {
  const actions: string[] = [];
  for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
    const prefix = IAM_PREFIX[m[2]!];
    for (const name of m[1]!.split(',').map((s) => s.trim().replace(/^type\s+/, ''))) {
      const command = /^(\w+)Command$/.exec(name)?.[1];
      if (command && new RegExp(`new\\s+${name}\\s*\\(`).test(source)) {
        if (!prefix) throw new Error(`no IAM prefix known for @aws-sdk/client-${m[2]}; add it to IAM_PREFIX and grant its actions`);
        actions.push(IAM_ACTION_OF[`${prefix}:${command}`] ?? `${prefix}:${command}`);
      }
    }
  }
  return actions;
}

describe('IAM grants cover the SDK calls the handlers make', () => {
  let reachable: Set<string>;
  const granted = new Set(
    Object.values(resourcesOfType(buildStack().template, 'AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties!.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) => asArray(s.Action)),
    ),
  );

  beforeAll(async () => {
    const files = new Set((await Promise.all(HANDLER_NAMES.map((h) => projectFilesReachedBy(handlerEntry(h))))).flat());
    reachable = new Set([...files].flatMap((f) => sdkActionsIn(readFileSync(join(PROJECT_ROOT, f), 'utf8'))));
  });

  it('finds the SDK calls (the scan itself works)', () => {
    expect(reachable.has('sqs:SendMessage')).toBe(true);
    expect(reachable.has('dynamodb:GetItem')).toBe(true);
    expect(reachable.has('scheduler:CreateSchedule')).toBe(true);
  });

  it('grants every reachable SDK command to some function', () => {
    expect([...reachable].filter((a) => !granted.has(a))).toEqual([]);
  });

  it('grants exactly the DynamoDB commands the store uses', () => {
    const dynamo = [...reachable].filter((a) => a.startsWith('dynamodb:')).sort();
    expect(dynamo).toEqual([...STORE_ACTIONS, ...ADMIN_STORE_ACTIONS].sort());
  });
});
