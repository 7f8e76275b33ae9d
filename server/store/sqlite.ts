/**
 * The embedded store: one SQLite file through node:sqlite. WAL + synchronous=FULL, so a commit
 * that returned is on disk (an acked op survives kill -9). Every stored record is validated on
 * open; a record that fails moves to the quarantine table instead of crashing the server.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import { parseCommittedOp, type CommittedOp } from '../../shared/ops.ts';
import { SeqConflictError, type QuarantinedRecord, type Snapshot, type Store } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ops (
  incident_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  op_id TEXT NOT NULL UNIQUE,
  json TEXT NOT NULL,
  PRIMARY KEY (incident_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  incident_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state_version INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  incident_id TEXT,
  seq INTEGER,
  reason TEXT NOT NULL,
  raw TEXT,
  quarantined_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** The schema version this code writes; a newer file is refused rather than misread. */
const SCHEMA_VERSION = 1;

const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

interface OpRow { incident_id: string; seq: number; op_id: string; json: string }
interface SnapRow { incident_id: string; seq: number; state_version: number; json: string }
interface QRow { kind: string; incident_id: string | null; seq: number | null; reason: string; quarantined_at: number }

export interface SqliteStoreOptions {
  file: string;
  /** Gaps in an incident's seq chain and similar findings that are not records to move. */
  onWarning?: (message: string) => void;
}

/** Just enough shape to be sure the reducer can fold onto a stored snapshot. */
function snapshotProblem(row: SnapRow): string | null {
  if (row.state_version !== STATE_VERSION) return `state version ${row.state_version}, expected ${STATE_VERSION}`;
  let s: unknown;
  try {
    s = JSON.parse(row.json);
  } catch {
    return 'not JSON';
  }
  if (!s || typeof s !== 'object') return 'not an object';
  const st = s as Record<string, unknown>;
  if (st.id !== row.incident_id) return 'incident id does not match';
  if (typeof st.title !== 'string' || typeof st.severity !== 'string' || typeof st.status !== 'string') return 'missing incident fields';
  if (!Array.isArray(st.timeline)) return 'timeline is not a list';
  for (const k of ['tasks', 'members', 'help', 'roles', 'postmortem']) {
    if (!st[k] || typeof st[k] !== 'object' || Array.isArray(st[k])) return `${k} is not an object`;
  }
  if (typeof st.headSeq !== 'number' || st.headSeq > row.seq) return 'headSeq is inconsistent';
  return null;
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { errcode?: number }).errcode;
  return code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY;
}

