// The PostgreSQL cases of stored-data damage (SQL edits, deleted / inserted / copied rows, a
// quarantined head, snapshots, heads, schema versions, the upgrade from schema 1), each in its own
// schema on the shared server: a real War Room server on the damaged schema and a real client.
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../server/integrity/canonical.ts';
import { nextChain } from '../../server/integrity/chain.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { replay } from '../../shared/reducer.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, sql, uniqueName } from '../scaleout/services.ts';
import { makeOps } from '../scaleout/storeContract.ts';
import { call, connect, op, removeDir, startServer, tempDir } from '../server/helpers.ts';
import { buildPristine, judge, LIMITS, SECRET, type Outcome, type Truth, type Verdict } from './harness.ts';

const available = await postgresAvailable();
const schemas: string[] = [];
const dirs: string[] = [];
const results: { name: string; verdict: Verdict }[] = [];

afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
  for (const d of dirs) removeDir(d);
  if (results.length) {
    const rows = results.map((r) => `${r.verdict.outcome.padEnd(13)} lost ${String(r.verdict.lost).padStart(2)} wrong ${r.verdict.wrong} silent ${r.verdict.silentLoss}  ${r.name}`);
    console.log(`PostgreSQL corruption cases: ${results.length}; silently wrong ${results.reduce((n, r) => n + r.verdict.wrong, 0)}; silent loss ${results.reduce((n, r) => n + r.verdict.silentLoss, 0)}\n${rows.join('\n')}`);
  }
});

const storeOn = (schema: string) => createPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 3 });
/** A PostgreSQL node: its store and its access registry (tokens, bindings) in the same schema. */
const nodeOn = (schema: string) => ({ store: storeOn(schema), access: createPostgresAccess({ connectionString: DATABASE_URL, schema }) });

let pristine: { schema: string; truth: Truth } | null = null;
const TABLES = ['ops', 'snapshots', 'incident_heads', 'quarantine', 'meta'];

/** A fresh schema holding a copy of the pristine one (written once by a real server). */
async function fixture() {
  if (!pristine) {
    const schema = uniqueName('wr_integrity_pristine');
    schemas.push(schema);
    const built = await buildPristine(nodeOn(schema));
    dirs.push(built.dir);
    pristine = { schema, truth: built.truth };
  }
  const schema = uniqueName('wr_integrity');
  schemas.push(schema);
  const s = `"${schema}"`;
  await sql(`CREATE SCHEMA ${s}; ${TABLES.map((t) => `CREATE TABLE ${s}.${t} (LIKE "${pristine!.schema}".${t} INCLUDING ALL); INSERT INTO ${s}.${t} SELECT * FROM "${pristine!.schema}".${t};`).join(' ')}`);
  const dir = tempDir();
  dirs.push(dir);
  return { schema, s, dir, truth: pristine.truth };
}

async function forgeRow(s: string, seq: number, recomputeChain: boolean): Promise<void> {
  const [row] = await sql<{ json: { payload: { text: string } } }>(`SELECT json FROM ${s}.ops WHERE incident_id = 'inc-a' AND seq = $1`, [seq]);
  const [prev] = await sql<{ chain: string }>(`SELECT chain FROM ${s}.ops WHERE incident_id = 'inc-a' AND seq = $1`, [seq - 1]);
  const forged = { ...row!.json, payload: { ...row!.json.payload, text: 'forged in SQL' } };
  const hash = sha256Hex(canonicalJson(forged));
  await sql(`UPDATE ${s}.ops SET json = $2::jsonb, hash = $3${recomputeChain ? ', chain = $4' : ''} WHERE incident_id = 'inc-a' AND seq = $1`,
    recomputeChain ? [seq, JSON.stringify(forged), hash, nextChain(prev!.chain, hash)] : [seq, JSON.stringify(forged), hash]);
}

