// dynalite and fauxqs on worker threads of this process, for `--backends threads`.
// Inline (what `npm start` does) they share the event loop with hubdial's handlers, so
// every DynamoDB and SQS request costs the service its own CPU twice: once to send and
// once to serve. On AWS the serving half runs elsewhere; on a worker thread it runs on
// the other core. Same emulators, same in-memory data, same HTTP APIs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface BackendThreads {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

// Plain CommonJS: worker threads do not inherit tsx's loader.
const DYNALITE = `
const { parentPort, workerData } = require('node:worker_threads');
const server = require(workerData.module)({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;
const FAUXQS = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module)
  .then(({ startFauxqs }) => startFauxqs({ port: 0, logger: false }))
  .then((server) => parentPort.postMessage(server.port));
`;

// fauxqs exports an ESM entry only, which require.resolve cannot see.
const FAUXQS_MODULE = pathToFileURL(join(__dirname, '..', 'node_modules', 'fauxqs', 'dist', 'app.js')).href;

export async function startBackendThreads(): Promise<BackendThreads> {
  const dynamo = await startWorker(DYNALITE, require.resolve('dynalite'));
  const sqs = await startWorker(FAUXQS, FAUXQS_MODULE).catch(async (err) => {
    await dynamo.worker.terminate();
    throw err;
  });
  return {
    dynamodbEndpoint: `http://127.0.0.1:${dynamo.port}`,
    sqsEndpoint: `http://127.0.0.1:${sqs.port}`,
    async stop() {
      await Promise.all([dynamo.worker.terminate(), sqs.worker.terminate()]);
    },
  };
}

function startWorker(code: string, module: string): Promise<{ worker: Worker; port: number }> {
  const worker = new Worker(code, { eval: true, workerData: { module } });
  return new Promise((resolve, reject) => {
    worker.once('message', (port: number) => resolve({ worker, port }));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`backend thread exited with code ${code} before listening`)));
  });
}
