// The Store contract on SQLite, each store on a real file of its own (WAL, as `npm start` runs it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '../../../functions/adapters/sqlite/database';
import { createSqliteStore } from '../../../functions/adapters/sqlite/sqlite-store';
import { storeContract } from './store.contract';

storeContract('SQLite store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hubdial-store-'));
  const open: Database[] = [];
  let n = 0;
  let last = '';
  const at = (path: string) => {
    const database = openDatabase(path);
    open.push(database);
    return createSqliteStore(database);
  };
  return {
    async fresh() {
      last = join(dir, `store-${n++}.sqlite`);
      return at(last);
    },
    async reopen() {
      return at(last);
    },
    async stop() {
      for (const database of open) database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
