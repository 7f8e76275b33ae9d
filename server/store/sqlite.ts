/**
 * The embedded store: one SQLite file through node:sqlite. WAL + synchronous=FULL, so a commit
 * that returned is on disk (an acked op survives kill -9). Every op row and snapshot carries a
 * SHA-256 check and each incident's rows a hash chain (server/integrity/chain.ts); the whole file
 * is checked on open and every row again when it is read, and a row that fails moves to the
 * quarantine table instead of reaching a client. A file that cannot be a whole database is refused.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { appendRows, groupByIncident } from '../integrity/appendRows.ts';
import { canonicalJson } from '../integrity/canonical.ts';
import { headHash, snapshotHash } from '../integrity/chain.ts';
import { checkOpRow } from '../integrity/checkOp.ts';
import { checkSnapshotRow } from '../integrity/checkSnapshot.ts';
import { checkStore } from '../integrity/checkStore.ts';
import { missingCount, type VerifyReport } from '../integrity/report.ts';
import { mainFileProblem, walProblem } from '../integrity/sqliteFile.ts';
import { applyFindings, sqliteCheckSource, type OpRow, type StrayRow } from './sqliteCheck.ts';
import { migrateV1, SCHEMA_V2, SQLITE_SCHEMA_VERSION, storedSchemaVersion } from './sqliteSchema.ts';
import { SeqConflictError, type QuarantinedRecord, type Snapshot, type Store } from './store.ts';

const SQLITE_CONSTRAINT_UNIQUE = 2067;
const FILE_CHECK_RETRIES = 2;
const FILE_CHECK_RETRY_MS = 100;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

interface QRow { kind: string; incident_id: string | null; seq: number | null; reason: string; quarantined_at: number }
interface SnapRow { seq: number; state_version: number; json: unknown; chain: unknown; hash: unknown }

export interface SqliteStoreOptions {
  file: string;
  /** Findings that are not records to move (a hole in a seq chain, a repaired head), and read-time quarantines. */
  onWarning?: (message: string) => void;
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { errcode?: number }).errcode;
  return code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY;
}

const damaged = (file: string, e: unknown) => new Error(
  `${file} is damaged (SQLite: ${(e as Error).message}). Restore a backup (\`warroom restore <file>\`); \`warroom verify\` reports what is readable.`,
  { cause: e },
);

/** Opens the file read-only and checks it without changing anything (`warroom verify`). */
export async function checkSqliteFile(file: string): Promise<VerifyReport> {
  const problem = mainFileProblem(file) ?? walProblem(file);
  if (problem) throw new Error(problem);
  let d: DatabaseSync;
  try {
    d = new DatabaseSync(file, { readOnly: true });
  } catch (e) {
    throw damaged(file, e);
  }
  try {
    let version: number;
    try {
      const quick = d.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
      if (quick[0]?.quick_check !== 'ok') throw new Error(quick.slice(0, 3).map((r) => r.quick_check).join('; '));
      version = storedSchemaVersion(d, file);
    } catch (e) {
      throw (e as Error).message.startsWith(file) ? e : damaged(file, e);
    }
    if (version < SQLITE_SCHEMA_VERSION) throw new Error(`${file} has schema ${version} (no integrity hashes yet); start the server once to upgrade it, then verify.`);
    d.exec('BEGIN'); // one consistent view while a server may be writing
    const strays: StrayRow[] = [];
    const check = await checkStore(sqliteCheckSource(d, strays));
    const rows = d.prepare('SELECT kind, incident_id, seq, reason, quarantined_at FROM quarantine ORDER BY id').all() as unknown as QRow[];
    d.exec('COMMIT');
    return { where: file, check, quarantined: rows.map(toRecord), strays: strays.length };
  } finally {
    d.close();
  }
}

const toRecord = (r: QRow): QuarantinedRecord => ({ kind: r.kind, incidentId: r.incident_id, seq: r.seq, reason: r.reason, quarantinedAt: r.quarantined_at });