const CASES: { name: string; damage: (s: string) => Promise<unknown>; allowed: Outcome[]; says?: RegExp }[] = [
  { name: 'op: changed text (jsonb_set)', damage: (s) => sql(`UPDATE ${s}.ops SET json = jsonb_set(json, '{payload,text}', '"nothing happened"') WHERE incident_id = 'inc-a' AND seq = 12`), allowed: ['quarantined'] },
  { name: 'op: changed actor', damage: (s) => sql(`UPDATE ${s}.ops SET json = jsonb_set(json, '{actorId}', '"mallory"') WHERE incident_id = 'inc-a' AND seq = 13`), allowed: ['quarantined'] },
  { name: 'op: field removed', damage: (s) => sql(`UPDATE ${s}.ops SET json = json - 'clientTime' WHERE incident_id = 'inc-a' AND seq = 14`), allowed: ['quarantined'] },
  { name: 'op: wrong type', damage: (s) => sql(`UPDATE ${s}.ops SET json = jsonb_set(json, '{seq}', '"7"') WHERE incident_id = 'inc-a' AND seq = 7`), allowed: ['quarantined'] },
  { name: 'op: text changed, hash recomputed', damage: (s) => forgeRow(s, 15, false), allowed: ['quarantined'] },
  { name: 'op: text changed, hash and chain recomputed', damage: (s) => forgeRow(s, 15, true), allowed: ['quarantined'] },
  { name: 'deleted middle row', damage: (s) => sql(`DELETE FROM ${s}.ops WHERE incident_id = 'inc-a' AND seq = 9`), allowed: ['loss reported'] },
  { name: 'deleted head row', damage: (s) => sql(`DELETE FROM ${s}.ops WHERE incident_id = 'inc-a' AND seq = 25`), allowed: ['loss reported'] },
  { name: 'deleted head record', damage: (s) => sql(`DELETE FROM ${s}.incident_heads WHERE incident_id = 'inc-b'`), allowed: ['quarantined'] },
  { name: 'inserted row beyond the head', damage: (s) => sql(`INSERT INTO ${s}.ops (incident_id, seq, op_id, json, server_time, hash, chain)
      SELECT incident_id, 26, 'beyond-26', jsonb_set(jsonb_set(json, '{seq}', '26'), '{opId}', '"beyond-26"'), server_time, hash, chain FROM ${s}.ops WHERE incident_id = 'inc-a' AND seq = 25`), allowed: ['quarantined'] },
  { name: 'row copied to another seq', damage: (s) => sql(`UPDATE ${s}.ops o SET json = c.json, hash = c.hash, chain = c.chain FROM ${s}.ops c
      WHERE o.incident_id = 'inc-a' AND o.seq = 11 AND c.incident_id = 'inc-a' AND c.seq = 5`), allowed: ['quarantined'] },
  { name: 'quarantined head op', damage: (s) => sql(`UPDATE ${s}.ops SET json = jsonb_set(json, '{payload,text}', '"edited"') WHERE incident_id = 'inc-a' AND seq = 25`), allowed: ['quarantined'] },
  { name: 'snapshot: changed title', damage: (s) => sql(`UPDATE ${s}.snapshots SET state = jsonb_set(state, '{title}', '"Nothing to see"') WHERE incident_id = 'inc-a'`), allowed: ['quarantined'] },
  { name: 'snapshot: moved to another seq', damage: (s) => sql(`UPDATE ${s}.snapshots SET seq = 23 WHERE incident_id = 'inc-a' AND seq = 20`), allowed: ['quarantined'] },
  { name: 'unknown schema_version', damage: (s) => sql(`UPDATE ${s}.meta SET value = '7' WHERE key = 'schema_version'`), allowed: ['refused'], says: /newer War Room \(schema 7\)/ },
  { name: 'schema_version not a number', damage: (s) => sql(`UPDATE ${s}.meta SET value = 'v2' WHERE key = 'schema_version'`), allowed: ['refused'], says: /unknown schema_version "v2"/ },
];

