// The Store port on SQLite (tables in database.ts). Records are stored whole as JSON
// beside the columns the lookups and listings use; every write is one statement (or one
// transaction), so each is atomic, and the versioned updates are compare-and-set on
// `version`. Writes go through the database's write batch and return once it committed. Statements are prepared once and reused: at an import's rate, preparing
// would cost more than running them.
import type { BackfillJob } from '../../core/backfill';
import { checkStaleLimit, statusOrderTime } from '../../core/call-listing';
import type { Agent, ApiKeyRecord, CallRecord, ContactTombstone, DoNotCallEntry, HubSpotConnection, PacingState } from '../../core/model';
import type { Store } from '../../core/ports';
import type { Database } from './database';
import { listCalls, listDoNotCall } from './sqlite-listing';

type Row = Record<string, unknown>;
export const recordOf = <T>(row: Row | undefined): T | undefined => (row ? (JSON.parse(row.record as string) as T) : undefined);
export const recordsOf = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(row.record as string) as T);
/** A list of values as one parameter: `x IN (SELECT value FROM json_each(?))` keeps one prepared statement for any length. */
const jsonList = (values: string[]) => JSON.stringify([...new Set(values)]);

export function createSqliteStore(database: Database): Store {
  const sql = database.statement;
  const write = database.write;
  const callColumns = (call: CallRecord) => ({
    id: call.id,
    workspace_id: call.workspaceId,
    portal_id: call.portalId,
    contact_id: call.contactId,
    agent_id: call.agentId,
    to_number: call.to ?? null,
    status: call.status,
    created_at: call.createdAt,
    status_order: statusOrderTime(call),
    version: call.version,
    record: JSON.stringify(call),
  });

  const store: Store = {
    async putApiKey(key: ApiKeyRecord) {
      const { changes } = await write(() =>
        sql('INSERT INTO api_keys (key_hash, id, workspace_id, created_at, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
          key.keyHash,
          key.id,
          key.workspaceId,
          key.createdAt,
          JSON.stringify(key),
        ),
      );
      if (changes === 0) throw new Error(`an API key with this hash is already stored (id ${key.id})`);
    },

    async getApiKeyByHash(keyHash) {
      return recordOf<ApiKeyRecord>(sql('SELECT record FROM api_keys WHERE key_hash = ?').get(keyHash));
    },

    async listApiKeys(workspaceId) {
      return recordsOf<ApiKeyRecord>(sql('SELECT record FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id').all(workspaceId));
    },

    async deleteApiKey(workspaceId, id) {
      return (await write(() => sql('DELETE FROM api_keys WHERE workspace_id = ? AND id = ?').run(workspaceId, id))).changes > 0;
    },

    async putAgent(agent: Agent, opts) {
      const record = JSON.stringify(agent);
      if (opts?.mustExist) {
        const { changes } = await write(() =>
          sql('UPDATE agents SET workspace_id = ?, created_at = ?, record = ? WHERE id = ?').run(
            agent.workspaceId,
            agent.createdAt,
            record,
            agent.id,
          ),
        );
        return changes > 0;
      }
      await write(() =>
        sql(
          `INSERT INTO agents (id, workspace_id, created_at, record) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET workspace_id = excluded.workspace_id, created_at = excluded.created_at, record = excluded.record`,
        ).run(agent.id, agent.workspaceId, agent.createdAt, record),
      );
      return true;
    },

    async getAgent(id) {
      return recordOf<Agent>(sql('SELECT record FROM agents WHERE id = ?').get(id));
    },

    async deleteAgent(id) {
      return (await write(() => sql('DELETE FROM agents WHERE id = ?').run(id))).changes > 0;
    },

    async listAgents(workspaceId) {
      return recordsOf<Agent>(sql('SELECT record FROM agents WHERE workspace_id = ? ORDER BY created_at, id').all(workspaceId));
    },

    async putHubSpotConnection(connection: HubSpotConnection) {
      await write(() =>
        sql(
          'INSERT INTO hubspot_connections (workspace_id, record) VALUES (?, ?) ON CONFLICT (workspace_id) DO UPDATE SET record = excluded.record',
        ).run(connection.workspaceId, JSON.stringify(connection)),
      );
    },

    async getHubSpotConnection(workspaceId) {
      return recordOf<HubSpotConnection>(sql('SELECT record FROM hubspot_connections WHERE workspace_id = ?').get(workspaceId));
    },

    async createCall(call) {
      const { changes } = await write(() =>
        sql(
          `INSERT INTO calls (id, workspace_id, portal_id, contact_id, agent_id, to_number, status, created_at, status_order, version, record)
           VALUES (:id, :workspace_id, :portal_id, :contact_id, :agent_id, :to_number, :status, :created_at, :status_order, :version, :record)
           ON CONFLICT (id) DO NOTHING`,
        ).run(callColumns(call)),
      );
      return changes > 0 ? 'created' : 'exists';
    },

    async getCall(id) {
      return recordOf<CallRecord>(sql('SELECT record FROM calls WHERE id = ?').get(id));
    },

    async getCalls(ids) {
      const found = new Map<string, CallRecord>();
      if (ids.length === 0) return found;
      const rows = sql('SELECT record FROM calls WHERE id IN (SELECT value FROM json_each(?))').all(jsonList(ids));
      for (const call of recordsOf<CallRecord>(rows)) found.set(call.id, call);
      return found;
    },

    async updateCall(call) {
      // Only over the version this change was decided on. An UPDATE keeps the row's seq, so
      // the unfiltered listing's order never moves.
      const { changes } = await write(() =>
        sql(
          `UPDATE calls SET workspace_id = :workspace_id, portal_id = :portal_id, contact_id = :contact_id, agent_id = :agent_id,
             to_number = :to_number, status = :status, created_at = :created_at, status_order = :status_order,
             version = :version, record = :record WHERE id = :id AND version = :previous`,
        ).run({ ...callColumns(call), previous: call.version - 1 }),
      );
      return changes > 0;
    },

    async listCalls(query) {
      return listCalls(database, query);
    },

    async listStaleCalls(status, before, limit) {
      checkStaleLimit(limit);
      return recordsOf<CallRecord>(
        sql('SELECT record FROM calls WHERE status = ? AND status_order < ? ORDER BY status_order, id LIMIT ?').all(status, before, limit),
      );
    },

    async getPacing(agentId) {
      return recordOf<PacingState>(sql('SELECT record FROM pacing WHERE agent_id = ?').get(agentId));
    },

    async putPacing(state) {
      const record = JSON.stringify(state);
      const { changes } = await write(() =>
        state.version <= 1
          ? sql('INSERT INTO pacing (agent_id, version, record) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
              state.agentId,
              state.version,
              record,
            )
          : sql('UPDATE pacing SET version = ?, record = ? WHERE agent_id = ? AND version = ?').run(
              state.version,
              record,
              state.agentId,
              state.version - 1,
            ),
      );
      return changes > 0;
    },

    async ensureServiceValue(name, candidate) {
      await write(() => sql('INSERT INTO service_values (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING').run(name, candidate));
      return (sql('SELECT value FROM service_values WHERE name = ?').get(name) as { value: string }).value;
    },

    async createBackfillJob(job: BackfillJob) {
      const insert = sql('INSERT INTO backfill_jobs (id, version, record) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      return (await write(() => insert.run(job.id, job.version, JSON.stringify(job)))).changes > 0;
    },

    async getBackfillJob(id) {
      return recordOf<BackfillJob>(sql('SELECT record FROM backfill_jobs WHERE id = ?').get(id));
    },

    async updateBackfillJob(job) {
      const update = sql('UPDATE backfill_jobs SET version = ?, record = ? WHERE id = ? AND version = ?');
      return (await write(() => update.run(job.version, JSON.stringify(job), job.id, job.version - 1))).changes > 0;
    },

    async listCallsForContact(workspaceId, portalId, contactId) {
      return recordsOf<CallRecord>(
        sql('SELECT record FROM calls WHERE workspace_id = ? AND portal_id = ? AND contact_id = ? ORDER BY seq').all(
          workspaceId,
          portalId,
          contactId,
        ),
      );
    },

    async putContactTombstone(tombstone: ContactTombstone) {
      // A privacy deletion wins over an ordinary one, whatever order they arrive in.
      await write(() =>
        sql(
          `INSERT INTO contact_tombstones (workspace_id, portal_id, contact_id, kind, record) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET kind = excluded.kind, record = excluded.record
           WHERE NOT (contact_tombstones.kind = 'erased' AND excluded.kind = 'deleted')`,
        ).run(tombstone.workspaceId, tombstone.portalId, tombstone.contactId, tombstone.kind, JSON.stringify(tombstone)),
      );
    },

    async getContactTombstones(workspaceId, portalId, contactIds) {
      const found = new Map<string, ContactTombstone>();
      if (contactIds.length === 0) return found;
      const rows = sql(
        'SELECT record FROM contact_tombstones WHERE workspace_id = ? AND portal_id = ? AND contact_id IN (SELECT value FROM json_each(?))',
      ).all(workspaceId, portalId, jsonList(contactIds));
      for (const t of recordsOf<ContactTombstone>(rows)) found.set(t.contactId, t);
      return found;
    },

    async addDoNotCall(workspaceId, entries: DoNotCallEntry[]) {
      const insert = sql('INSERT INTO do_not_call (workspace_id, number, record) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      const unique = new Map(entries.map((e) => [e.number, e]));
      return write(() => {
        let added = 0;
        for (const entry of unique.values()) added += Number(insert.run(workspaceId, entry.number, JSON.stringify(entry)).changes);
        return added;
      });
    },

    async listDoNotCall(workspaceId, query) {
      return listDoNotCall(database, workspaceId, query);
    },

    async removeDoNotCall(workspaceId, number) {
      return (await write(() => sql('DELETE FROM do_not_call WHERE workspace_id = ? AND number = ?').run(workspaceId, number))).changes > 0;
    },

    async getDoNotCall(workspaceId, numbers) {
      const found = new Map<string, DoNotCallEntry>();
      if (numbers.length === 0) return found;
      const rows = sql('SELECT record FROM do_not_call WHERE workspace_id = ? AND number IN (SELECT value FROM json_each(?))').all(
        workspaceId,
        jsonList(numbers),
      );
      for (const e of recordsOf<DoNotCallEntry>(rows)) found.set(e.number, e);
      return found;
    },
  };
  return store;
}
