/**
 * The scale-out store: PostgreSQL through a pg Pool, shared by every server node. Each append is
 * one transaction; (incident_id, seq) and op_id are unique, so when two nodes race for the same
 * seq exactly one wins and the other gets SeqConflictError, catches up and retries. That keeps each
 * incident's log gapless with every op exactly once. Rows carry the same SHA-256 hashes, chain
 * and recorded heads as SQLite (server/integrity/chain.ts); every record is checked on open and
 * on read, and one that fails moves to the quarantine table instead of reaching a client.
 */
import pg from 'pg';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { appendRows, groupByIncident } from '../integrity/appendRows.ts';
import { canonicalJson } from '../integrity/canonical.ts';
import { headHash, snapshotHash } from '../integrity/chain.ts';
import type { StoredHead } from '../integrity/checkIncident.ts';
import { checkOpRow } from '../integrity/checkOp.ts';
import { checkSnapshotRow } from '../integrity/checkSnapshot.ts';
import { checkStore } from '../integrity/checkStore.ts';
import { missingCount, type VerifyReport } from '../integrity/report.ts';
import { ddl, migratePgV1, pgApplyFindings, pgCheckSource, pgQuarantine, pgSchemaVersion, PG_SCHEMA_VERSION } from './postgresCheck.ts';
import { SeqConflictError, type QuarantinedRecord, type Snapshot, type Store } from './store.ts';
import { withTxRetry, type TxRetryCounts } from './pgRetry.ts';
import { inTransaction } from '../pgTransaction.ts';

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

const PG_UNIQUE_VIOLATION = '23505';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

interface QRowPg { kind: string; incident_id: string | null; seq: string | null; reason: string; quarantined_at: string }
const toRecord = (x: QRowPg): QuarantinedRecord => ({
  kind: x.kind, incidentId: x.incident_id, seq: x.seq === null ? null : Number(x.seq), reason: x.reason, quarantinedAt: Number(x.quarantined_at),
});

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

function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`PostgreSQL schema name "${schema}" must be lower-case letters, digits and _.`);
  return `"${schema}"`;
}

/** `warroom verify` for PostgreSQL: the open check, read-only, in one consistent view. */
export async function checkPostgres(connectionString: string, schema: string): Promise<VerifyReport> {
  const s = checkSchemaName(schema);
  const c = new pg.Client({ connectionString, application_name: 'warroom-verify' });
  await c.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = await pgSchemaVersion(c, s, schema);
    if (version === 0) throw new Error(`Schema ${schema} holds no War Room tables (nothing to verify).`);
    if (version < PG_SCHEMA_VERSION) throw new Error(`Schema ${schema} has schema ${version} (no integrity hashes yet); start a server once to upgrade it, then verify.`);
    const check = await checkStore(pgCheckSource(c, s));
    const q = await c.query<QRowPg>(`SELECT kind, incident_id, seq, reason, quarantined_at FROM ${s}.quarantine ORDER BY id`);
    await c.query('COMMIT');
    return { where: `PostgreSQL schema ${schema}`, check, quarantined: q.rows.map(toRecord) };
  } finally {
    await c.end().catch(() => undefined);
  }
}

