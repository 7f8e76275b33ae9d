/**
 * The access registry in PostgreSQL: its own `access_*` tables in the store's schema and its own
 * small pool, so every node of a cluster sees the same bindings and revocations.
 */
import pg from 'pg';
import { PREFIX_MIN_CHARS, type AccessRegistry } from './registry.ts';
import { rowToIssued } from './sqlite.ts';
import { inTransaction } from '../pgTransaction.ts';

export interface PostgresAccessOptions {
  connectionString: string;
  /** Same schema as the store (default "public"). */
  schema?: string;
  onError?: (err: Error) => void;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const POOL_SIZE = 3;

const ddl = (s: string) => `
CREATE TABLE IF NOT EXISTS ${s}.access_tokens (
  jti TEXT PRIMARY KEY, kind TEXT NOT NULL, role TEXT NOT NULL, incident_id TEXT, member_id TEXT,
  parent_jti TEXT, issued_at BIGINT NOT NULL, expires_at BIGINT, revoked_at BIGINT, label TEXT
);
CREATE INDEX IF NOT EXISTS access_tokens_parent ON ${s}.access_tokens (parent_jti);
CREATE TABLE IF NOT EXISTS ${s}.access_bindings (
  member_id TEXT PRIMARY KEY, session_jti TEXT NOT NULL, invite_jti TEXT, bound_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.access_revocations (
  id BIGSERIAL PRIMARY KEY, jti TEXT NOT NULL, revoked_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_revocations_jti ON ${s}.access_revocations (jti);
`;

export function createPostgresAccess(options: PostgresAccessOptions): AccessRegistry {
  const schema = options.schema ?? 'public';
  if (!IDENTIFIER.test(schema)) throw new Error(`PostgreSQL schema name "${schema}" must be lower-case letters, digits and _.`);
  const s = `"${schema}"`;
  let pool: pg.Pool | null = null;
  const need = () => {
    if (!pool) throw new Error('The access registry is not open.');
    return pool;
  };
  const tx = <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => inTransaction(need(), fn);
  return {
    kind: 'postgres',
    async open() {
      pool = new pg.Pool({ connectionString: options.connectionString, max: POOL_SIZE });
      pool.on('error', (err) => options.onError?.(err));
      await tx(async (c) => {
        // Nodes starting together would race on CREATE … IF NOT EXISTS; serialize them.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['warroom-access', schema]);
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await c.query(ddl(s));
      });
    },
    async close() {
      const p = pool;
      pool = null;
      await p?.end();
    },
    async record(t) {
      await need().query(
        `INSERT INTO ${s}.access_tokens (jti, kind, role, incident_id, member_id, parent_jti, issued_at, expires_at, revoked_at, label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [t.jti, t.kind, t.role, t.incidentId, t.memberId, t.parentJti, t.issuedAt, t.expiresAt, t.revokedAt, t.label],
      );
    },
    async list() {
      const r = await need().query(`SELECT * FROM ${s}.access_tokens ORDER BY issued_at DESC, jti`);
      return r.rows.map(rowToIssued);
    },
    async bind(memberId, sessionJti, inviteJti, now, force = false) {
      // The primary key decides between two nodes binding the same id at once.
      const r = await need().query(
        `INSERT INTO ${s}.access_bindings (member_id, session_jti, invite_jti, bound_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (member_id) DO NOTHING`,
        [memberId, sessionJti, inviteJti, now],
      );
      if ((r.rowCount ?? 0) > 0 || force) return { ok: true };
      const had = await need().query<{ bound_at: string }>(`SELECT bound_at FROM ${s}.access_bindings WHERE member_id = $1`, [memberId]);
      return { ok: false, boundAt: Number(had.rows[0]?.bound_at ?? 0) };
    },
    async revoke(jtiOrPrefix, now) {
      return tx(async (c) => {
        let rows = (await c.query(`SELECT * FROM ${s}.access_tokens WHERE jti = $1 FOR UPDATE`, [jtiOrPrefix])).rows;
        if (rows.length === 0 && jtiOrPrefix.length >= PREFIX_MIN_CHARS) {
          rows = (await c.query(`SELECT * FROM ${s}.access_tokens WHERE left(jti, length($1)) = $1 LIMIT 2 FOR UPDATE`, [jtiOrPrefix])).rows;
        }
        if (rows.length === 0) return { error: `no token has the id ${jtiOrPrefix} (see warroom token list)` };
        if (rows.length > 1) return { error: `more than one token id starts with ${jtiOrPrefix}; give more of it` };
        const row = rowToIssued(rows[0]);
        const already = row.revokedAt !== null;
        if (!already) {
          await c.query(`UPDATE ${s}.access_tokens SET revoked_at = $1 WHERE jti = $2`, [now, row.jti]);
          await c.query(`INSERT INTO ${s}.access_revocations (jti, revoked_at) VALUES ($1, $2)`, [row.jti, now]);
        }
        const sessions = await c.query(`UPDATE ${s}.access_tokens SET revoked_at = $1 WHERE parent_jti = $2 AND revoked_at IS NULL`, [now, row.jti]);
        return { jti: row.jti, sessions: sessions.rowCount ?? 0, already };
      });
    },
    async anyRevoked(jtis) {
      if (jtis.length === 0) return false;
      const r = await need().query(`SELECT 1 FROM ${s}.access_revocations WHERE jti = ANY($1::text[]) LIMIT 1`, [jtis]);
      return r.rows.length > 0;
    },
    async revokedSince(cursor) {
      const r = await need().query<{ id: string; jti: string }>(`SELECT id, jti FROM ${s}.access_revocations WHERE id > $1 ORDER BY id`, [cursor]);
      return { cursor: r.rows.length > 0 ? Number(r.rows[r.rows.length - 1]!.id) : cursor, jtis: r.rows.map((x) => x.jti) };
    },
  };
}
