/**
 * Every kind of damage to the SQLite data dir the suite tries, as data: a name, what it does to a
 * copy of the pristine dir, and the outcomes it may end in. Shared by sqliteCorruption.test.ts
 * and the figures in docs/RELIABILITY.md.
 */
import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { canonicalJson, sha256Hex } from '../../server/integrity/canonical.ts';
import { headHash, nextChain } from '../../server/integrity/chain.ts';
import { dbOf, prng, type Outcome } from './harness.ts';

export interface DamageCase {
  name: string;
  damage: (dir: string) => void;
  allowed: Outcome[];
  /** For refusals: the sentence must say this. */
  says?: RegExp;
}

function sql(dir: string, fn: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(dbOf(dir));
  try {
    fn(db);
  } finally {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
  }
}

const run = (text: string, ...args: (string | number | null)[]) => (dir: string) => sql(dir, (db) => {
  db.prepare(text).run(...args);
});

/** Byte offsets of every match of `needle` in the file. */
function offsetsOf(buf: Buffer, needle: string): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** Flips `count` bytes (xor with a non-zero byte) in the regions chosen, with a seeded PRNG. */
function flip(where: 'op' | 'snapshot' | 'anywhere', count: number, seed: number) {
  return (dir: string) => {
    const file = dbOf(dir);
    const buf = readFileSync(file);
    const rand = prng(seed);
    // Canonical op JSON starts with its first key; only snapshots hold a "timeline" list.
    const starts = where === 'op' ? offsetsOf(buf, '{"actorId":') : where === 'snapshot' ? offsetsOf(buf, '"timeline":[') : [];
    const span = where === 'op' ? 260 : 900;
    if (where !== 'anywhere' && starts.length === 0) throw new Error(`no ${where} rows found in the file`);
    for (let i = 0; i < count; i++) {
      const at = where === 'anywhere'
        ? Math.floor(rand() * buf.length)
        : Math.min(buf.length - 1, starts[Math.floor(rand() * starts.length)]! + Math.floor(rand() * span));
      buf[at] = buf[at]! ^ (1 + Math.floor(rand() * 255));
    }
    writeFileSync(file, buf);
  };
}

/** Rewrites op `seq` of inc-a with `change`, recomputing its hash (and, when asked, its chain). */
function forge(seq: number, recomputeChain: boolean) {
  return (dir: string) => sql(dir, (db) => {
    const row = db.prepare("SELECT json FROM ops WHERE incident_id = 'inc-a' AND seq = ?").get(seq) as { json: string };
    const op = JSON.parse(row.json) as { payload: { text: string } };
    op.payload.text = 'forged: the root cause was the intern';
    const text = canonicalJson(op);
    const hash = sha256Hex(text);
    const prev = db.prepare("SELECT chain FROM ops WHERE incident_id = 'inc-a' AND seq = ?").get(seq - 1) as { chain: string };
    if (recomputeChain) db.prepare("UPDATE ops SET json = ?, hash = ?, chain = ? WHERE incident_id = 'inc-a' AND seq = ?").run(text, hash, nextChain(prev.chain, hash), seq);
    else db.prepare("UPDATE ops SET json = ?, hash = ? WHERE incident_id = 'inc-a' AND seq = ?").run(text, hash, seq);
  });
}

/** A well-formed op with a correct hash and chain, stored above the head (the head record is left alone). */
function insertBeyondHead(dir: string): void {
  sql(dir, (db) => {
    const last = db.prepare("SELECT json, chain FROM ops WHERE incident_id = 'inc-a' ORDER BY seq DESC LIMIT 1").get() as { json: string; chain: string };
    const op = { ...(JSON.parse(last.json) as Record<string, unknown>), seq: 26, opId: 'b0b0b0b0-0000-4000-8000-000000000026', payload: { entryId: 'forged', kind: 'note', text: 'all clear (forged)' } };
    const text = canonicalJson(op);
    const hash = sha256Hex(text);
    db.prepare("INSERT INTO ops (incident_id, seq, op_id, json, hash, chain) VALUES ('inc-a', 26, ?, ?, ?, ?)").run(op.opId, text, hash, nextChain(last.chain, hash));
  });
}

const FLIPS: DamageCase[] = [];
for (const where of ['op', 'snapshot', 'anywhere'] as const) {
  for (const count of [1, 10, 100]) {
    for (let seed = 1; seed <= 4; seed++) {
      FLIPS.push({ name: `flip ${count} byte(s) in ${where === 'anywhere' ? 'the file' : `${where} rows`} (seed ${seed})`, damage: flip(where, count, seed * 7919 + count), allowed: ['refused', 'quarantined', 'rebuilt', 'repaired', 'loss reported', 'unaffected'] });
    }
  }
}

const Q: Outcome[] = ['quarantined'];
const REFUSED: Outcome[] = ['refused'];

