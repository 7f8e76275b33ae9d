/**
 * The PostgreSQL side of the store check: schema version and the in-place upgrade from schema 1,
 * reading rows for server/integrity/checkStore.ts in one REPEATABLE READ view, and applying the
 * findings so that several nodes opening at once move each record exactly once.
 */
import type pg from 'pg';
import { STATE_VERSION } from '../../shared/constants.ts';
import { parseCommittedOp } from '../../shared/ops.ts';
import { canonicalJson } from '../integrity/canonical.ts';
import { genesisChain, headHash, nextChain, opHash, snapshotHash } from '../integrity/chain.ts';
import type { CheckSource, StoreCheck } from '../integrity/checkStore.ts';
import { incidentWarnings, snapshotWarning } from '../integrity/report.ts';
import type { QuarantinedRecord } from './store.ts';

export const PG_SCHEMA_VERSION = 2;
const PAGE_ROWS = 1_000;

export const ddl = (s: string) => `
CREATE TABLE IF NOT EXISTS ${s}.ops (
  incident_id TEXT NOT NULL, seq BIGINT NOT NULL, op_id TEXT NOT NULL UNIQUE, json JSONB NOT NULL,
  server_time BIGINT NOT NULL, hash TEXT, chain TEXT, PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.snapshots (
  incident_id TEXT NOT NULL, seq BIGINT NOT NULL, state_version INTEGER NOT NULL, state JSONB NOT NULL,
  chain TEXT, hash TEXT, PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.incident_heads (incident_id TEXT PRIMARY KEY, head_seq BIGINT NOT NULL, chain TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.quarantine (
  id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, incident_id TEXT, seq BIGINT, reason TEXT NOT NULL, raw TEXT,
  quarantined_at BIGINT NOT NULL, chain TEXT
);
CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

type Q = pg.PoolClient | pg.Pool | pg.Client;

/** The stored schema version: 0 for a new schema; throws a sentence for one this code cannot read. */
export async function pgSchemaVersion(c: Q, s: string, schema: string): Promise<number> {
  const exists = await c.query(`SELECT to_regclass($1) AS t`, [`${schema}.meta`]);
  const raw = exists.rows[0]?.t ? (await c.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`)).rows[0]?.value : undefined;
  if (raw === undefined) {
    const ops = await c.query(`SELECT to_regclass($1) AS t`, [`${schema}.ops`]);
    if (ops.rows[0]?.t && (await c.query(`SELECT 1 FROM ${s}.ops LIMIT 1`)).rowCount) {
      throw new Error(`Schema ${schema} has ops but no schema_version: its meta table was damaged or it was written by something else. Restore a backup (pg_restore).`);
    }
    return 0;
  }
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`Schema ${schema} has an unknown schema_version "${raw}": it was damaged or written by something else. Restore a backup (pg_restore).`);
  if (v > PG_SCHEMA_VERSION) throw new Error(`Schema ${schema} was written by a newer War Room (schema ${v}); this server understands ${PG_SCHEMA_VERSION}. Update the server.`);
  return v;
}

