// The SQS API for `npm start` and the tests: fauxqs, in this process. fauxqs is an ES
// module that only exports an "import" entry, while tsx runs this project as CommonJS: a
// static import would become require() and fail to resolve, so it is loaded with import().
// Under jest, swc turns that import() into require() and jest.config.js maps and
// transforms the package.

export interface LocalSqs {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs. With `dataDir` it keeps queues and messages (delayed and in flight too)
 * in SQLite there, so dial jobs waiting in the queue survive a restart.
 * Note: fauxqs listens on all interfaces; the port is random unless given.
 */
export async function startFauxqs(opts: { port?: number; dataDir?: string } = {}): Promise<LocalSqs> {
  const { startFauxqs: startFauxqsServer } = await import('fauxqs');
  const server = await startFauxqsServer({ port: opts.port ?? 0, logger: false, dataDir: opts.dataDir });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    stop: () => server.stop(),
  };
}

export { ensureQueue } from '../functions/adapters/sqs/ensure-queue';
