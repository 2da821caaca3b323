// The dial queue contract on the SQLite queue (a real file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../functions/adapters/sqlite/database';
import { createSqliteDialQueue } from '../../../functions/adapters/sqlite/sqlite-dial-queue';
import { queueContract } from './queue.contract';

queueContract('SQLite queue', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hubdial-queue-'));
  const database = openDatabase(join(dir, 'hubdial.sqlite'));
  const queue = createSqliteDialQueue(database, { maxReceives: 3 });
  return {
    queue,
    maxReceives: 3,
    async receive(max, visibilitySeconds) {
      return queue.receive(max, visibilitySeconds);
    },
    async delete(messages) {
      queue.delete(messages as never);
    },
    async deadLetters() {
      return (database.statement('SELECT body FROM dial_dead_letters ORDER BY id').all() as { body: string }[]).map((r) => r.body);
    },
    async stop() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
