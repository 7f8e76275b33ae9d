/**
 * The corruption harness: a pristine data dir written by a real server, copies of it to damage,
 * and one judge that starts a real server on a damaged copy and looks at what a real socket.io
 * client gets. Every case ends in one outcome, and two counts that must stay 0:
 * - wrong: a served op that is not the one written, or a joined state that is neither the true
 *   state nor the honest fold of the ops still served;
 * - silentLoss: an op written but not served, with no report of it (no quarantine record, no
 *   missing-op figure, `warroom verify` exiting 0).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stateHash } from '../../shared/hash.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { JoinResult, OpsPage } from '../../shared/protocol.ts';
import { apply } from '../../shared/reducer.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import type { ServerDeps } from '../../server/createServer.ts';
import { dbFileOf, INIT_MARKER } from '../../server/dataDir.ts';
import { runVerify } from '../../server/integrity/verifyCommand.ts';
import { call, connect, memoryLogger, op, startServer, tempDir, type Client } from '../server/helpers.ts';

export const SECRET = 'integrity-suite-secret-0123456789abcdef';
export const LIMITS = { snapshotEveryOps: 10 };
export const INCIDENTS = { 'inc-a': 25, 'inc-b': 5 } as const;

export interface Truth { ops: Map<string, CommittedOp[]>; states: Map<string, string> }

export type Outcome = 'refused' | 'quarantined' | 'rebuilt' | 'repaired' | 'loss reported' | 'unaffected';

export interface Verdict {
  outcome: Outcome;
  /** The refusal, or the first warnings. */
  message: string;
  wrong: number;
  silentLoss: number;
  lost: number;
  verifyExit: number | null;
  quarantined: number;
}

async function write(server: WarRoomServer): Promise<void> {
  const lead = await connect(server.url, { token: server.createSession('lia', 'lead'), clientId: 'lia' });
  try {
    for (const [incidentId, count] of Object.entries(INCIDENTS)) {
      const created = await call(lead, 'incident:create', op('incident.create', incidentId, 'lia', { title: `Outage ${incidentId}`, severity: 'SEV2' }));
      if (!created.ok) throw new Error(`fixture: create failed: ${JSON.stringify(created)}`);
      await call(lead, 'incident:join', { incidentId, sinceSeq: 0 });
      for (let n = 2; n <= count; n++) {
        const r = await call(lead, 'op:submit', op('timeline.add', incidentId, 'lia', { entryId: `e${n}`, kind: 'note', text: `note ${n} of ${incidentId}: checked shard ${n * 7}` }));
        if (!r.ok) throw new Error(`fixture: op failed: ${JSON.stringify(r)}`);
      }
    }
  } finally {
    lead.close();
  }
}

/** A data dir written by a real server (closed cleanly, so the WAL is folded in) and what it holds. */
export async function buildPristine(deps: ServerDeps = {}): Promise<{ dir: string; truth: Truth }> {
  const dir = tempDir('warroom-integrity-pristine-');
  const server = await startServer(dir, { secret: SECRET, limits: LIMITS }, deps);
  const truth: Truth = { ops: new Map(), states: new Map() };
  try {
    await write(server);
    for (const id of Object.keys(INCIDENTS)) {
      truth.ops.set(id, await server.store.readOps(id, 0));
      truth.states.set(id, stateHash(server.incidentState(id)));
    }
  } finally {
    await server.close();
  }
  return { dir, truth };
}

export function copyDataDir(from: string): string {
  const to = tempDir('warroom-integrity-case-');
  mkdirSync(to, { recursive: true });
  for (const f of ['warroom.db', 'warroom.db-wal', INIT_MARKER]) if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f));
  return to;
}

export const dbOf = dbFileOf;

async function allOps(c: Client, incidentId: string): Promise<CommittedOp[] | null> {
  const out: CommittedOp[] = [];
  for (let after = 0, guard = 0; guard < 100; guard++) {
    const page = await call<({ ok: true } & OpsPage) | { ok: false }>(c, 'incident:ops', { incidentId, afterSeq: after, limit: 1000 });
    if (!page.ok) return out.length ? out : null;
    out.push(...page.ops);
    if (page.ops.length === 0 || after >= page.headSeq) return out;
    after = page.ops.at(-1)!.seq;
    if (after >= page.headSeq) return out;
  }
  return out;
}

