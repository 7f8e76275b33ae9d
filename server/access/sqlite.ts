/**
 * The access registry in its own SQLite file (`access.db` in the data dir), apart from the
 * incident store: the store's file is validated, backed up and restored as incident data, and the
 * CLI (`warroom token …`) writes here while the server runs. WAL lets both do that safely.
 */
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PREFIX_MIN_CHARS, type AccessRegistry, type IssuedToken } from './registry.ts';

export const ACCESS_FILE = 'access.db';
export const accessFileOf = (dataDir: string) => join(dataDir, ACCESS_FILE);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  jti TEXT PRIMARY KEY, kind TEXT NOT NULL, role TEXT NOT NULL, incident_id TEXT, member_id TEXT,
  parent_jti TEXT, issued_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER, label TEXT
);
CREATE INDEX IF NOT EXISTS tokens_parent ON tokens (parent_jti);
CREATE TABLE IF NOT EXISTS bindings (
  member_id TEXT PRIMARY KEY, session_jti TEXT NOT NULL, invite_jti TEXT, bound_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, jti TEXT NOT NULL, revoked_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS revocations_jti ON revocations (jti);
`;

interface Row {
  jti: string; kind: string; role: string; incident_id: string | null; member_id: string | null; parent_jti: string | null;
  issued_at: number; expires_at: number | null; revoked_at: number | null; label: string | null;
}

export const rowToIssued = (r: Row): IssuedToken => ({
  jti: r.jti, kind: r.kind as IssuedToken['kind'], role: r.role as IssuedToken['role'], incidentId: r.incident_id,
  memberId: r.member_id, parentJti: r.parent_jti, issuedAt: Number(r.issued_at),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at), label: r.label,
});

export function createSqliteAccess(options: { file: string }): AccessRegistry {
  let db: DatabaseSync | null = null;
  const need = () => {
    if (!db) throw new Error('The access registry is not open.');
    return db;
  };
  const tx = <T>(fn: (d: DatabaseSync) => T): T => {
    const d = need();
    d.exec('BEGIN IMMEDIATE');
    try {
      const r = fn(d);
      d.exec('COMMIT');
      return r;
    } catch (e) {
      d.exec('ROLLBACK');
      throw e;
    }
  };
  return {
    kind: 'sqlite',
    async open() {
      mkdirSync(dirname(options.file), { recursive: true });
      const d = new DatabaseSync(options.file);
      d.exec('PRAGMA journal_mode = WAL');
      d.exec('PRAGMA synchronous = FULL');
      d.exec('PRAGMA busy_timeout = 5000');
      d.exec(SCHEMA);
      db = d;
    },
    async close() {
      db?.close();
      db = null;
    },
    async record(t) {
      need().prepare(`INSERT INTO tokens (jti, kind, role, incident_id, member_id, parent_jti, issued_at, expires_at, revoked_at, label)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(t.jti, t.kind, t.role, t.incidentId, t.memberId, t.parentJti, t.issuedAt, t.expiresAt, t.revokedAt, t.label);
    },
    async list() {
      return (need().prepare('SELECT * FROM tokens ORDER BY issued_at DESC, jti').all() as unknown as Row[]).map(rowToIssued);
    },
    async bind(memberId, sessionJti, inviteJti, now, force = false) {
      return tx((d) => {
        const had = d.prepare('SELECT bound_at FROM bindings WHERE member_id = ?').get(memberId) as { bound_at: number } | undefined;
        if (had && !force) return { ok: false as const, boundAt: Number(had.bound_at) };
        if (!had) d.prepare('INSERT INTO bindings (member_id, session_jti, invite_jti, bound_at) VALUES (?, ?, ?, ?)').run(memberId, sessionJti, inviteJti, now);
        return { ok: true as const };
      });
    },
    async revoke(jtiOrPrefix, now) {
      return tx((d) => {
        const exact = d.prepare('SELECT * FROM tokens WHERE jti = ?').all(jtiOrPrefix) as unknown as Row[];
        const rows = exact.length > 0 || jtiOrPrefix.length < PREFIX_MIN_CHARS
          ? exact
          : d.prepare("SELECT * FROM tokens WHERE substr(jti, 1, length(?)) = ? LIMIT 2").all(jtiOrPrefix, jtiOrPrefix) as unknown as Row[];
        if (rows.length === 0) return { error: `no token has the id ${jtiOrPrefix} (see warroom token list)` };
        if (rows.length > 1) return { error: `more than one token id starts with ${jtiOrPrefix}; give more of it` };
        const row = rows[0]!;
        const already = row.revoked_at !== null;
        if (!already) {
          d.prepare('UPDATE tokens SET revoked_at = ? WHERE jti = ?').run(now, row.jti);
          d.prepare('INSERT INTO revocations (jti, revoked_at) VALUES (?, ?)').run(row.jti, now);
        }
        // Sessions redeemed from an invite end with it (the handshake also checks the parent).
        const s = d.prepare('UPDATE tokens SET revoked_at = ? WHERE parent_jti = ? AND revoked_at IS NULL').run(now, row.jti);
        return { jti: row.jti, sessions: Number(s.changes), already };
      });
    },
    async anyRevoked(jtis) {
      if (jtis.length === 0) return false;
      const q = need().prepare(`SELECT 1 FROM revocations WHERE jti IN (${jtis.map(() => '?').join(',')}) LIMIT 1`);
      return q.get(...jtis) !== undefined;
    },
    async revokedSince(cursor) {
      const rows = need().prepare('SELECT id, jti FROM revocations WHERE id > ? ORDER BY id').all(cursor) as { id: number; jti: string }[];
      return { cursor: rows.length > 0 ? Number(rows[rows.length - 1]!.id) : cursor, jtis: rows.map((r) => r.jti) };
    },
  };
}