export function createSqliteStore(options: SqliteStoreOptions): Store & { readonly file: string } {
  const { file } = options;
  let db: DatabaseSync | null = null;
  const need = (): DatabaseSync => {
    if (!db) throw new Error('The SQLite store is not open.');
    return db;
  };
  // Compiling a statement costs more than running these small queries: keep each one compiled.
  const statements = new Map<string, StatementSync>();
  const q = (sql: string): StatementSync => {
    let st = statements.get(sql);
    if (!st) statements.set(sql, (st = need().prepare(sql)));
    return st;
  };

  function transaction<T>(fn: (d: DatabaseSync) => T): T {
    const d = need();
    d.exec('BEGIN IMMEDIATE');
    try {
      const out = fn(d);
      d.exec('COMMIT');
      return out;
    } catch (e) {
      d.exec('ROLLBACK');
      throw e;
    }
  }

  function validateAll(): { quarantined: QuarantinedRecord[]; warnings: string[] } {
    const d = need();
    const quarantined: QuarantinedRecord[] = [];
    const warnings: string[] = [];
    const now = Date.now();
    const put = d.prepare('INSERT INTO quarantine (kind, incident_id, seq, reason, raw, quarantined_at) VALUES (?, ?, ?, ?, ?, ?)');
    const delOp = d.prepare('DELETE FROM ops WHERE incident_id = ? AND seq = ?');
    const move = (kind: string, incidentId: string | null, seq: number | null, reason: string, raw: string) => {
      put.run(kind, incidentId, seq, reason, raw, now);
      quarantined.push({ kind, incidentId, seq, reason, quarantinedAt: now });
    };
    transaction(() => {
      // Lowest quarantined op seq per incident: snapshots at or after it folded an op clients no longer get.
      const firstBad = new Map<string, number>();
      const expected = new Map<string, number>();
      // Deleting while a SELECT iterates the same table is undefined in SQLite: collect, then move.
      const bad: { row: OpRow; reason: string }[] = [];
      for (const row of d.prepare('SELECT incident_id, seq, op_id, json FROM ops ORDER BY incident_id, seq').iterate() as Iterable<OpRow>) {
        let reason: string | null = null;
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(row.json));
        } catch {
          reason = 'stored op is not JSON';
        }
        if (!reason) {
          const r = parseCommittedOp(parsed);
          if (!r.ok) reason = r.message;
          else if (r.value.incidentId !== row.incident_id || r.value.seq !== row.seq || r.value.opId !== row.op_id) {
            reason = 'stored op does not match its row (incident, seq or opId)';
          }
        }
        const incident = String(row.incident_id);
        if (reason) {
          bad.push({ row, reason });
          if (!firstBad.has(incident)) firstBad.set(incident, Number(row.seq));
          continue;
        }
        const want = (expected.get(incident) ?? 0) + 1;
        if (row.seq !== want) warnings.push(`incident ${incident}: seq ${want}..${Number(row.seq) - 1} missing from the log`);
        expected.set(incident, Number(row.seq));
      }
      for (const { row, reason } of bad) {
        move('op', String(row.incident_id), Number.isInteger(row.seq) ? row.seq : null, reason, String(row.json).slice(0, 100_000));
        delOp.run(row.incident_id, row.seq);
      }
      const dropSnap = d.prepare('DELETE FROM snapshots WHERE incident_id = ? AND seq = ?');
      for (const row of d.prepare('SELECT incident_id, seq, state_version, json FROM snapshots').all() as unknown as SnapRow[]) {
        const problem = snapshotProblem(row);
        const firstBadSeq = firstBad.get(row.incident_id);
        if (problem && row.state_version === STATE_VERSION) move('snapshot', row.incident_id, row.seq, problem, String(row.json).slice(0, 1000));
        else if (problem) warnings.push(`incident ${row.incident_id}: dropped snapshot at seq ${row.seq} (${problem}); state is rebuilt from ops`);
        else if (firstBadSeq !== undefined && row.seq >= firstBadSeq) warnings.push(`incident ${row.incident_id}: dropped snapshot at seq ${row.seq}, it includes quarantined op ${firstBadSeq}`);
        else continue;
        dropSnap.run(row.incident_id, row.seq);
      }
    });
    return { quarantined, warnings };
  }

  return {
    kind: 'sqlite',
    file,
    async open() {
      mkdirSync(dirname(file), { recursive: true });
      const d = new DatabaseSync(file);
      db = d;
      try {
        d.exec('PRAGMA journal_mode = WAL');
        d.exec('PRAGMA synchronous = FULL');
        d.exec('PRAGMA busy_timeout = 5000');
        d.exec(SCHEMA);
        const v = d.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
        if (v && Number(v.value) > SCHEMA_VERSION) {
          throw new Error(`${file} was written by a newer War Room (schema ${v.value}); this server understands ${SCHEMA_VERSION}. Update the server.`);
        }
        d.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
        const { quarantined, warnings } = validateAll();
        for (const w of warnings) options.onWarning?.(w);
        return { quarantined, warnings };
      } catch (e) {
        d.close();
        db = null;
        throw e;
      }
    },
    async close() {
      if (!db) return;
      const d = db;
      db = null;
      statements.clear();
      try {
        d.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        d.close();
      }
    },
    async ping() {
      try {
        return (q('SELECT 1 AS one').get() as { one: number }).one === 1;
      } catch {
        return false;
      }
    },
    async listIncidentIds() {
      return (q('SELECT DISTINCT incident_id FROM ops ORDER BY incident_id').all() as { incident_id: string }[]).map((r) => r.incident_id);
    },
    async headSeq(incidentId) {
      const r = q('SELECT MAX(seq) AS head FROM ops WHERE incident_id = ?').get(incidentId) as { head: number | null };
      return r.head ?? 0;
    },
    async findByOpId(opId) {
      const r = q('SELECT incident_id, seq FROM ops WHERE op_id = ?').get(opId) as { incident_id: string; seq: number } | undefined;
      return r ? { incidentId: r.incident_id, seq: r.seq } : null;
    },
    async readOps(incidentId, afterSeq, limit = 1_000_000) {
      const rows = q('SELECT json FROM ops WHERE incident_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(incidentId, afterSeq, limit) as { json: string }[];
      return rows.map((r) => JSON.parse(r.json) as CommittedOp);
    },
    async latestSnapshot(incidentId, atMostSeq = Number.MAX_SAFE_INTEGER) {
      const r = q('SELECT seq, json FROM snapshots WHERE incident_id = ? AND seq <= ? AND state_version = ? ORDER BY seq DESC LIMIT 1')
        .get(incidentId, atMostSeq, STATE_VERSION) as { seq: number; json: string } | undefined;
      return r ? { incidentId, seq: r.seq, state: JSON.parse(r.json) as IncidentState } : null;
    },
    async saveSnapshot(snapshot: Snapshot) {
      transaction(() => {
        q('INSERT OR REPLACE INTO snapshots (incident_id, seq, state_version, json) VALUES (?, ?, ?, ?)')
          .run(snapshot.incidentId, snapshot.seq, STATE_VERSION, JSON.stringify(snapshot.state));
        // Two are enough: the newest, and the one before in case the newest is ever found bad.
        q('DELETE FROM snapshots WHERE incident_id = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE incident_id = ? ORDER BY seq DESC LIMIT 2)')
          .run(snapshot.incidentId, snapshot.incidentId);
      });
    },
    async append(ops) {
      if (ops.length === 0) return;
      try {
        transaction(() => {
          const ins = q('INSERT INTO ops (incident_id, seq, op_id, json) VALUES (?, ?, ?, ?)');
          for (const op of ops) ins.run(op.incidentId, op.seq, op.opId, JSON.stringify(op));
        });
      } catch (e) {
        if (isUniqueViolation(e)) {
          const first = ops[0]!;
          throw new SeqConflictError(first.incidentId, first.seq);
        }
        throw e;
      }
    },
    async quarantined() {
      const rows = q('SELECT kind, incident_id, seq, reason, quarantined_at FROM quarantine ORDER BY id').all() as unknown as QRow[];
      return rows.map((r) => ({ kind: r.kind, incidentId: r.incident_id, seq: r.seq, reason: r.reason, quarantinedAt: r.quarantined_at }));
    },
    async backup(toFile) {
      mkdirSync(dirname(toFile), { recursive: true });
      rmSync(toFile, { force: true });
      need().prepare('VACUUM INTO ?').run(toFile);
    },
  };
}