describe.skipIf(!available)('PostgreSQL: damage is refused or quarantined, never served wrong or lost silently', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const f = await fixture();
    await c.damage(f.s);
    const verdict = await judge(f.dir, f.truth, nodeOn(f.schema), DATABASE_URL);
    results.push({ name: c.name, verdict });
    expect(verdict.wrong, verdict.message).toBe(0);
    expect(verdict.silentLoss).toBe(0);
    expect(c.allowed, `outcome ${verdict.outcome}: ${verdict.message}`).toContain(verdict.outcome);
    if (c.says) expect(verdict.message).toMatch(c.says);
    if (verdict.lost > 0 || verdict.quarantined > 0) expect(verdict.verifyExit).toBe(1);
  }, 60_000);

  it('a quarantined head op keeps its seq taken: the next op gets head + 1', async () => {
    const f = await fixture();
    await sql(`UPDATE ${f.s}.ops SET json = jsonb_set(json, '{payload,text}', '"edited"') WHERE incident_id = 'inc-a' AND seq = 25`);
    const server = await startServer(f.dir, { secret: SECRET, limits: LIMITS }, nodeOn(f.schema));
    try {
      const lead = await connect(server.url, { token: server.createSession('lia', 'lead'), clientId: 'lia' });
      await call(lead, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
      expect(await call(lead, 'op:submit', op('timeline.add', 'inc-a', 'lia', { entryId: 'next', kind: 'note', text: 'next' }))).toMatchObject({ ok: true, seq: 26 });
      lead.close();
      expect((await server.store.readOps('inc-a', 20)).map((o) => o.seq)).toEqual([21, 22, 23, 24, 26]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('upgrades a schema-1 database in place and says so', async () => {
    const schema = uniqueName('wr_integrity_v1');
    schemas.push(schema);
    const s = `"${schema}"`;
    await sql(`CREATE SCHEMA ${s};
      CREATE TABLE ${s}.ops (incident_id TEXT NOT NULL, seq BIGINT NOT NULL, op_id TEXT NOT NULL UNIQUE, json JSONB NOT NULL, server_time BIGINT NOT NULL, PRIMARY KEY (incident_id, seq));
      CREATE TABLE ${s}.snapshots (incident_id TEXT NOT NULL, seq BIGINT NOT NULL, state_version INTEGER NOT NULL, state JSONB NOT NULL, PRIMARY KEY (incident_id, seq));
      CREATE TABLE ${s}.quarantine (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, incident_id TEXT, seq BIGINT, reason TEXT NOT NULL, raw TEXT, quarantined_at BIGINT NOT NULL);
      CREATE TABLE ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO ${s}.meta VALUES ('schema_version', '1');`);
    const ops: CommittedOp[] = makeOps('pg-old', 1, 6);
    for (const o of ops) await sql(`INSERT INTO ${s}.ops VALUES ($1, $2, $3, $4::jsonb, $5)`, [o.incidentId, o.seq, o.opId, JSON.stringify(o), o.serverTime]);
    const folded = replay(ops.slice(0, 3));
    await sql(`INSERT INTO ${s}.snapshots VALUES ('pg-old', 3, $1, $2::jsonb)`, [STATE_VERSION, JSON.stringify(folded.ok && folded.state)]);
    const store = storeOn(schema);
    const report = await store.open();
    try {
      expect(report.warnings?.[0]).toMatch(/upgraded schema from 1 to 2: 6 existing op\(s\) of 1 incident\(s\) were hashed and are trusted as of this upgrade/);
      expect(await store.readOps('pg-old', 0)).toEqual(ops);
      expect((await store.latestSnapshot('pg-old'))?.seq).toBe(3);
      expect(await store.headSeq('pg-old')).toBe(6);
    } finally {
      await store.close();
    }
    const dir = tempDir();
    dirs.push(dir);
    const { runVerify } = await import('../../server/integrity/verifyCommand.ts');
    const out: string[] = [];
    expect(await runVerify({ dataDir: dir, databaseUrl: DATABASE_URL, schema }, (l) => out.push(l))).toBe(0);
    expect(out.join('\n')).toMatch(/1 incident\(s\), 6 op\(s\) and 1 snapshot\(s\) verified; no problems found/);
  }, 60_000);
});
