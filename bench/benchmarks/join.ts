/**
 * 3. Join and catch-up: a new client reaching the full state of incidents of growing log size,
 * and a client catching up after missing ops. War Room (store seeded through the Store API,
 * snapshots where the server would have written them) vs the relay answering the same join
 * from memory: the cost of moving and parsing the same bytes.
 */
import { rmSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOIN_MAX_OPS_BYTES, SNAPSHOT_EVERY_OPS, SNAPSHOT_PAGE_BYTES } from '../../shared/constants.ts';

/** Room for the JSON around a page or a 1 MiB run of ops (seqs, headSeq, access, packet head). */
const ENVELOPE_BYTES = 64 * 1024;
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { lineChart } from '../lib/svg.ts';
import { fmt, fmtRatio, repeated } from '../lib/stats.ts';
import type { BenchContext, BenchOutput, Check } from '../lib/report.ts';
import { fastFold, incidentLog } from '../lib/data.ts';
import { startChild } from '../lib/proc.ts';
import { KINDS, startServer, stopAll, tempDir, type Kind, type ServerHandle } from '../lib/world.ts';
import type { JoinTiming } from '../clients/joiner.ts';

interface Seeded { id: string; ops: number; shape: 'growing' | 'churn'; head: number; entries: number; stateMB: number; state: IncidentState; tail: CommittedOp[] }
interface Case { label: string; incident: string; miss: number | null; logOps: number; shape: 'growing' | 'churn' }

