// The scheduler contract on the SQLite scheduler (a real file): firing into the SQLite
// queue in the same file (the embedded default) and into SQS on fauxqs (SQS_ENDPOINT set).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../functions/adapters/sqlite/database';
import { createSqliteDialQueue } from '../../../functions/adapters/sqlite/sqlite-dial-queue';
import { createSqliteScheduler } from '../../../functions/adapters/sqlite/sqlite-scheduler';
import { createSqsDialQueue } from '../../../functions/adapters/sqs/sqs-dial-queue';
import { parseDialJob } from '../../../functions/core/dial-job';
import type { DialJob } from '../../../functions/core/model';
import { startTestQueue } from '../../support/fauxqs';
import { schedulerContract } from './scheduler.contract';
import { drainSqsJobs, refusingQueue } from './sqs-drain';

function sqliteFile() {
  const dir = mkdtempSync(join(tmpdir(), 'hubdial-scheduler-'));
  const database = openDatabase(join(dir, 'hubdial.sqlite'));
  return { database, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

schedulerContract('SQLite scheduler into the SQLite queue', async () => {
  const { database, remove } = sqliteFile();
  const queue = createSqliteDialQueue(database);
  return {
    scheduler: (o = {}) => createSqliteScheduler({ database, queue, ...o }),
    async drain() {
      const jobs: DialJob[] = [];
      for (let got = queue.receive(10, 30); got.length > 0; got = queue.receive(10, 30)) {
        jobs.push(...got.map((m) => parseDialJob(m.body) as DialJob));
        queue.delete(got);
      }
      return jobs;
    },
    async stop() {
      database.close();
      remove();
    },
  };
});

schedulerContract('SQLite scheduler into SQS', async () => {
  const { database, remove } = sqliteFile();
  const sqs = await startTestQueue();
  const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
  return {
    scheduler: (o = {}) => createSqliteScheduler({ database, queue, ...o }),
    refusing: () => createSqliteScheduler({ database, queue: refusingQueue }),
    drain: () => drainSqsJobs(sqs.client, sqs.queueUrl),
    async stop() {
      await sqs.stop();
      database.close();
      remove();
    },
  };
});