export function createPostgresStore(options: PostgresStoreOptions): Store & { readonly schema: string; readonly txRetries: TxRetryCounts } {
  const schema = options.schema ?? 'public';
  const s = checkSchemaName(schema);
  const warn = (m: string) => options.onWarning?.(m);
  let pool: pg.Pool | null = null;
  const need = (): pg.Pool => {
    if (!pool) throw new Error('The PostgreSQL store is not open.');
    return pool;
  };

  const transaction = <T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> => inTransaction(need(), fn, begin);

  async function createTables(): Promise<string[]> {
    return transaction(async (c) => {
      // Two nodes starting together would race on CREATE … IF NOT EXISTS and on the upgrade; serialize them.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['warroom-schema', schema]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      const version = await pgSchemaVersion(c, s, schema);
      const notes = version === 1 ? [await migratePgV1(c, s, Date.now())] : [];
      await c.query(ddl(s));
      await c.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [String(PG_SCHEMA_VERSION)]);
      return notes;
    });
  }

  async function quarantineOnRead(kind: 'op' | 'snapshot', incidentId: string, seq: number, reason: string): Promise<void> {
    if (await pgQuarantine(need(), s, kind, incidentId, seq, reason, null)) {
      warn(`incident ${incidentId}: ${kind} at seq ${seq} failed its check when read and was quarantined (${reason})`);
    }
  }

  async function headSeqOf(c: pg.Pool | pg.PoolClient, incidentId: string): Promise<number> {
    const r = await c.query<{ head: string | null }>(
      `SELECT COALESCE((SELECT head_seq FROM ${s}.incident_heads WHERE incident_id = $1), (SELECT MAX(seq) FROM ${s}.ops WHERE incident_id = $1), 0) AS head`,
      [incidentId],
    );
    return Number(r.rows[0]?.head ?? 0);
  }

  /** Heads of the batch's incidents, locked until commit; an incident with no head record continues from its highest row. */
  async function lockHeads(c: pg.PoolClient, ids: string[]): Promise<Map<string, StoredHead>> {
    const heads = new Map<string, StoredHead>();
    const r = await c.query<{ incident_id: string; seq: string; chain: string; hash: string }>(
      `SELECT incident_id, head_seq AS seq, chain, hash FROM ${s}.incident_heads WHERE incident_id = ANY($1::text[]) ORDER BY incident_id FOR UPDATE`,
      [ids],
    );
    for (const x of r.rows) heads.set(x.incident_id, { seq: Number(x.seq), chain: x.chain, hash: x.hash });
    for (const id of ids) {
      if (heads.has(id)) continue;
      const top = (await c.query<{ seq: string; chain: string }>(`SELECT seq, chain FROM ${s}.ops WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1`, [id])).rows[0];
      if (top) heads.set(id, { seq: Number(top.seq), chain: top.chain, hash: headHash(id, Number(top.seq), top.chain) });
    }
    return heads;
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
        const notes = await createTables();
        const check = await transaction((c) => checkStore(pgCheckSource(c, s)), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { quarantined, warnings } = await pgApplyFindings(p, s, check);
        warnings.unshift(...notes);
        for (const w of warnings) warn(w);
        return { quarantined, warnings, missingOps: check.incidents.reduce((n, f) => n + missingCount(f), 0) };
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
      return headSeqOf(need(), incidentId);
    },
    async findByOpId(opId) {
      const r = await need().query<{ incident_id: string; seq: string }>(`SELECT incident_id, seq FROM ${s}.ops WHERE op_id = $1`, [opId]);
      const row = r.rows[0];
      return row ? { incidentId: row.incident_id, seq: Number(row.seq) } : null;
    },
    async readOps(incidentId, afterSeq, limit) {
      const out: CommittedOp[] = [];
      // A row that fails is dropped; read on so a short page still means "no more" to the caller.
      for (let after = afterSeq, want: number | null = limit ?? null; want === null || want > 0;) {
        // Rows above the recorded head were never given by the server: never served.
        const r = await need().query<{ seq: string; op_id: string; json: unknown; hash: unknown; chain: unknown }>(
          `SELECT seq, op_id, json, hash, chain FROM ${s}.ops WHERE incident_id = $1 AND seq > $2
             AND seq <= COALESCE((SELECT head_seq FROM ${s}.incident_heads WHERE incident_id = $1), 0) ORDER BY seq LIMIT $3`,
          [incidentId, after, want],
        );
        let dropped = 0;
        for (const x of r.rows) {
          const seq = Number(x.seq);
          const check = checkOpRow({ incidentId, seq, opId: x.op_id, text: canonicalJson(x.json), hash: x.hash, chain: x.chain }, false);
          if (check.ok) out.push(check.op);
          else {
            await quarantineOnRead('op', incidentId, seq, check.reason);
            dropped++;
          }
        }
        if (dropped === 0 || want === null || r.rows.length < want) break;
        after = Number(r.rows.at(-1)!.seq);
        want = dropped;
      }
      return out;
    },
    async latestSnapshot(incidentId, atMostSeq) {
      const r = await need().query<{ seq: string; state: unknown; chain: unknown; hash: unknown; op_chain: string | null }>(
        `SELECT sn.seq, sn.state, sn.chain, sn.hash,
                CASE WHEN sn.seq <= COALESCE((SELECT head_seq FROM ${s}.incident_heads WHERE incident_id = $1), 0) THEN COALESCE(
                  (SELECT o.chain FROM ${s}.ops o WHERE o.incident_id = $1 AND o.seq = sn.seq),
                  (SELECT q.chain FROM ${s}.quarantine q WHERE q.kind = 'op' AND q.incident_id = $1 AND q.seq = sn.seq AND q.chain IS NOT NULL ORDER BY q.id LIMIT 1)
                ) END AS op_chain
           FROM ${s}.snapshots sn
          WHERE sn.incident_id = $1 AND sn.seq <= $2 AND sn.state_version = $3 ORDER BY sn.seq DESC`,
        [incidentId, atMostSeq ?? Number.MAX_SAFE_INTEGER, STATE_VERSION],
      );
      for (const x of r.rows) {
        const seq = Number(x.seq);
        const check = checkSnapshotRow(
          { incidentId, seq, stateVersion: STATE_VERSION, text: canonicalJson(x.state), hash: x.hash, chain: x.chain },
          x.op_chain ?? undefined,
        );
        if (check.ok) return { incidentId, seq, state: check.state };
        if (check.action === 'quarantine') await quarantineOnRead('snapshot', incidentId, seq, check.reason);
        else {
          await need().query(`DELETE FROM ${s}.snapshots WHERE incident_id = $1 AND seq = $2`, [incidentId, seq]);
          warn(`incident ${incidentId}: dropped snapshot at seq ${seq} (${check.reason}); state is rebuilt from the log`);
        }
      }
      return null;
    },
    async saveSnapshot(snapshot: Snapshot) {
      await withTxRetry(() => transaction(async (c) => {
        const op = (await c.query<{ chain: string | null }>(`SELECT chain FROM ${s}.ops WHERE incident_id = $1 AND seq = $2`, [snapshot.incidentId, snapshot.seq])).rows[0];
        // With no op at its seq the snapshot can never agree with the log; '' marks it so (never served).
        const chain = op?.chain ?? '';
        const text = canonicalJson(snapshot.state);
        // Two nodes may snapshot the same seq; the states are equal (same log, same fold).
        await c.query(
          `INSERT INTO ${s}.snapshots (incident_id, seq, state_version, state, chain, hash) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (incident_id, seq) DO UPDATE SET state_version = EXCLUDED.state_version, state = EXCLUDED.state, chain = EXCLUDED.chain, hash = EXCLUDED.hash`,
          [snapshot.incidentId, snapshot.seq, STATE_VERSION, text, chain, snapshotHash(snapshot.incidentId, snapshot.seq, STATE_VERSION, chain, text)],
        );
        // Two are enough: the newest, and the one before in case the newest is ever found bad.
        await c.query(
          `DELETE FROM ${s}.snapshots WHERE incident_id = $1 AND seq NOT IN (SELECT seq FROM ${s}.snapshots WHERE incident_id = $1 ORDER BY seq DESC LIMIT 2)`,
          [snapshot.incidentId],
        );
      }), txRetries);
    },
    async append(ops) {
      if (ops.length === 0) return;
      // One transaction: lock the heads of the batch's incidents (in a fixed order), check that the
      // batch continues each head, insert the hashed rows, move the heads. A seq at or below a head
      // is another node's: SeqConflictError, as is a unique violation from a racing first op.
      try {
        // Deadlocks and serialization failures roll the whole transaction back: run it again (pgRetry.ts).
        await withTxRetry(() => transaction(async (c) => {
          const groups = groupByIncident(ops);
          const heads = await lockHeads(c, [...groups.keys()].sort());
          const { rows, heads: next } = appendRows(groups, (id) => heads.get(id) ?? null);
          // One statement for both writes: the ops, then the heads they move.
          await c.query(
            `WITH ins AS (
               INSERT INTO ${s}.ops (incident_id, seq, op_id, json, server_time, hash, chain)
               SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::bigint[], $6::text[], $7::text[])
               RETURNING 1
             )
             INSERT INTO ${s}.incident_heads (incident_id, head_seq, chain, hash)
             SELECT * FROM unnest($8::text[], $9::bigint[], $10::text[], $11::text[]) WHERE (SELECT COUNT(*) FROM ins) = $12
             ON CONFLICT (incident_id) DO UPDATE SET head_seq = EXCLUDED.head_seq, chain = EXCLUDED.chain, hash = EXCLUDED.hash`,
            [rows.map((o) => o.incidentId), rows.map((o) => o.seq), rows.map((o) => o.opId), rows.map((o) => o.text), rows.map((o) => o.serverTime), rows.map((o) => o.hash), rows.map((o) => o.chain),
              next.map((h) => h.incidentId), next.map((h) => h.seq), next.map((h) => h.chain), next.map((h) => h.hash), rows.length],
          );
        }), txRetries);
      } catch (e) {
        if (e instanceof pg.DatabaseError && e.code === PG_UNIQUE_VIOLATION) throw conflictOf(e, ops);
        throw e;
      }
    },
    async quarantined() {
      const r = await need().query<QRowPg>(`SELECT kind, incident_id, seq, reason, quarantined_at FROM ${s}.quarantine ORDER BY id`);
      return r.rows.map(toRecord);
    },
    async backup() {
      throw new Error('The PostgreSQL store has no built-in backup: use pg_dump (e.g. `pg_dump --format=custom "$DATABASE_URL" > warroom.dump`) and pg_restore.');
    },
  };
}