async function seed(dir: string, specs: { id: string; ops: number; shape: 'growing' | 'churn' }[], missMarks: Map<string, number[]>, log: (m: string) => void) {
  const store = createSqliteStore({ file: joinPath(dir, 'warroom.db') });
  await store.open();
  const seeded = new Map<string, Seeded>();
  const bases = new Map<string, IncidentState>();
  try {
    for (const s of specs) {
      const t0 = performance.now();
      const ops = incidentLog(s.id, { ops: s.ops, shape: s.shape, entries: 1_000 }, seeded.size + 10);
      const head = ops.length;
      // The engine snapshots every SNAPSHOT_EVERY_OPS ops; the newest snapshot is all a join needs.
      const snapSeq = Math.floor(head / SNAPSHOT_EVERY_OPS) * SNAPSHOT_EVERY_OPS;
      const marks = [...(missMarks.get(s.id) ?? []).map((m) => head - m), snapSeq].filter((x) => x > 0);
      const { state, at } = fastFold(ops, marks);
      for (let i = 0; i < ops.length; i += 2_000) await store.append(ops.slice(i, i + 2_000));
      if (snapSeq > 0) await store.saveSnapshot({ incidentId: s.id, seq: snapSeq, state: at.get(snapSeq)! });
      for (const m of missMarks.get(s.id) ?? []) bases.set(`${s.id}-${m}`, at.get(head - m)!);
      seeded.set(s.id, { ...s, head, entries: state.timeline.length, stateMB: JSON.stringify(state).length / 1e6, state, tail: ops.slice(-1_000) });
      log(`join: seeded ${s.id}: ${head} ops, ${state.timeline.length} entries (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await store.close();
  }
  return { seeded, bases };
}

export async function runJoin(ctx: BenchContext): Promise<BenchOutput> {
  // Quick keeps the 100k-op incident (the issue's row) and drops nothing but repeats of small cases.
  const sizes = [1_000, 10_000, 100_000];
  const big = sizes[sizes.length - 1]!;
  const specs = [
    ...sizes.map((n) => ({ id: `grow-${n}`, ops: n, shape: 'growing' as const })),
    ...[10_000, big].map((n) => ({ id: `churn-${n}`, ops: n, shape: 'churn' as const })),
  ];
  const cases: Case[] = [
    ...specs.map((s) => ({ label: `new client, ${s.shape === 'growing' ? '' : 'churn '}${s.ops / 1000}k ops`, incident: s.id, miss: null, logOps: s.ops, shape: s.shape })),
    { label: 'catch up 100 missed (10k log)', incident: 'grow-10000', miss: 100, logOps: 10_000, shape: 'growing' },
    { label: `catch up 100 missed (${big / 1000}k log)`, incident: `grow-${big}`, miss: 100, logOps: big, shape: 'growing' },
    { label: `catch up 10k missed (${big / 1000}k log)`, incident: `grow-${big}`, miss: 10_000, logOps: big, shape: 'growing' },
  ];
  const missMarks = new Map<string, number[]>();
  for (const c of cases) if (c.miss) missMarks.set(c.incident, [...(missMarks.get(c.incident) ?? []), c.miss]);

  const dir = tempDir('warroom-bench-join-');
  const children: { stop(): Promise<void> }[] = [];
  const results: { c: Case; kind: Kind; timings: JoinTiming[] }[] = [];
  try {
    const { seeded, bases } = await seed(dir, specs, missMarks, ctx.log);
    const servers = new Map<Kind, ServerHandle>();
    for (const kind of KINDS) {
      const s = await startServer(kind, kind === 'warroom' ? { dataDir: dir, dutyScanMs: 0 } : {});
      servers.set(kind, s);
      children.push(s);
      if (kind === 'warroom') ctx.log(`join: War Room server opened the seeded store in ${fmt(s.startMs / 1000)} s (validation + loading, not timed)`);
    }
    for (const s of seeded.values()) {
      await servers.get('relay')!.child.call('preload', { incidentId: s.id, head: s.head, state: s.state, tail: s.tail }, 300_000);
    }
    const joiner = await startChild(fileURLToPath(new URL('../clients/joiner.ts', import.meta.url)), [], { execArgv: ['--expose-gc'] });
    children.push(joiner.child);
    for (const [key, state] of bases) await joiner.child.call('setBase', { key, state }, 300_000);
    for (const c of cases) {
      const s = seeded.get(c.incident)!;
      const heavy = s.stateMB > 10;
      // Paired: each pass joins once per server (several times for small cases), alternating which goes first.
      const pairs = Math.max(3, ctx.repeats);
      for (let pass = 0; pass < pairs; pass++) {
        for (const kind of pass % 2 === 0 ? KINDS : [...KINDS].reverse()) {
          const srv = servers.get(kind)!;
          const timings = await joiner.child.call<JoinTiming[]>('measure', {
            url: srv.url, token: srv.token, incidentId: c.incident, baseKey: c.miss ? `${c.incident}-${c.miss}` : null,
            sinceSeq: c.miss ? s.head - c.miss : 0, expectHead: s.head, reps: heavy || ctx.quick ? 1 : 4, warmup: pass === 0 ? 1 : 0,
          }, 600_000);
          const prev = results.find((r) => r.c === c && r.kind === kind);
          if (prev) prev.timings.push(...timings);
          else results.push({ c, kind, timings });
        }
      }
      const w = repeated(results.find((r) => r.c === c && r.kind === 'warroom')!.timings.map((t) => t.totalMs));
      ctx.log(`join: ${c.label}: War Room ${fmt(w.median)} ms`);
    }
  } finally {
    await stopAll(children);
    rmSync(dir, { recursive: true, force: true });
  }

  const rows: string[][] = [];
  const checks: Check[] = [];
  const med = (c: Case, kind: Kind, f: (t: JoinTiming) => number) => repeated(results.find((r) => r.c === c && r.kind === kind)!.timings.map(f));
  for (const c of cases) {
    const b = med(c, 'relay', (t) => t.totalMs);
    const w = med(c, 'warroom', (t) => t.totalMs);
    const parts = (kind: Kind) => `${fmt(med(c, kind, (t) => t.connectMs).median)} / ${fmt(med(c, kind, (t) => t.ackMs).median)} / ${fmt(med(c, kind, (t) => t.foldMs).median)}`;
    const t0 = results.find((r) => r.c === c && r.kind === 'warroom')!.timings[0]!;
    rows.push([c.label, t0.snapshot ? `snapshot${t0.pages ? ` in ${t0.pages} pages` : ''} + ${t0.ops} ops` : `${t0.ops} ops`, fmt(t0.answerBytes / 1e6), fmt(t0.totalBytes / 1e6), fmt(b.median), `${fmt(w.median)} (${fmt(w.min)}–${fmt(w.max)})`, parts('warroom'), fmtRatio(w.median / b.median)]);
    const target = c.miss === 100 ? 50 : c.miss ? null : c.shape === 'growing' && c.logOps === 10_000 ? 300 : c.shape === 'growing' && c.logOps === 100_000 ? 800 : null;
    const n = results.find((r) => r.c === c && r.kind === 'warroom')!.timings.length;
    if (target !== null) checks.push({ what: `${c.label} (median of ${n} joins, alternating with the relay)`, value: `${fmt(w.median)} ms (${fmt(w.min)}–${fmt(w.max)})`, target: `≤ ${target} ms`, pass: w.median <= target });
  }
  // A new client needs the whole state; what must stay bounded is each message of the join (the
  // answer, and each snapshot page), whatever the size of the incident.
  const answerOf = (ops: number) => results.find((r) => r.c.miss === null && r.c.shape === 'growing' && r.c.logOps === ops && r.kind === 'warroom')!.timings[0]!;
  const largest = answerOf(100_000);
  const bound = Math.max(JOIN_MAX_OPS_BYTES, SNAPSHOT_PAGE_BYTES) + ENVELOPE_BYTES;
  checks.push({
    what: 'join answer bounded in bytes: largest message of a new client\'s join, 100k-op incident',
    value: `${fmt(largest.answerBytes / 1e6)} MB (${largest.pages} pages, ${fmt(largest.totalBytes / 1e6)} MB in all; 1k ops: ${fmt(answerOf(1_000).answerBytes / 1e6)} MB, 10k: ${fmt(answerOf(10_000).answerBytes / 1e6)} MB)`,
    target: `≤ ${fmt(bound / 1e6)} MB (1 MiB + envelope)`, pass: largest.answerBytes <= bound,
  });
  const line = (shape: 'growing' | 'churn', kind: Kind) => ({
    name: `${shape === 'growing' ? 'state grows with log' : 'churn: ~1k entries'} – ${kind === 'relay' ? 'relay' : 'War Room'}`,
    points: cases.filter((c) => c.miss === null && c.shape === shape).map((c) => [c.logOps, med(c, kind, (t) => t.totalMs).median] as [number, number]),
  });
  return {
    name: 'join',
    title: 'Join and catch-up',
    method: [
      'Seeding (not timed): synthetic logs appended through the Store API into one SQLite file, with the snapshot the engine would have saved (every 500 ops); the War Room server then opens that file. "churn" logs have 1k entries and then only task moves and member updates, so their state stays small while the log grows.',
      'Timed, in a separate client process: new socket.io connection → incident:join(sinceSeq) → ack → the renderer\'s parseJoinResult (zod check of every op) → fold with the shared reducer (replay() for a run of ops, as the renderer\'s sync engine does) until the client holds the head state. Parts: connect / join ack (server work + transfer + JSON parse) / parse + fold.',
      'A catching-up client already holds the state at head − missed (handed over before timing) and joins with that seq. More than 1000 behind, the server answers with its current state instead of ops.',
      'Baseline: the relay answers the same join from memory with the same payload (no store read, no lock), same client code: the floor for moving and parsing those bytes.',
      `Server and client are separate processes on the same 2 cores. ${Math.max(3, ctx.repeats)} passes per case, each joining once per server (${ctx.quick ? 'once' : '4 times'} for a case whose state is under 10 MB), alternating which server goes first; one warm-up join each in the first pass.`,
      'The joiner asks for pages (JoinRequest.snapshotPages, as the app does): War Room sends a snapshot over 1 MiB as 1 MiB binary pages fetched at once (pipelined) and parsed once; the relay ignores the flag and sends one message. Largest message / all MB: the biggest engine.io packet that arrived while joining, and the sum.',
    ],
    tables: [{ columns: ['case', 'answer', 'largest message MB', 'all MB', 'relay ms', 'War Room ms (min–max)', 'WR connect / ack / fold ms', 'ratio'], rows }],
    checks,
    chart: lineChart('Time for a new client to reach full state vs log size', 'ops in the log', 'ms', [line('growing', 'relay'), line('growing', 'warroom'), line('churn', 'relay'), line('churn', 'warroom')], { log: true }),
    notes: [],
    data: { cases: results.map((r) => ({ ...r.c, kind: r.kind, timings: r.timings })) },
  };
}
