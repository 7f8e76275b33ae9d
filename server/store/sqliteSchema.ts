/**
 * The SQLite schema, its version check, and the in-place upgrade from schema 1 (no integrity
 * columns) to 2: every row that still validates is re-serialized canonically, hashed and chained,
 * and from then on trusted; rows that fail are quarantined as before.
 */
import type { DatabaseSync } from 'node:sqlite';
import { STATE_VERSION } from '../../shared/constants.ts';
import { parseCommittedOp } from '../../shared/ops.ts';
import { canonicalJson } from '../integrity/canonical.ts';
import { genesisChain, headHash, nextChain, opHash, snapshotHash } from '../integrity/chain.ts';

/** The schema version this code writes; any other is refused rather than misread. */
export const SQLITE_SCHEMA_VERSION = 2;

export const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS ops (
  incident_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  op_id TEXT NOT NULL UNIQUE,
  json TEXT NOT NULL,
  hash TEXT,
  chain TEXT,
  PRIMARY KEY (incident_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  incident_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state_version INTEGER NOT NULL,
  json TEXT NOT NULL,
  chain TEXT,
  hash TEXT,
  PRIMARY KEY (incident_id, seq)
);
CREATE TABLE IF NOT EXISTS incident_heads (
  incident_id TEXT PRIMARY KEY,
  head_seq INTEGER NOT NULL,
  chain TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  incident_id TEXT,
  seq INTEGER,
  reason TEXT NOT NULL,
  raw TEXT,
  quarantined_at INTEGER NOT NULL,
  chain TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const tableExists = (d: DatabaseSync, name: string) =>
  d.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** The stored schema version: 0 for a new file; throws a sentence for one this code cannot read. */
export function storedSchemaVersion(d: DatabaseSync, file: string): number {
  const hasMeta = tableExists(d, 'meta');
  const raw = hasMeta ? (d.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: unknown } | undefined)?.value : undefined;
  if (raw === undefined) {
    const tables = (d.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() as { n: number }).n;
    if (tables === 0) return 0;
    throw new Error(`${file} has tables but no schema_version: it is not a War Room database, or its meta table was damaged. Restore a backup.`);
  }
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${file} has an unknown schema_version "${String(raw)}": it was damaged or written by something else. Restore a backup.`);
  if (v > SQLITE_SCHEMA_VERSION) {
    throw new Error(`${file} was written by a newer War Room (schema ${v}); this server understands ${SQLITE_SCHEMA_VERSION}. Update the server.`);
  }
  return v;
}

interface V1Op { incident_id: string; seq: number; op_id: string; json: string }

/** Upgrades schema 1 in place (call inside a transaction); returns what it did, in sentences. */
export function migrateV1(d: DatabaseSync, now: number): string[] {
  d.exec(`ALTER TABLE ops ADD COLUMN hash TEXT; ALTER TABLE ops ADD COLUMN chain TEXT;
    ALTER TABLE snapshots ADD COLUMN chain TEXT; ALTER TABLE snapshots ADD COLUMN hash TEXT;
    ALTER TABLE quarantine ADD COLUMN chain TEXT;`);
  d.exec(SCHEMA_V2);
  const put = d.prepare('INSERT INTO quarantine (kind, incident_id, seq, reason, raw, quarantined_at) VALUES (?, ?, ?, ?, ?, ?)');
  const del = d.prepare('DELETE FROM ops WHERE incident_id = ? AND seq = ?');
  const upd = d.prepare('UPDATE ops SET json = ?, hash = ?, chain = ? WHERE incident_id = ? AND seq = ?');
  const head = d.prepare('INSERT OR REPLACE INTO incident_heads (incident_id, head_seq, chain, hash) VALUES (?, ?, ?, ?)');
  const rows = d.prepare('SELECT incident_id, seq, op_id, json FROM ops ORDER BY incident_id, seq').all() as unknown as V1Op[];
  const chainAt = new Map<string, string>();
  let hashed = 0;
  let last = null as { id: string; seq: number; chain: string } | null;
  const closeHead = () => {
    if (last) head.run(last.id, last.seq, last.chain, headHash(last.id, last.seq, last.chain));
  };
  for (const row of rows) {
    if (last?.id !== row.incident_id) {
      closeHead();
      last = { id: row.incident_id, seq: 0, chain: genesisChain(row.incident_id) };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(row.json));
    } catch {
      parsed = undefined;
    }
    const r = parseCommittedOp(parsed);
    const fits = r.ok && r.value.incidentId === row.incident_id && r.value.seq === row.seq && r.value.opId === row.op_id;
    // The seq stays taken either way: the head covers it.
    last.seq = Number(row.seq);
    if (!fits) {
      put.run('op', row.incident_id, row.seq, r.ok ? 'stored op does not match its row (incident, seq or opId)' : r.message, String(row.json).slice(0, 100_000), now);
      del.run(row.incident_id, row.seq);
      continue;
    }
    const text = canonicalJson(r.value);
    const hash = opHash(text);
    last.chain = nextChain(last.chain, hash);
    upd.run(text, hash, last.chain, row.incident_id, row.seq);
    chainAt.set(`${row.incident_id}\n${row.seq}`, last.chain);
    hashed++;
  }
  closeHead();
  // Snapshots are derived: re-hash those whose op survived, drop the rest (the state is rebuilt from the log).
  const snaps = d.prepare('SELECT incident_id, seq, state_version, json FROM snapshots').all() as { incident_id: string; seq: number; state_version: number; json: string }[];
  const setSnap = d.prepare('UPDATE snapshots SET json = ?, chain = ?, hash = ? WHERE incident_id = ? AND seq = ?');
  const dropSnap = d.prepare('DELETE FROM snapshots WHERE incident_id = ? AND seq = ?');
  for (const s of snaps) {
    const chain = chainAt.get(`${s.incident_id}\n${s.seq}`);
    let text: string | null;
    try {
      text = canonicalJson(JSON.parse(String(s.json)));
    } catch {
      text = null;
    }
    if (!chain || text === null || s.state_version !== STATE_VERSION) dropSnap.run(s.incident_id, s.seq);
    else setSnap.run(text, chain, snapshotHash(s.incident_id, s.seq, s.state_version, chain, text), s.incident_id, s.seq);
  }
  const incidents = new Set(rows.map((r) => r.incident_id)).size;
  return [`upgraded the database from schema 1 to ${SQLITE_SCHEMA_VERSION}: ${hashed} existing op(s) of ${incidents} incident(s) were hashed and are trusted as of this upgrade (changes made before it cannot be detected)`];
}
