/**
 * The scale-out store: PostgreSQL through a pg Pool, shared by every server node. Each append is
 * one transaction; (incident_id, seq) and op_id are unique, so when two nodes race for the same
 * seq exactly one wins and the other gets SeqConflictError, catches up and retries. That keeps each
 * incident's log gapless with every op exactly once. Every stored record is validated on open; a
 * record that fails moves to the quarantine table instead of crashing the node.
 */
import pg from 'pg';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import { parseCommittedOp, type CommittedOp } from '../../shared/ops.ts';
import { SeqConflictError, type QuarantinedRecord, type Snapshot, type Store } from './store.ts';
import { lockOrder, withTxRetry, type TxRetryCounts } from './pgRetry.ts';

export interface PostgresStoreOptions {
  /** e.g. postgres://user:pass@host:5432/warroom (DATABASE_URL). */
  connectionString: string;
  /** Schema holding the tables (created if missing); default "public". Tests use one per run. */
  schema?: string;
  /** Pool size per node; default 10. */
  maxConnections?: number;
  /** Gaps in an incident's seq chain, dropped snapshots and similar findings. */
  onWarning?: (message: string) => void;
  /** Errors of idle pooled connections (e.g. the database restarted); the pool reconnects by itself. */
  onError?: (err: Error) => void;
}

/** The schema version this code writes; a newer database is refused rather than misread. */
const SCHEMA_VERSION = 1;
const VALIDATE_PAGE_ROWS = 1_000;
const PG_UNIQUE_VIOLATION = '23505';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