export function createSqliteStore(options: SqliteStoreOptions): Store & { readonly file: string } {
  const { file } = options;
  const warn = (m: string) => options.onWarning?.(m);
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

  /** A row that failed on read: moved aside at once so no later read serves it. */
  function quarantineOnRead(kind: 'op' | 'snapshot', incidentId: string, seq: number, reason: string, raw: unknown): void {
    transaction(() => {
      q('INSERT INTO quarantine (kind, incident_id, seq, reason, raw, quarantined_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(kind, incidentId, seq, reason, String(raw).slice(0, 100_000), Date.now());
      q(`DELETE FROM ${kind === 'op' ? 'ops' : 'snapshots'} WHERE incident_id = ? AND seq = ?`).run(incidentId, seq);
    });
    warn(`incident ${incidentId}: ${kind} at seq ${seq} failed its check when read and was quarantined (${reason})`);
  }

  function headOf(incidentId: string) {
    const h = q('SELECT head_seq AS seq, chain, hash FROM incident_heads WHERE incident_id = ?').get(incidentId) as { seq: unknown; chain: unknown; hash: unknown } | undefined;
    if (h) return h;
    // No head record: continue from the highest row (the open check reports and repairs it).
    const top = q('SELECT seq, chain FROM ops WHERE incident_id = ? ORDER BY seq DESC LIMIT 1').get(incidentId) as { seq: number; chain: string } | undefined;
    return top ? { seq: top.seq, chain: top.chain, hash: headHash(incidentId, top.seq, top.chain) } : null;
  }

  function headSeqOf(incidentId: string): number {
    const h = headOf(incidentId);
    return h && Number.isSafeInteger(h.seq) ? (h.seq as number) : 0;
  }

  return {
    kind: 'sqlite',
    file,
    async open() {
      let problem = mainFileProblem(file) ?? walProblem(file);
      // Another server on the same file may be mid-checkpoint or mid-write: a damage that goes away was not one.
      for (let retry = 0; problem && retry < FILE_CHECK_RETRIES; retry++) {
        await new Promise((r) => setTimeout(r, FILE_CHECK_RETRY_MS));
        problem = mainFileProblem(file) ?? walProblem(file);
      }
      if (problem) throw new Error(problem);
      mkdirSync(dirname(file), { recursive: true });
      let d: DatabaseSync;
      try {
        d = new DatabaseSync(file);
      } catch (e) {
        throw damaged(file, e);
      }
      db = d;
      try {
        const notes: string[] = [];
        try {
          d.exec('PRAGMA journal_mode = WAL');
          d.exec('PRAGMA synchronous = FULL');
          d.exec('PRAGMA busy_timeout = 5000');
          const quick = d.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
          if (quick[0]?.quick_check !== 'ok') throw new Error(quick.slice(0, 3).map((r) => r.quick_check).join('; '));
        } catch (e) {
          throw damaged(file, e);
        }
        const version = storedSchemaVersion(d, file);
        transaction(() => {
          if (version === 1) notes.push(...migrateV1(d, Date.now()));
          d.exec(SCHEMA_V2);
          d.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SQLITE_SCHEMA_VERSION));
        });
        const strays: StrayRow[] = [];
        const check = await checkStore(sqliteCheckSource(d, strays));
        const { quarantined, warnings } = transaction(() => applyFindings(d, check, strays, Date.now()));
        warnings.unshift(...notes);
        for (const w of warnings) warn(w);
        return { quarantined, warnings, missingOps: check.incidents.reduce((n, f) => n + missingCount(f), 0) };
      } catch (e) {
        statements.clear();
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
      return headSeqOf(incidentId);
    },
    async findByOpId(opId) {
      const r = q('SELECT incident_id, seq FROM ops WHERE op_id = ?').get(opId) as { incident_id: string; seq: number } | undefined;
      return r ? { incidentId: r.incident_id, seq: r.seq } : null;
    },
    async readOps(incidentId, afterSeq, limit = 1_000_000) {
      const out: CommittedOp[] = [];
      // A row that fails is dropped; read on so a short page still means "no more" to the caller.
      for (let after = afterSeq, want = limit; want > 0;) {
        // Rows above the recorded head were never given by the server: never served.
        const rows = q(`SELECT incident_id, seq, op_id, json, hash, chain FROM ops WHERE incident_id = ? AND seq > ?
          AND seq <= COALESCE((SELECT head_seq FROM incident_heads WHERE incident_id = ?), 0) ORDER BY seq LIMIT ?`)
          .all(incidentId, after, incidentId, want) as unknown as OpRow[];
        let dropped = 0;
        for (const row of rows) {
          const seq = Number(row.seq);
          const r = checkOpRow({ incidentId, seq, opId: row.op_id, text: typeof row.json === 'string' ? row.json : null, hash: row.hash, chain: row.chain }, false);
          if (r.ok) out.push(r.op);
          else {
            quarantineOnRead('op', incidentId, seq, r.reason, row.json);
            dropped++;
          }
        }
        if (dropped === 0 || rows.length < want) break;
        after = Number(rows.at(-1)!.seq);
        want = dropped;
      }
      return out;
    },
    async latestSnapshot(incidentId, atMostSeq = Number.MAX_SAFE_INTEGER) {
      const rows = q('SELECT seq, state_version, json, chain, hash FROM snapshots WHERE incident_id = ? AND seq <= ? AND state_version = ? ORDER BY seq DESC')
        .all(incidentId, atMostSeq, STATE_VERSION) as unknown as SnapRow[];
      const head = headSeqOf(incidentId);
      for (const row of rows) {
        // The log's chain at the snapshot's seq: the op's, or the proven one kept when that op was quarantined.
        const op = row.seq <= head
          ? q(`SELECT COALESCE((SELECT chain FROM ops WHERE incident_id = ?1 AND seq = ?2),
              (SELECT chain FROM quarantine WHERE kind = 'op' AND incident_id = ?1 AND seq = ?2 AND chain IS NOT NULL ORDER BY id LIMIT 1)) AS chain`)
            .get(incidentId, row.seq) as { chain: unknown } | undefined
          : undefined;
        const r = checkSnapshotRow(
          { incidentId, seq: row.seq, stateVersion: row.state_version, text: typeof row.json === 'string' ? row.json : null, hash: row.hash, chain: row.chain },
          typeof op?.chain === 'string' ? op.chain : undefined,
        );
        if (r.ok) return { incidentId, seq: row.seq, state: r.state };
        if (r.action === 'quarantine') quarantineOnRead('snapshot', incidentId, row.seq, r.reason, row.json);
        else {
          q('DELETE FROM snapshots WHERE incident_id = ? AND seq = ?').run(incidentId, row.seq);
          warn(`incident ${incidentId}: dropped snapshot at seq ${row.seq} (${r.reason}); state is rebuilt from the log`);
        }
      }
      return null;
    },
    async saveSnapshot(snapshot: Snapshot) {
      transaction(() => {
        const op = q('SELECT chain FROM ops WHERE incident_id = ? AND seq = ?').get(snapshot.incidentId, snapshot.seq) as { chain: string | null } | undefined;
        // With no op at its seq the snapshot can never agree with the log; '' marks it so (never served).
        const chain = op?.chain ?? '';
        const text = canonicalJson(snapshot.state);
        q('INSERT OR REPLACE INTO snapshots (incident_id, seq, state_version, json, chain, hash) VALUES (?, ?, ?, ?, ?, ?)')
          .run(snapshot.incidentId, snapshot.seq, STATE_VERSION, text, chain, snapshotHash(snapshot.incidentId, snapshot.seq, STATE_VERSION, chain, text));
        // Two are enough: the newest, and the one before in case the newest is ever found bad.
        q('DELETE FROM snapshots WHERE incident_id = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE incident_id = ? ORDER BY seq DESC LIMIT 2)')
          .run(snapshot.incidentId, snapshot.incidentId);
      });
    },
    async append(ops) {
      if (ops.length === 0) return;
      try {
        transaction(() => {
          const { rows, heads } = appendRows(groupByIncident(ops), headOf);
          const ins = q('INSERT INTO ops (incident_id, seq, op_id, json, hash, chain) VALUES (?, ?, ?, ?, ?, ?)');
          for (const r of rows) ins.run(r.incidentId, r.seq, r.opId, r.text, r.hash, r.chain);
          const up = q('INSERT OR REPLACE INTO incident_heads (incident_id, head_seq, chain, hash) VALUES (?, ?, ?, ?)');
          for (const h of heads) up.run(h.incidentId, h.seq, h.chain, h.hash);
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
      return (q('SELECT kind, incident_id, seq, reason, quarantined_at FROM quarantine ORDER BY id').all() as unknown as QRow[]).map(toRecord);
    },
    async backup(toFile) {
      mkdirSync(dirname(toFile), { recursive: true });
      rmSync(toFile, { force: true });
      need().prepare('VACUUM INTO ?').run(toFile);
    },
  };
}