/** Schema 1 → 2 in place (inside the caller's transaction, under the schema lock). */
export async function migratePgV1(c: pg.PoolClient, s: string, now: number): Promise<string> {
  await c.query(`ALTER TABLE ${s}.ops ADD COLUMN IF NOT EXISTS hash TEXT, ADD COLUMN IF NOT EXISTS chain TEXT;
    ALTER TABLE ${s}.snapshots ADD COLUMN IF NOT EXISTS chain TEXT, ADD COLUMN IF NOT EXISTS hash TEXT;
    ALTER TABLE ${s}.quarantine ADD COLUMN IF NOT EXISTS chain TEXT;`);
  await c.query(ddl(s));
  const rows = (await c.query<{ incident_id: string; seq: string; op_id: string; json: unknown }>(`SELECT incident_id, seq, op_id, json FROM ${s}.ops ORDER BY incident_id, seq`)).rows;
  const chainAt = new Map<string, string>();
  let hashed = 0;
  const heads = new Map<string, { seq: number; chain: string }>();
  for (const row of rows) {
    const seq = Number(row.seq);
    const h = heads.get(row.incident_id) ?? { seq: 0, chain: genesisChain(row.incident_id) };
    h.seq = seq;
    heads.set(row.incident_id, h);
    const r = parseCommittedOp(row.json);
    if (!r.ok || r.value.incidentId !== row.incident_id || r.value.seq !== seq || r.value.opId !== row.op_id) {
      await c.query(`WITH moved AS (DELETE FROM ${s}.ops WHERE incident_id = $1 AND seq = $2 RETURNING json::text AS raw)
        INSERT INTO ${s}.quarantine (kind, incident_id, seq, reason, raw, quarantined_at) SELECT 'op', $1, $2, $3, left(raw, 100000), $4 FROM moved`,
      [row.incident_id, seq, r.ok ? 'stored op does not match its row (incident, seq or opId)' : r.message, now]);
      continue;
    }
    const hash = opHash(canonicalJson(r.value));
    h.chain = nextChain(h.chain, hash);
    await c.query(`UPDATE ${s}.ops SET hash = $3, chain = $4 WHERE incident_id = $1 AND seq = $2`, [row.incident_id, seq, hash, h.chain]);
    chainAt.set(`${row.incident_id}\n${seq}`, h.chain);
    hashed++;
  }
  for (const [id, h] of heads) {
    await c.query(`INSERT INTO ${s}.incident_heads (incident_id, head_seq, chain, hash) VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id) DO NOTHING`, [id, h.seq, h.chain, headHash(id, h.seq, h.chain)]);
  }
  for (const snap of (await c.query<{ incident_id: string; seq: string; state_version: number; state: unknown }>(`SELECT incident_id, seq, state_version, state FROM ${s}.snapshots`)).rows) {
    const seq = Number(snap.seq);
    const chain = chainAt.get(`${snap.incident_id}\n${seq}`);
    if (!chain || snap.state_version !== STATE_VERSION) await c.query(`DELETE FROM ${s}.snapshots WHERE incident_id = $1 AND seq = $2`, [snap.incident_id, seq]);
    else await c.query(`UPDATE ${s}.snapshots SET chain = $3, hash = $4 WHERE incident_id = $1 AND seq = $2`, [snap.incident_id, seq, chain, snapshotHash(snap.incident_id, seq, snap.state_version, chain, canonicalJson(snap.state))]);
  }
  return `upgraded schema from 1 to ${PG_SCHEMA_VERSION}: ${hashed} existing op(s) of ${heads.size} incident(s) were hashed and are trusted as of this upgrade (changes made before it cannot be detected)`;
}

/** Reads through one client, which the caller keeps in a REPEATABLE READ transaction. */
export function pgCheckSource(c: Q, s: string): CheckSource {
  return {
    async heads() {
      const r = await c.query<{ incident_id: string; seq: string; chain: unknown; hash: unknown }>(`SELECT incident_id, head_seq AS seq, chain, hash FROM ${s}.incident_heads`);
      return new Map(r.rows.map((x) => [x.incident_id, { seq: Number(x.seq), chain: x.chain, hash: x.hash }]));
    },
    async earlier() {
      const out = new Map<string, Map<number, string | null>>();
      const r = await c.query<{ incident_id: string; seq: string; chain: string | null }>(`SELECT incident_id, seq, chain FROM ${s}.quarantine WHERE kind = 'op' AND incident_id IS NOT NULL AND seq IS NOT NULL`);
      for (const x of r.rows) {
        let m = out.get(x.incident_id);
        if (!m) out.set(x.incident_id, (m = new Map()));
        if (!m.get(Number(x.seq))) m.set(Number(x.seq), x.chain);
      }
      return out;
    },
    async snapshotKeys() {
      return (await c.query<{ incident_id: string; seq: string }>(`SELECT incident_id, seq FROM ${s}.snapshots ORDER BY incident_id, seq`)).rows
        .map((x) => ({ incidentId: x.incident_id, seq: Number(x.seq) }));
    },
    async snapshot(incidentId, seq) {
      const x = (await c.query<{ state_version: number; state: unknown; chain: unknown; hash: unknown }>(`SELECT state_version, state, chain, hash FROM ${s}.snapshots WHERE incident_id = $1 AND seq = $2`, [incidentId, seq])).rows[0];
      return x ? { incidentId, seq, stateVersion: x.state_version, text: canonicalJson(x.state), hash: x.hash, chain: x.chain } : null;
    },
    async *opRows() {
      let after: [string, number] = ['', 0];
      // Keyset pages keep memory flat however long the logs are.
      for (;;) {
        const page = await c.query<{ incident_id: string; seq: string; op_id: string; json: unknown; hash: unknown; chain: unknown }>(
          `SELECT incident_id, seq, op_id, json, hash, chain FROM ${s}.ops WHERE (incident_id, seq) > ($1, $2) ORDER BY incident_id, seq LIMIT $3`,
          [after[0], after[1], PAGE_ROWS],
        );
        for (const x of page.rows) yield { incidentId: x.incident_id, seq: Number(x.seq), opId: x.op_id, text: canonicalJson(x.json), hash: x.hash, chain: x.chain };
        const last = page.rows.at(-1);
        if (!last || page.rows.length < PAGE_ROWS) return;
        after = [last.incident_id, Number(last.seq)];
      }
    },
  };
}

