import type { Context } from 'aws-lambda';
import { lambdaHandler } from '../../functions/commons/lambda-handler';
import { logger, withLogScope } from '../../functions/commons/logger';

// The logger's per-invocation keys: the Lambda request id on every line of an
// invocation, and keys appended in one scope never on another's lines, even when the
// scopes run at the same time (the local stack, a dial batch).
describe('per-invocation log keys', () => {
  const lines: Record<string, unknown>[] = [];
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);

  beforeAll(() => {
    // Powertools writes warnings and errors to stderr, the rest to stdout.
    const capture = ((chunk: unknown) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
    logger.setLogLevel('DEBUG');
  });
  afterAll(() => {
    logger.setLogLevel('SILENT');
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  });
  beforeEach(() => {
    lines.length = 0;
  });

  const context = (awsRequestId: string) =>
    ({
      awsRequestId,
      functionName: 'hubdial-dial',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hubdial-dial',
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 1000,
    }) as unknown as Context;

  it('puts the Lambda request id of the invocation on every line it writes', async () => {
    let built = 0;
    const handler = lambdaHandler(() => {
      built += 1;
      return withLogScope(async (event: { n: number }) => {
        logger.appendKeys({ callId: `call_${event.n}` });
        logger.info('first');
        await new Promise((resolve) => setImmediate(resolve));
        logger.warn('second');
        return event.n;
      });
    });
    expect(await handler({ n: 1 }, context('req-1'))).toBe(1);
    expect(await handler({ n: 2 }, context('req-2'))).toBe(2);
    expect(built).toBe(1);
    expect(lines.map((l) => [l.message, l.function_request_id, l.callId])).toEqual([
      ['first', 'req-1', 'call_1'],
      ['second', 'req-1', 'call_1'],
      ['first', 'req-2', 'call_2'],
      ['second', 'req-2', 'call_2'],
    ]);
    expect(lines[0]).toMatchObject({ function_name: 'hubdial-dial', function_memory_size: '512' });
  });

  it('keeps the keys of scopes running at the same time apart, and drops them when a scope ends', async () => {
    const gates = [0, 1].map(() => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      return { promise, resolve };
    });
    const record = withLogScope(async (n: number) => {
      logger.appendKeys({ callId: `call_${n}`, attempt: n });
      logger.info('started');
      await gates[n]?.promise;
      if (n === 1) logger.removeKeys(['attempt']);
      logger.info('finished', { reason: `r${n}` });
    });
    const batch = withLogScope(async () => {
      logger.appendKeys({ batch: 'b1' });
      const both = Promise.all([record(0), record(1)]);
      gates[1]?.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      gates[0]?.resolve();
      await both;
      logger.info('batch done');
    });
    await batch();
    logger.info('outside');
    const seen = lines.map((l) => [l.message, l.batch ?? null, l.callId ?? null, l.attempt ?? null]);
    expect(seen).toEqual([
      ['started', 'b1', 'call_0', 0],
      ['started', 'b1', 'call_1', 1],
      ['finished', 'b1', 'call_1', null],
      ['finished', 'b1', 'call_0', 0],
      ['batch done', 'b1', null, null],
      ['outside', null, null, null],
    ]);
  });

  it('lets a key passed at the call site win over the scope key of the same name', async () => {
    await withLogScope(async () => {
      logger.appendKeys({ reason: 'scope' });
      logger.info('explicit', { reason: 'call site' });
    })();
    expect(lines.map((l) => l.reason)).toEqual(['call site']);
  });
});