const ddl = (s: string) => `
CREATE TABLE IF NOT EXISTS ${s}.ops (
  incident_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  op_id TEXT NOT NULL UNIQUE,
  json JSONB NOT NULL,
  server_time BIGINT NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.snapshots (
  incident_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  state_version INTEGER NOT NULL,
  state JSONB NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.quarantine (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  incident_id TEXT,
  seq BIGINT,
  reason TEXT NOT NULL,
  raw TEXT,
  quarantined_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface OpRow { incident_id: string; seq: string; op_id: string; json: unknown }
interface SnapRow { incident_id: string; seq: string; state_version: number; state: unknown }

/** Just enough shape to be sure the reducer can fold onto a stored snapshot (same rules as SQLite). */
function snapshotProblem(incidentId: string, seq: number, s: unknown): string | null {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return 'not an object';
  const st = s as Record<string, unknown>;
  if (st.id !== incidentId) return 'incident id does not match';
  if (typeof st.title !== 'string' || typeof st.severity !== 'string' || typeof st.status !== 'string') return 'missing incident fields';
  if (!Array.isArray(st.timeline)) return 'timeline is not a list';
  for (const k of ['tasks', 'members', 'help', 'roles', 'postmortem']) {
    if (!st[k] || typeof st[k] !== 'object' || Array.isArray(st[k])) return `${k} is not an object`;
  }
  if (typeof st.headSeq !== 'number' || st.headSeq > seq) return 'headSeq is inconsistent';
  return null;
}

function opProblem(row: OpRow): string | null {
  const r = parseCommittedOp(row.json);
  if (!r.ok) return r.message;
  if (r.value.incidentId !== row.incident_id || r.value.seq !== Number(row.seq) || r.value.opId !== row.op_id) {
    return 'stored op does not match its row (incident, seq or opId)';
  }
  return null;
}

/** Which op a unique violation was about, from PostgreSQL's "Key (…)=(…) already exists." detail. */
function conflictOf(e: pg.DatabaseError, ops: readonly CommittedOp[]): SeqConflictError {
  const detail = e.detail ?? '';
  const byOpId = /^Key \(op_id\)=\((.*)\) already exists/.exec(detail);
  const op = (byOpId && ops.find((o) => o.opId === byOpId[1]))
    ?? ops.find((o) => detail.includes(`=(${o.incidentId}, ${o.seq})`))
    ?? ops[0]!;
  const err = new SeqConflictError(op.incidentId, op.seq);
  if (byOpId) err.message = `opId ${op.opId} is already stored (incident ${op.incidentId})`;
  return err;
}

export function createPostgresStore(options: PostgresStoreOptions): Store & { readonly schema: string; readonly txRetries: TxRetryCounts } {
  const schema = options.schema ?? 'public';
  if (!IDENTIFIER.test(schema)) throw new Error(`PostgreSQL schema name "${schema}" must be lower-case letters, digits and _.`);
  const s = `"${schema}"`;
  let pool: pg.Pool | null = null;
  const need = (): pg.Pool => {
    if (!pool) throw new Error('The PostgreSQL store is not open.');
    return pool;
  };

  async function transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await need().connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async function createTables(): Promise<void> {
    await transaction(async (c) => {
      // Two nodes starting together would race on CREATE … IF NOT EXISTS; serialize them.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['warroom-schema', schema]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await c.query(ddl(s));
      const v = await c.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
      const stored = Number(v.rows[0]?.value ?? 0);
      if (stored > SCHEMA_VERSION) {
        throw new Error(`Schema ${schema} was written by a newer War Room (schema ${stored}); this server understands ${SCHEMA_VERSION}. Update the server.`);
      }
      await c.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [String(SCHEMA_VERSION)]);
    });
  }

  /** Moves one record to quarantine atomically; false when another node moved it first. */
  async function quarantine(kind: 'op' | 'snapshot', incidentId: string, seq: number, reason: string): Promise<boolean> {
    const table = kind === 'op' ? 'ops' : 'snapshots';
    const col = kind === 'op' ? 'json' : 'state';
    const r = await need().query(
      `WITH moved AS (DELETE FROM ${s}.${table} WHERE incident_id = $1 AND seq = $2 RETURNING ${col}::text AS raw)
       INSERT INTO ${s}.quarantine (kind, incident_id, seq, reason, raw, quarantined_at)
       SELECT $3, $1, $2, $4, left(raw, 100000), $5 FROM moved`,
      [incidentId, seq, kind, reason, Date.now()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async function validateAll(): Promise<{ quarantined: QuarantinedRecord[]; warnings: string[] }> {
    const quarantined: QuarantinedRecord[] = [];
    const warnings: string[] = [];
    const firstBad = new Map<string, number>();
    const expected = new Map<string, number>();
    let after: [string, number] = ['', 0];
    // Keyset pages keep memory flat however long the logs are.
    for (;;) {
      const page = await need().query<OpRow>(
        `SELECT incident_id, seq, op_id, json FROM ${s}.ops WHERE (incident_id, seq) > ($1, $2) ORDER BY incident_id, seq LIMIT $3`,
        [after[0], after[1], VALIDATE_PAGE_ROWS],
      );
      for (const row of page.rows) {
        const seq = Number(row.seq);
        const reason = opProblem(row);
        if (reason) {
          if (!firstBad.has(row.incident_id)) firstBad.set(row.incident_id, seq);
          if (await quarantine('op', row.incident_id, seq, reason)) {
            quarantined.push({ kind: 'op', incidentId: row.incident_id, seq, reason, quarantinedAt: Date.now() });
          }
          continue;
        }
        const want = (expected.get(row.incident_id) ?? 0) + 1;
        if (seq !== want) warnings.push(`incident ${row.incident_id}: seq ${want}..${seq - 1} missing from the log`);
        expected.set(row.incident_id, seq);
      }
      const last = page.rows.at(-1);
      if (!last || page.rows.length < VALIDATE_PAGE_ROWS) break;
      after = [last.incident_id, Number(last.seq)];
    }
    const snaps = await need().query<SnapRow>(`SELECT incident_id, seq, state_version, state FROM ${s}.snapshots`);
    for (const row of snaps.rows) {
      const seq = Number(row.seq);
      const problem = row.state_version === STATE_VERSION ? snapshotProblem(row.incident_id, seq, row.state) : null;
      const bad = firstBad.get(row.incident_id);
      if (problem) {
        if (await quarantine('snapshot', row.incident_id, seq, problem)) {
          quarantined.push({ kind: 'snapshot', incidentId: row.incident_id, seq, reason: problem, quarantinedAt: Date.now() });
        }
      } else if (bad !== undefined && seq >= bad) {
        // It folded an op clients can no longer fetch; state is rebuilt from the ops that remain.
        await need().query(`DELETE FROM ${s}.snapshots WHERE incident_id = $1 AND seq = $2`, [row.incident_id, seq]);
        warnings.push(`incident ${row.incident_id}: dropped snapshot at seq ${seq}, it includes quarantined op ${bad}`);
      }
    }
    return { quarantined, warnings };
  }

  const txRetries: TxRetryCounts = { deadlock: 0, serialization: 0 };
  return {
    kind: 'postgres',
    schema,
    txRetries,
    async open() {
      const p = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10, application_name: 'warroom' });
      p.on('error', (err) => options.onError?.(err));
      // A checked-out client has no listener of the pool's: a backend killed mid-transaction (57P01)
      // was an unhandled 'error' that ended the process. Its query fails with the error; that is enough.
      p.on('connect', (client) => client.on('error', () => undefined));
      pool = p;
      try {
        await createTables();
        const { quarantined, warnings } = await validateAll();
        for (const w of warnings) options.onWarning?.(w);
        return { quarantined, warnings };
      } catch (e) {
        pool = null;
        await p.end().catch(() => undefined);
        throw e;
      }
    },
    async close() {
      const p = pool;
      pool = null;
      await p?.end();
    },
    async ping() {
      try {
        return (await need().query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one === 1;
      } catch {
        return false;
      }
    },
    async listIncidentIds() {
      const r = await need().query<{ incident_id: string }>(`SELECT DISTINCT incident_id FROM ${s}.ops ORDER BY incident_id`);
      return r.rows.map((x) => x.incident_id);
    },
    async headSeq(incidentId) {
      const r = await need().query<{ head: string | null }>(`SELECT MAX(seq) AS head FROM ${s}.ops WHERE incident_id = $1`, [incidentId]);
      return Number(r.rows[0]?.head ?? 0);
    },
    async findByOpId(opId) {
      const r = await need().query<{ incident_id: string; seq: string }>(`SELECT incident_id, seq FROM ${s}.ops WHERE op_id = $1`, [opId]);
      const row = r.rows[0];
      return row ? { incidentId: row.incident_id, seq: Number(row.seq) } : null;
    },
    async readOps(incidentId, afterSeq, limit) {
      const r = await need().query<{ json: CommittedOp }>(
        `SELECT json FROM ${s}.ops WHERE incident_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [incidentId, afterSeq, limit ?? null],
      );
      return r.rows.map((x) => x.json);
    },
    async latestSnapshot(incidentId, atMostSeq) {
      const r = await need().query<{ seq: string; state: IncidentState }>(
        `SELECT seq, state FROM ${s}.snapshots WHERE incident_id = $1 AND seq <= $2 AND state_version = $3 ORDER BY seq DESC LIMIT 1`,
        [incidentId, atMostSeq ?? Number.MAX_SAFE_INTEGER, STATE_VERSION],
      );
      const row = r.rows[0];
      return row ? { incidentId, seq: Number(row.seq), state: row.state } : null;
    },
    async saveSnapshot(snapshot: Snapshot) {
      await withTxRetry(() => transaction(async (c) => {
        // Two nodes may snapshot the same seq; the states are equal (same log, same fold).
        await c.query(
          `INSERT INTO ${s}.snapshots (incident_id, seq, state_version, state) VALUES ($1, $2, $3, $4)
           ON CONFLICT (incident_id, seq) DO UPDATE SET state_version = EXCLUDED.state_version, state = EXCLUDED.state`,
          [snapshot.incidentId, snapshot.seq, STATE_VERSION, JSON.stringify(snapshot.state)],
        );
        // Two are enough: the newest, and the one before in case the newest is ever found bad.
        await c.query(
          `DELETE FROM ${s}.snapshots WHERE incident_id = $1 AND seq NOT IN (SELECT seq FROM ${s}.snapshots WHERE incident_id = $1 ORDER BY seq DESC LIMIT 2)`,
          [snapshot.incidentId],
        );
      }), txRetries);
    },
    async append(batch) {
      if (batch.length === 0) return;
      const ops = lockOrder(batch);
      // One statement, so one round trip and atomic on its own. The batch goes in only if, for each
      // incident, it is contiguous and starts no later than head + 1; a start at or below the head
      // is someone else's seq and fails on the primary key, which reports the conflict.
      let r: pg.QueryResult;
      try {
        r = await withTxRetry(() => need().query(
          `WITH t AS (
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::bigint[])
               AS t(incident_id, seq, op_id, json, server_time)
           ), ok AS (
             SELECT bool_and(b.lo <= COALESCE((SELECT MAX(o.seq) FROM ${s}.ops o WHERE o.incident_id = b.incident_id), 0) + 1
                             AND b.hi - b.lo + 1 = b.n) AS fine
             FROM (SELECT incident_id, MIN(seq) AS lo, MAX(seq) AS hi, COUNT(*) AS n FROM t GROUP BY incident_id) b
           )
           INSERT INTO ${s}.ops (incident_id, seq, op_id, json, server_time)
           SELECT t.incident_id, t.seq, t.op_id, t.json, t.server_time FROM t, ok WHERE ok.fine`,
          [ops.map((o) => o.incidentId), ops.map((o) => o.seq), ops.map((o) => o.opId), ops.map((o) => JSON.stringify(o)), ops.map((o) => o.serverTime)],
        ), txRetries);
      } catch (e) {
        if (e instanceof pg.DatabaseError && e.code === PG_UNIQUE_VIOLATION) throw conflictOf(e, ops);
        throw e;
      }
      if (r.rowCount !== ops.length) {
        const first = ops[0]!;
        const head = Number((await need().query<{ head: string | null }>(`SELECT MAX(seq) AS head FROM ${s}.ops WHERE incident_id = $1`, [first.incidentId])).rows[0]?.head ?? 0);
        throw new Error(`append of seq ${first.seq} to incident ${first.incidentId} would leave a gap after seq ${head} (or the batch is not contiguous); nothing was written`);
      }
    },
    async quarantined() {
      const r = await need().query<{ kind: string; incident_id: string | null; seq: string | null; reason: string; quarantined_at: string }>(
        `SELECT kind, incident_id, seq, reason, quarantined_at FROM ${s}.quarantine ORDER BY id`,
      );
      return r.rows.map((x) => ({
        kind: x.kind, incidentId: x.incident_id, seq: x.seq === null ? null : Number(x.seq), reason: x.reason, quarantinedAt: Number(x.quarantined_at),
      }));
    },
    async backup() {
      throw new Error('The PostgreSQL store has no built-in backup: use pg_dump (e.g. `pg_dump --format=custom "$DATABASE_URL" > warroom.dump`) and pg_restore.');
    },
  };
}