export const CASES: DamageCase[] = [
  ...FLIPS,
  // SQL edits of op rows
  { name: 'op: field removed (actorId)', damage: run("UPDATE ops SET json = json_remove(json, '$.actorId') WHERE incident_id = 'inc-a' AND seq = 7"), allowed: Q },
  { name: 'op: wrong type (payload.text a number)', damage: run("UPDATE ops SET json = json_set(json, '$.payload.text', 42) WHERE incident_id = 'inc-a' AND seq = 8"), allowed: Q },
  { name: 'op: changed text', damage: run("UPDATE ops SET json = replace(json, 'checked shard', 'ignored shard') WHERE incident_id = 'inc-a' AND seq = 12"), allowed: Q },
  { name: 'op: changed actor', damage: run("UPDATE ops SET json = json_set(json, '$.actorId', 'mallory') WHERE incident_id = 'inc-a' AND seq = 13"), allowed: Q },
  { name: 'op: changed seq inside the JSON', damage: run("UPDATE ops SET json = json_set(json, '$.seq', 99) WHERE incident_id = 'inc-a' AND seq = 14"), allowed: Q },
  { name: 'op: text changed, hash recomputed', damage: forge(15, false), allowed: Q },
  { name: 'op: text changed, hash and chain recomputed', damage: forge(15, true), allowed: Q },
  { name: 'op: hash cell damaged', damage: run("UPDATE ops SET hash = 'x' || substr(hash, 2) WHERE incident_id = 'inc-a' AND seq = 16"), allowed: Q },
  { name: 'op: chain cell damaged', damage: run("UPDATE ops SET chain = (CASE WHEN substr(chain, 1, 1) = '0' THEN '1' ELSE '0' END) || substr(chain, 2) WHERE incident_id = 'inc-a' AND seq = 17"), allowed: ['repaired'] },
  { name: 'op: hash and chain set to NULL', damage: run("UPDATE ops SET hash = NULL, chain = NULL WHERE incident_id = 'inc-a' AND seq = 18"), allowed: Q },
  { name: 'op: create op changed (seq 1, snapshots cover it)', damage: run("UPDATE ops SET json = json_set(json, '$.payload.title', 'Nothing happened') WHERE incident_id = 'inc-a' AND seq = 1"), allowed: Q },
  { name: 'op: create op deleted (no snapshot)', damage: run("DELETE FROM ops WHERE incident_id = 'inc-b' AND seq = 1"), allowed: ['loss reported', 'quarantined'] },
  // Deleted, inserted, copied, reordered rows
  { name: 'deleted middle row', damage: run("DELETE FROM ops WHERE incident_id = 'inc-a' AND seq = 9"), allowed: ['loss reported'] },
  { name: 'deleted middle rows (3)', damage: run("DELETE FROM ops WHERE incident_id = 'inc-a' AND seq IN (4, 5, 6)"), allowed: ['loss reported'] },
  { name: 'deleted head row', damage: run("DELETE FROM ops WHERE incident_id = 'inc-a' AND seq = 25"), allowed: ['loss reported'] },
  { name: 'deleted head row and head record', damage: (dir) => sql(dir, (db) => db.exec("DELETE FROM ops WHERE incident_id = 'inc-a' AND seq = 25; DELETE FROM incident_heads WHERE incident_id = 'inc-a'")), allowed: ['quarantined'] },
  { name: 'deleted head record only', damage: run("DELETE FROM incident_heads WHERE incident_id = 'inc-a'"), allowed: ['quarantined'] },
  { name: 'head record edited (seq lowered)', damage: run("UPDATE incident_heads SET head_seq = 20 WHERE incident_id = 'inc-a'"), allowed: ['quarantined'] },
  { name: 'every row of an incident deleted', damage: run("DELETE FROM ops WHERE incident_id = 'inc-b'"), allowed: ['loss reported'] },
  { name: 'inserted row beyond the head (valid hash and chain)', damage: insertBeyondHead, allowed: Q },
  { name: 'inserted garbage row beyond the head', damage: run("INSERT INTO ops (incident_id, seq, op_id, json) VALUES ('inc-a', 40, 'junk-40', '{\"type\":\"incident.resolve\"}')"), allowed: Q },
  { name: 'inserted rows of an incident with no create op', damage: run("INSERT INTO ops (incident_id, seq, op_id, json) SELECT 'ghost', seq, 'ghost-' || seq, replace(json, '\"inc-a\"', '\"ghost\"') FROM ops WHERE incident_id = 'inc-a' AND seq BETWEEN 2 AND 4"), allowed: Q },
  { name: 'row copied to another seq', damage: run("UPDATE ops SET json = (SELECT json FROM ops WHERE incident_id = 'inc-a' AND seq = 5), hash = (SELECT hash FROM ops WHERE incident_id = 'inc-a' AND seq = 5) WHERE incident_id = 'inc-a' AND seq = 11"), allowed: Q },
  { name: 'row copied to another incident', damage: run("UPDATE ops SET json = (SELECT json FROM ops WHERE incident_id = 'inc-a' AND seq = 3), hash = (SELECT hash FROM ops WHERE incident_id = 'inc-a' AND seq = 3), chain = (SELECT chain FROM ops WHERE incident_id = 'inc-a' AND seq = 3) WHERE incident_id = 'inc-b' AND seq = 3"), allowed: Q },
  { name: 'two rows swapped (reordered)', damage: (dir) => sql(dir, (db) => {
    const a = db.prepare("SELECT json, hash, chain FROM ops WHERE incident_id = 'inc-a' AND seq = 21").get() as Record<string, string>;
    const b = db.prepare("SELECT json, hash, chain FROM ops WHERE incident_id = 'inc-a' AND seq = 22").get() as Record<string, string>;
    const set = db.prepare("UPDATE ops SET json = ?, hash = ?, chain = ? WHERE incident_id = 'inc-a' AND seq = ?");
    set.run(b.json!, b.hash!, b.chain!, 21);
    set.run(a.json!, a.hash!, a.chain!, 22);
  }), allowed: Q },
  { name: 'quarantined head op (head op damaged)', damage: run("UPDATE ops SET json = replace(json, 'note 25', 'note 52') WHERE incident_id = 'inc-a' AND seq = 25"), allowed: Q },
  // Snapshots
  { name: 'snapshot: changed title', damage: run("UPDATE snapshots SET json = json_set(json, '$.title', 'Nothing to see') WHERE incident_id = 'inc-a'"), allowed: Q },
  { name: 'snapshot: field removed (timeline)', damage: run("UPDATE snapshots SET json = json_remove(json, '$.timeline') WHERE incident_id = 'inc-a' AND seq = 20"), allowed: Q },
  { name: 'snapshot: wrong type (headSeq a string)', damage: run("UPDATE snapshots SET json = json_set(json, '$.headSeq', 'twenty') WHERE incident_id = 'inc-a' AND seq = 20"), allowed: Q },
  { name: 'snapshot: chain of another seq', damage: run("UPDATE snapshots SET chain = (SELECT chain FROM ops WHERE incident_id = 'inc-a' AND seq = 19) WHERE incident_id = 'inc-a' AND seq = 20"), allowed: Q },
  { name: 'snapshot: moved to another seq', damage: run("UPDATE snapshots SET seq = 24 WHERE incident_id = 'inc-a' AND seq = 20"), allowed: Q },
  { name: 'snapshot: not JSON', damage: run("UPDATE snapshots SET json = '{not json' WHERE incident_id = 'inc-a' AND seq = 20"), allowed: Q },
  { name: 'snapshot: older state version', damage: run("UPDATE snapshots SET state_version = 0 WHERE incident_id = 'inc-a' AND seq = 20"), allowed: ['unaffected', 'rebuilt'] },
  // The file and its schema
  { name: '0-byte database file', damage: (dir) => truncateSync(dbOf(dir), 0), allowed: REFUSED, says: /empty \(0 bytes\).*--init/ },
  { name: 'database file missing (data dir has the marker)', damage: (dir) => rmSync(dbOf(dir)), allowed: REFUSED, says: /is missing.*restore/ },
  { name: 'truncated to half', damage: (dir) => truncateSync(dbOf(dir), Math.floor(statSync(dbOf(dir)).size / 2 / 4096) * 4096), allowed: REFUSED, says: /truncated|damaged/ },
  { name: 'truncated by one byte', damage: (dir) => truncateSync(dbOf(dir), statSync(dbOf(dir)).size - 1), allowed: REFUSED, says: /truncated/ },
  { name: 'truncated to 100 bytes', damage: (dir) => truncateSync(dbOf(dir), 100), allowed: REFUSED, says: /truncated|damaged/ },
  { name: 'not a database (random bytes)', damage: (dir) => writeFileSync(dbOf(dir), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) & 0xff))), allowed: REFUSED, says: /not a SQLite database/ },
  { name: 'garbage WAL beside a clean file', damage: (dir) => writeFileSync(`${dbOf(dir)}-wal`, Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 17 + 3) & 0xff))), allowed: REFUSED, says: /write-ahead log/ },
  { name: 'unknown schema_version (99)', damage: run("UPDATE meta SET value = '99' WHERE key = 'schema_version'"), allowed: REFUSED, says: /newer War Room/ },
  { name: 'unknown schema_version (text)', damage: run("UPDATE meta SET value = 'two' WHERE key = 'schema_version'"), allowed: REFUSED, says: /unknown schema_version/ },
  { name: 'schema_version row deleted', damage: run("DELETE FROM meta WHERE key = 'schema_version'"), allowed: REFUSED, says: /no schema_version/ },
  { name: 'head record hash damaged', damage: (dir) => sql(dir, (db) => {
    const h = db.prepare("SELECT chain FROM incident_heads WHERE incident_id = 'inc-b'").get() as { chain: string };
    db.prepare("UPDATE incident_heads SET hash = ? WHERE incident_id = 'inc-b'").run(headHash('inc-b', 4, h.chain));
  }), allowed: ['quarantined'] },
];

