// The SQLite write batch on a real file, watched from a second connection (another
// process would see the same): writes of one event-loop turn share a commit, each resolves
// only after it, and one write that fails undoes only itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '../../functions/adapters/sqlite/database';

describe('SQLite write batch', () => {
  let dir: string;
  let writer: Database;
  let reader: Database;
  const names = () => (reader.statement('SELECT name FROM service_values ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const put = (name: string) => () => writer.statement('INSERT INTO service_values (name, value) VALUES (?, ?)').run(name, 'v');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hubdial-batch-'));
    writer = openDatabase(join(dir, 'hubdial.sqlite'));
    reader = openDatabase(join(dir, 'hubdial.sqlite'));
  });
  afterEach(() => {
    writer.close();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, and resolves each only after that commit', async () => {
    const first = writer.write(put('a'));
    const second = writer.write(put('b'));
    // Not committed yet: the other connection sees nothing.
    expect(names()).toEqual([]);
    await Promise.all([first, second]);
    expect(names()).toEqual(['a', 'b']);
  });

  it('a write that fails is undone alone; the others of its turn commit', async () => {
    const ok = writer.write(put('a'));
    const failing = writer.write(() => {
      put('half')();
      put('a')(); // the primary key again: this write throws after one statement
    });
    const after = writer.write(put('c'));
    await expect(failing).rejects.toThrow(/UNIQUE/);
    await Promise.all([ok, after]);
    expect(names()).toEqual(['a', 'c']);
  });

  it('a transaction commits the open batch first, so its caller can count on both', async () => {
    const batched = writer.write(put('a'));
    writer.transaction(put('b'));
    expect(names()).toEqual(['a', 'b']);
    await batched;
  });

  it('close commits what is still batched', async () => {
    const pending = writer.write(put('a'));
    writer.close();
    await pending;
    expect(names()).toEqual(['a']);
  });
});