function fold(ops: CommittedOp[]): IncidentState | null {
  let s: IncidentState | null = null;
  for (const o of ops) {
    const r = apply(s, o);
    if (r.ok) s = r.state;
  }
  return s;
}

function clientState(j: JoinResult): IncidentState | null {
  let s = j.snapshot?.state ?? null;
  for (const o of j.ops) {
    const r = apply(s, o);
    if (r.ok) s = r.state;
  }
  return s;
}

/** Starts a real server on `dir` and judges what a client gets against `truth`. */
export async function judge(dir: string, truth: Truth, deps: ServerDeps = {}, databaseUrl: string | null = null): Promise<Verdict> {
  const { logger, lines } = memoryLogger();
  let server: WarRoomServer;
  try {
    server = await startServer(dir, { secret: SECRET, limits: LIMITS }, { logger, ...deps });
  } catch (e) {
    return { outcome: 'refused', message: (e as Error).message, wrong: 0, silentLoss: 0, lost: 0, verifyExit: null, quarantined: 0 };
  }
  try {
    const findings = lines.filter((l) => l.msg === 'store check').map((l) => String(l.finding));
    const client = await connect(server.url, { token: server.createSession('judge', 'viewer'), clientId: 'judge' });
    let wrong = 0;
    let lost = 0;
    try {
      const list = await call<{ ok: true; incidents: { id: string }[] } | { ok: false }>(client, 'incident:list');
      if (list.ok) wrong += list.incidents.filter((i) => !truth.ops.has(i.id)).length;
      for (const [id, written] of truth.ops) {
        const served = (await allOps(client, id)) ?? [];
        const bySeq = new Map(written.map((o) => [o.seq, o]));
        for (const o of served) if (JSON.stringify(o) !== JSON.stringify(bySeq.get(o.seq))) wrong++;
        const servedSeqs = new Set(served.map((o) => o.seq));
        lost += written.filter((o) => !servedSeqs.has(o.seq)).length;
        const joined = await call<({ ok: true } & JoinResult) | { ok: false }>(client, 'incident:join', { incidentId: id, sinceSeq: 0 });
        const state = joined.ok ? clientState(joined) : null;
        // Honest answers: the true state, or the fold of what is still served, on top of nothing or of
        // a true snapshot (the state at one of the seqs the server snapshots at).
        const honest = new Set([truth.states.get(id), stateHash(fold(served))]);
        for (let at = LIMITS.snapshotEveryOps; at < written.length; at += LIMITS.snapshotEveryOps) {
          honest.add(stateHash(fold([...written.slice(0, at), ...served.filter((o) => o.seq > at)])));
        }
        if (state && !honest.has(stateHash(state))) wrong++;
      }
    } finally {
      client.close();
    }
    const quarantined = (await server.store.quarantined()).length;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const missing = Number(/^warroom_store_missing_ops (\d+)$/m.exec(metrics)?.[1] ?? 0);
    const out: string[] = [];
    const schema = (server.store as { schema?: string }).schema;
    const verifyExit = await runVerify({ dataDir: dir, databaseUrl, ...(schema ? { schema } : {}) }, (l) => out.push(l));
    const reported = (quarantined > 0 || missing > 0 || findings.length > 0) && verifyExit !== 0;
    const silentLoss = lost > 0 && !reported ? lost : 0;
    const outcome: Outcome = quarantined > 0 ? 'quarantined'
      : missing > 0 ? 'loss reported'
        : findings.some((f) => f.includes('dropped snapshot')) ? 'rebuilt'
          : findings.some((f) => f.includes('repaired')) ? 'repaired' : 'unaffected';
    if (outcome === 'unaffected' && lost > 0) wrong++;
    return { outcome, message: findings.slice(0, 3).join(' | '), wrong, silentLoss, lost, verifyExit, quarantined };
  } finally {
    await server.close();
  }
}

/** Deterministic PRNG (mulberry32) so every run damages the same bytes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