/** Moves one record to quarantine atomically; false when another node moved it first. */
export async function pgQuarantine(c: Q, s: string, kind: 'op' | 'snapshot', incidentId: string, seq: number, reason: string, chain: string | null): Promise<boolean> {
  const table = kind === 'op' ? 'ops' : 'snapshots';
  const col = kind === 'op' ? 'json' : 'state';
  const r = await c.query(
    `WITH moved AS (DELETE FROM ${s}.${table} WHERE incident_id = $1 AND seq = $2 RETURNING ${col}::text AS raw)
     INSERT INTO ${s}.quarantine (kind, incident_id, seq, reason, raw, quarantined_at, chain)
     SELECT $3, $1, $2, $4, left(raw, 100000), $5, $6 FROM moved`,
    [incidentId, seq, kind, reason, Date.now(), chain],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function pgApplyFindings(pool: pg.Pool, s: string, check: StoreCheck): Promise<{ quarantined: QuarantinedRecord[]; warnings: string[] }> {
  const quarantined: QuarantinedRecord[] = [];
  const warnings: string[] = [];
  const moved = (kind: string, incidentId: string, seq: number, reason: string) => quarantined.push({ kind, incidentId, seq, reason, quarantinedAt: Date.now() });
  for (const f of check.incidents) {
    for (const m of f.quarantine) if (await pgQuarantine(pool, s, 'op', f.incidentId, m.seq, m.reason, m.chain)) moved('op', f.incidentId, m.seq, m.reason);
    for (const r of f.chainRepairs) await pool.query(`UPDATE ${s}.ops SET chain = $3 WHERE incident_id = $1 AND seq = $2`, [f.incidentId, r.seq, r.chain]);
    if (f.headRepair) {
      // Kept as a record: ops after the rebuilt head, if any were lost, cannot be detected any more.
      const old = (await pool.query(`SELECT row_to_json(h)::text AS raw FROM ${s}.incident_heads h WHERE incident_id = $1`, [f.incidentId])).rows[0] as { raw: string } | undefined;
      await pool.query(`INSERT INTO ${s}.quarantine (kind, incident_id, seq, reason, raw, quarantined_at) VALUES ('head', $1, NULL, $2, $3, $4)`, [f.incidentId, f.headRepair, old?.raw ?? 'null', Date.now()]);
      quarantined.push({ kind: 'head', incidentId: f.incidentId, seq: null, reason: f.headRepair, quarantinedAt: Date.now() });
      // Only while it is still missing or damaged: another node may have appended since the check.
      await pool.query(
        `INSERT INTO ${s}.incident_heads (incident_id, head_seq, chain, hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (incident_id) DO UPDATE SET head_seq = EXCLUDED.head_seq, chain = EXCLUDED.chain, hash = EXCLUDED.hash
         WHERE ${s}.incident_heads.head_seq <= EXCLUDED.head_seq`,
        [f.incidentId, f.head.seq, f.head.chain, headHash(f.incidentId, f.head.seq, f.head.chain)],
      );
    }
    if (f.holdAll) {
      const reason = `held back: ${f.holdAll}`;
      const r = await pool.query<{ seq: string }>(
        `WITH moved AS (DELETE FROM ${s}.ops WHERE incident_id = $1 RETURNING seq, json::text AS raw)
         INSERT INTO ${s}.quarantine (kind, incident_id, seq, reason, raw, quarantined_at) SELECT 'op', $1, seq, $2, left(raw, 100000), $3 FROM moved RETURNING seq`,
        [f.incidentId, reason, Date.now()],
      );
      for (const x of r.rows) moved('op', f.incidentId, Number(x.seq), reason);
    }
    warnings.push(...incidentWarnings(f));
  }
  for (const sn of check.snapshots) {
    if (sn.action === 'quarantine') {
      if (await pgQuarantine(pool, s, 'snapshot', sn.incidentId, sn.seq, sn.reason, null)) moved('snapshot', sn.incidentId, sn.seq, sn.reason);
    } else {
      await pool.query(`DELETE FROM ${s}.snapshots WHERE incident_id = $1 AND seq = $2`, [sn.incidentId, sn.seq]);
      warnings.push(snapshotWarning(sn));
    }
  }
  return { quarantined, warnings };
}
