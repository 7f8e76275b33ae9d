/**
 * Fan-out across a 3-node cluster: N clients in one incident, spread evenly over three nodes, one
 * writer on node 1 at a steady rate; latency from the writer's submit to the op's arrival at every
 * client on every node. War Room (three createServer processes on one PostgreSQL schema, fan-out
 * through the socket.io Redis adapter) against a bare socket.io cluster (three relay processes,
 * bench/baseline/relayCluster.ts, with the same adapter on the same Redis), measured in the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { selfTimeByOrigin, type CpuProfile } from '../lib/profile.ts';
import { barChart } from '../lib/svg.ts';
import { dist, fmt, fmtRatio, ratio, repeated, type Dist } from '../lib/stats.ts';
import type { BenchContext, BenchOutput, Check } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import { connectSwarms, cpuMs, startServer, startSwarms, stopAll, type ServerHandle, type Swarm } from '../lib/world.ts';

export type Side = 'relay' | 'warroom';
const SIDES: readonly Side[] = ['relay', 'warroom'];
const LABEL: Record<Side, string> = { relay: 'bare socket.io cluster (Redis adapter)', warroom: 'War Room cluster (PostgreSQL + Redis)' };
const NODES = 3;
/** Receiver sockets per swarm process at most. */
const PER_SWARM = 250;
const PG_URL = process.env.WARROOM_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.WARROOM_BENCH_REDIS ?? 'redis://127.0.0.1:6379';
/** Store connections per War Room node (the machine's PostgreSQL is shared; 3 × 4 leaves room for others). */
const PG_CONNECTIONS_PER_NODE = 4;
const SETTLE_QUIET_MS = 1_500;
const SETTLE_MAX_MS = 180_000;

export interface ClusterRun {
  side: Side; n: number; rep: number; lat: Dist; expected: number; delivered: number;
  /** Receipts per node (the node the receiving clients are connected to) and what each should have had. */
  byNode: { delivered: number; expected: number }[];
  ackP50: number; ackP99: number; refused: number; clusterCpuMsPerOp: number; achievedRate: number;
  /** CPU ms per op sent, per server process (node 1 holds the writer). */
  nodeCpuMsPerOp: number[];
  /** Ops the writer sent (warm-up included). */
  sent: number;
  /** Presence and incident-list messages (not ops) the receivers got during the run, per op sent per receiver. */
  chatterPerOpPerClient: number;
  dropped: Record<string, number>;
}

interface Cluster {
  side: Side;
  nodes: ServerHandle[];
  writer: Swarm;
  /** Receiver swarms, each connected to one node (nodeOf[i]). */
  receivers: Swarm[];
  nodeOf: number[];
  joinedMs: number;
  settledMs: number;
  chatter: number;
}

type Stoppable = { stop(): Promise<void> };

const unique = () => `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

/** Fails early, with a sentence, when the machine's PostgreSQL or Redis is not there. */
async function checkServices(): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000, statement_timeout: 30_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (e) {
    throw new Error(`The cluster benchmark needs PostgreSQL at ${PG_URL} (WARROOM_BENCH_PG): ${(e as Error).message}`, { cause: e });
  } finally {
    await c.end().catch(() => undefined);
  }
  const r = createClient({ url: REDIS_URL, socket: { connectTimeout: 3_000, reconnectStrategy: false } });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new Error(`The cluster benchmark needs Redis at ${REDIS_URL} (WARROOM_BENCH_REDIS): ${(e as Error).message}`, { cause: e });
  } finally {
    await r.close().catch(() => undefined);
  }
}

/**
 * What durable PostgreSQL commits cost on this machine right now, timed one at a time (ms): a
 * single-row autocommit INSERT (JSONB, as War Room stores ops), and a transaction of the shape War
 * Room's store commits an op with (BEGIN, SELECT … FOR UPDATE of the incident's head row, one
 * INSERT, COMMIT: four round trips, one WAL flush). Tables in the throw-away schema.
 */
async function commitProbe(schema: string, n: number): Promise<{ insert: Dist; tx: Dist }> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000, statement_timeout: 30_000 });
  const t = `"${schema}".commit_probe`;
  const h = `"${schema}".commit_probe_head`;
  try {
    await c.connect();
    await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${t} (k BIGINT PRIMARY KEY, v JSONB NOT NULL)`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${h} (id TEXT PRIMARY KEY, head BIGINT NOT NULL)`);
    await c.query(`INSERT INTO ${h} (id, head) VALUES ('p', 0) ON CONFLICT DO NOTHING`);
    const v = JSON.stringify({ text: 'x'.repeat(160) });
    const insert: number[] = [];
    const tx: number[] = [];
    for (let k = 1; k <= n; k++) {
      let t0 = performance.now();
      await c.query(`INSERT INTO ${t} (k, v) VALUES ($1, $2)`, [k, v]);
      insert.push(performance.now() - t0);
      t0 = performance.now();
      await c.query('BEGIN');
      await c.query(`SELECT head FROM ${h} WHERE id = 'p' FOR UPDATE`);
      await c.query(`WITH ins AS (INSERT INTO ${t} (k, v) VALUES ($1, $2) RETURNING 1) UPDATE ${h} SET head = $1 WHERE id = 'p' AND (SELECT COUNT(*) FROM ins) = 1`, [n + k, v]);
      await c.query('COMMIT');
      tx.push(performance.now() - t0);
    }
    return { insert: dist(insert), tx: dist(tx) };
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000, statement_timeout: 30_000 });
  try {
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Starts the three nodes together; every node that started is in `started`, even when another failed. */
async function startNodes(side: Side, channel: string, schema: string, started: Stoppable[]): Promise<ServerHandle[]> {
  const secret = randomBytes(32).toString('hex');
  const fanout = { redisUrl: REDIS_URL, channel };
  const profileDir = process.env.WARROOM_BENCH_CLUSTER_PROF;
  const r = await Promise.allSettled(Array.from({ length: NODES }, () => (side === 'warroom'
    ? startServer('warroom', {
      postgres: { connectionString: PG_URL, schema, maxConnections: PG_CONNECTIONS_PER_NODE }, fanout, secret,
      ...(profileDir ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    })
    : startServer('relay', { fanout }))));
  const nodes: ServerHandle[] = [];
  for (const x of r) if (x.status === 'fulfilled') nodes.push(x.value);
  started.push(...nodes);
  const failed = r.find((x) => x.status === 'rejected');
  if (failed) throw new Error(`${LABEL[side]}: a node did not start: ${String(failed.reason)}`);
  return nodes;
}

/** Three nodes, the writer on node 1, `n` receivers spread evenly over the nodes, all joined and quiet. */
async function buildCluster(side: Side, n: number, incidentId: string, schema: string, started: Stoppable[]): Promise<Cluster> {
  const nodes = await startNodes(side, `wrb-${side[0]}-${unique()}`, schema, started);
  const [writer] = await startSwarms(1, 1, `w${side[0]}`);
  started.push(writer!.child);
  const receivers: Swarm[] = [];
  const nodeOf: number[] = [];
  for (let i = 0; i < NODES; i++) {
    const count = Math.floor(n / NODES) + (i < n % NODES ? 1 : 0);
    const swarms = await startSwarms(count, Math.max(1, Math.ceil(count / PER_SWARM)), `n${i}c`);
    started.push(...swarms.map((s) => s.child));
    receivers.push(...swarms);
    nodeOf.push(...swarms.map(() => i));
  }
  await connectSwarms([writer!], nodes[0]!, incidentId, true);
  await sleep(300);
  const t0 = performance.now();
  await Promise.all(nodes.map((node, i) => connectSwarms(receivers.filter((_, k) => nodeOf[k] === i), node, incidentId)));
  const joinedMs = performance.now() - t0;
  // As in fanout.ts: joins make War Room send presence lists and online counts to the room (here
  // collected from every node); measure only once no client has received one for a while.
  const all = [writer!, ...receivers];
  const deadline = performance.now() + SETTLE_MAX_MS;
  let chatter: number;
  for (;;) {
    const q = await Promise.all(all.map((s) => s.child.call<{ quietMs: number; chatter: number }>('chatter')));
    chatter = q.reduce((a, x) => a + x.chatter, 0);
    if (q.every((x) => x.quietMs >= SETTLE_QUIET_MS) || performance.now() > deadline) break;
    await sleep(250);
  }
  return { side, nodes, writer: writer!, receivers, nodeOf, joinedMs, settledMs: performance.now() - t0, chatter };
}

async function droppedClients(c: Cluster): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of [c.writer, ...c.receivers]) {
    for (const [reason, k] of Object.entries(await s.child.call<Record<string, number>>('dropped'))) out[reason] = (out[reason] ?? 0) + k;
  }
  return out;
}

const clusterCpu = (c: Cluster) => Promise.all(c.nodes.map((node) => node.child.call<{ user: number; system: number }>('cpu')));

/** One measured run: record, write on node 1, wait until every receiver on every node has every op (or the drain timeout), collect. */
async function measure(c: Cluster, run: number, o: { rate: number; durationMs: number; warmupMs: number; textBytes: number; drainMs: number }) {
  await Promise.all(c.receivers.map((s) => s.child.call('record', { run })));
  await sleep(200);
  const chatterNow = async () => (await Promise.all(c.receivers.map((s) => s.child.call<{ chatter: number }>('chatter')))).reduce((a, x) => a + x.chatter, 0);
  const chatter0 = await chatterNow();
  const cpu0 = await clusterCpu(c);
  const wr = await c.writer.child.call<{ measuredAcked: number; refused: number; firstRefusal: string; ackMs: number[]; achievedRate: number; sent: number }>(
    'write', { run, rate: o.rate, durationMs: o.durationMs, warmupMs: o.warmupMs, textBytes: o.textBytes, writers: 1 }, o.durationMs * 4 + 60_000);
  const expectedOf = (s: Swarm) => wr.measuredAcked * s.ids.length;
  const expected = c.receivers.reduce((a, s) => a + expectedOf(s), 0);
  const deadline = performance.now() + o.drainMs;
  while (performance.now() < deadline) {
    const r = await Promise.all(c.receivers.map((s) => s.child.call<{ count: number }>('received')));
    if (r.reduce((a, x) => a + x.count, 0) >= expected) break;
    await sleep(100);
  }
  const cpu1 = await clusterCpu(c);
  const chatter = (await chatterNow()) - chatter0;
  const clients = c.receivers.reduce((a, s) => a + s.ids.length, 0);
  const parts = await Promise.all(c.receivers.map((s) => s.child.call<{ samples: Float64Array }>('collect', undefined, 120_000)));
  const all = new Float64Array(parts.reduce((a, p) => a + p.samples.length, 0));
  let off = 0;
  const byNode = Array.from({ length: NODES }, () => ({ delivered: 0, expected: 0 }));
  parts.forEach((p, k) => {
    all.set(p.samples, off);
    off += p.samples.length;
    byNode[c.nodeOf[k]!]!.delivered += p.samples.length;
    byNode[c.nodeOf[k]!]!.expected += expectedOf(c.receivers[k]!);
  });
  const perNode = cpu0.map((x, i) => cpuMs(x, cpu1[i]!) / Math.max(1, wr.sent));
  const ack = dist(wr.ackMs);
  return {
    lat: dist(all), expected, delivered: all.length, byNode, ackP50: ack.p50, ackP99: ack.p99, refused: wr.refused, firstRefusal: wr.firstRefusal,
    clusterCpuMsPerOp: perNode.reduce((a, x) => a + x, 0), nodeCpuMsPerOp: perNode, achievedRate: wr.achievedRate, sent: wr.sent,
    chatterPerOpPerClient: chatter / Math.max(1, wr.sent) / Math.max(1, clients),
  };
}

/** Node 1's self time per op sent, by origin (War Room's code, each package, Node, GC), both clusters side by side. */
function profileTable(profiles: { side: Side; n: number; byOrigin: [string, number][]; ops: number }[]) {
  const rows: string[][] = [];
  for (const n of [...new Set(profiles.map((p) => p.n))]) {
    const of = (side: Side) => profiles.find((p) => p.side === side && p.n === n);
    const [b, w] = [of('relay'), of('warroom')];
    const perOp = (p: typeof b, origin: string) => (p ? (p.byOrigin.find(([o]) => o === origin)?.[1] ?? 0) / Math.max(1, p.ops) : NaN);
    const origins = [...new Set([...(w?.byOrigin ?? []), ...(b?.byOrigin ?? [])].map(([o]) => o))];
    origins.sort((x, y) => Math.max(perOp(w, y), perOp(b, y)) - Math.max(perOp(w, x), perOp(b, x)));
    for (const o of origins.slice(0, 12)) rows.push([`${n}`, o, fmt(perOp(b, o)), fmt(perOp(w, o))]);
    const total = (p: typeof b) => (p ? p.byOrigin.reduce((a, [, ms]) => a + ms, 0) / Math.max(1, p.ops) : NaN);
    rows.push([`${n}`, 'all (idle excluded)', fmt(total(b)), fmt(total(w))]);
  }
  return { columns: ['clients', 'node 1 self time, by origin', `${LABEL.relay} ms/op`, `${LABEL.warroom} ms/op`], rows };
}

export async function runCluster(ctx: BenchContext): Promise<BenchOutput> {
  // WARROOM_BENCH_CLUSTER_SIZES=1000 overrides the client counts (for looking at one size).
  const fromEnv = (process.env.WARROOM_BENCH_CLUSTER_SIZES ?? '').split(',').map(Number).filter((n) => n > 0);
  const sizes = fromEnv.length ? fromEnv : ctx.quick ? [300] : [300, 1000];
  // Paired ratios need at least 3 runs per side; an explicit --repeats is honoured as given.
  const repeats = process.argv.includes('--repeats') ? ctx.repeats : Math.max(3, ctx.repeats);
  const rate = 10;
  const durationMs = ctx.quick ? 2_500 : 8_000;
  const warmupMs = ctx.quick ? 500 : 2_000;
  const drainMs = ctx.quick ? 5_000 : 10_000;
  await checkServices();
  const runs: ClusterRun[] = [];
  const setup: { side: Side; n: number; joinedMs: number; settledMs: number; chatter: number; startMs: number }[] = [];
  const probes = new Map<number, { insert: Dist; tx: Dist }>();
  // WARROOM_BENCH_CLUSTER_PROFILE=1: a CPU profile of node 1 (the writer's) of each cluster over the measured runs.
  const profiling = process.env.WARROOM_BENCH_CLUSTER_PROFILE === '1';
  const profiles: { side: Side; n: number; file: string; byOrigin: [string, number][]; ops: number }[] = [];
  const notes: string[] = [];
  let run = 1;
  for (const n of sizes) {
    const schema = `bench_cluster_${unique()}`;
    const incidentId = `cluster-${n}`;
    ctx.log(`cluster: ${n} clients over ${NODES} nodes (${Math.ceil(n / NODES)} per node), writer on node 1; PostgreSQL schema ${schema}`);
    const started: Stoppable[] = [];
    const clusters = new Map<Side, Cluster>();
    try {
      for (const side of SIDES) {
        const c = await buildCluster(side, n, incidentId, schema, started);
        clusters.set(side, c);
        setup.push({ side, n, joinedMs: c.joinedMs, settledMs: c.settledMs, chatter: c.chatter, startMs: Math.max(...c.nodes.map((x) => x.startMs)) });
        ctx.log(`  ${side}: ${n} clients joined in ${fmt(c.joinedMs / 1000)} s, presence traffic settled after ${fmt(c.settledMs / 1000)} s`);
      }
      if (profiling) for (const c of clusters.values()) await c.nodes[0]!.child.call('profileStart');
      for (let rep = 0; rep < repeats; rep++) {
        // Alternate which cluster goes first, so drift in machine load does not favour one.
        const order = rep % 2 === 0 ? SIDES : [...SIDES].reverse();
        for (const side of order) {
          const c = clusters.get(side)!;
          const m = await measure(c, run++, { rate, durationMs, warmupMs, textBytes: 160, drainMs });
          if (m.refused) ctx.log(`  ${side}: ${m.refused} ops refused (${m.firstRefusal})`);
          const dropped = await droppedClients(c);
          const lostClients = Object.values(dropped).reduce((a, x) => a + x, 0);
          if (lostClients) ctx.log(`  ${side}: ${lostClients} clients were disconnected so far: ${JSON.stringify(dropped)}`);
          runs.push({ side, n, rep, ...m, dropped });
          ctx.log(`  ${side.padEnd(7)} n=${n} rep ${rep + 1}: p50 ${fmt(m.lat.p50)} ms p99 ${fmt(m.lat.p99)} ms max ${fmt(m.lat.max)} ms, delivered ${m.delivered}/${m.expected} (by node ${m.byNode.map((b) => `${b.delivered}/${b.expected}`).join(', ')}), cluster CPU ${fmt(m.clusterCpuMsPerOp)} ms/op (by node ${m.nodeCpuMsPerOp.map((x) => fmt(x)).join(', ')})`);
        }
      }
      if (profiling) {
        const dir = join(ctx.resultsDir, 'profiles');
        mkdirSync(dir, { recursive: true });
        for (const c of clusters.values()) {
          const profile = await c.nodes[0]!.child.call<CpuProfile>('profileStop', undefined, 120_000);
          const file = join(dir, `cluster-${c.side}-${n}-node1.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          const ops = runs.filter((r) => r.side === c.side && r.n === n).reduce((a, r) => a + r.sent, 0);
          profiles.push({ side: c.side, n, file, byOrigin: selfTimeByOrigin(profile), ops });
          ctx.log(`  ${c.side}: node 1 profile over the runs written to ${file}`);
        }
      }
      for (const c of clusters.values()) {
        const errors = (await Promise.all(c.nodes.map((x) => x.child.call<{ fanoutErrors?: number }>('stats')))).reduce((a, s) => a + (s.fanoutErrors ?? 0), 0);
        if (errors) notes.push(`${LABEL[c.side]}, ${n} clients: ${errors} fan-out connection errors during the run.`);
      }
      // With both clusters still connected (same machine load as the runs), outside any measured run.
      probes.set(n, await commitProbe(schema, ctx.quick ? 100 : 300));
    } finally {
      await stopAll(started);
      await dropSchema(schema).catch((e: unknown) => ctx.log(`  could not drop schema ${schema}: ${(e as Error).message}`));
    }
  }

  const med = (side: Side, n: number, f: (r: ClusterRun) => number) => repeated(runs.filter((r) => r.side === side && r.n === n).map(f));
  const quickNote = ctx.quick ? ` (quick: ${sizes.join(', ')} clients only, ${durationMs / 1000} s runs)` : '';
  const rows: string[][] = [];
  const checks: Check[] = [];
  const groups = [];
  for (const n of sizes) {
    const cell = (side: Side) => {
      const of = runs.filter((r) => r.side === side && r.n === n);
      return {
        p50: med(side, n, (r) => r.lat.p50), p99: med(side, n, (r) => r.lat.p99), max: med(side, n, (r) => r.lat.max),
        ack: med(side, n, (r) => r.ackP50), ack99: med(side, n, (r) => r.ackP99), cpu: med(side, n, (r) => r.clusterCpuMsPerOp),
        chatter: med(side, n, (r) => r.chatterPerOpPerClient),
        nodeCpu: Array.from({ length: NODES }, (_, i) => med(side, n, (r) => r.nodeCpuMsPerOp[i]!).median),
        delivered: of.reduce((a, r) => a + r.delivered, 0), expected: of.reduce((a, r) => a + r.expected, 0),
        byNode: Array.from({ length: NODES }, (_, i) => of.reduce((a, r) => a + r.byNode[i]!.expected - r.byNode[i]!.delivered, 0)),
      };
    };
    const b = cell('relay');
    const w = cell('warroom');
    const r50 = ratio(w.p50.median, b.p50.median);
    const r99 = ratio(w.p99.median, b.p99.median);
    for (const [side, c] of [['relay', b], ['warroom', w]] as const) {
      rows.push([
        `${n}`, LABEL[side], `${fmt(c.p50.median)} (${fmt(c.p50.min)}–${fmt(c.p50.max)})`, `${fmt(c.p99.median)} (${fmt(c.p99.min)}–${fmt(c.p99.max)})`,
        fmt(c.max.median), `${c.delivered}/${c.expected}`, c.byNode.join(' / '), fmt(c.ack.median), fmt(c.ack99.median), fmt(c.cpu.median), c.nodeCpu.map((x) => fmt(x)).join(' / '), fmt(c.chatter.median),
        side === 'warroom' ? fmtRatio(r50) : '', side === 'warroom' ? fmtRatio(r99) : '',
      ]);
    }
    checks.push({ what: `p50 ratio, ${n} clients on 3 nodes${quickNote}`, value: fmtRatio(r50), target: '≤ 1.30×', pass: Number.isFinite(r50) ? r50 <= 1.3 : null });
    checks.push({ what: `p99 ratio, ${n} clients on 3 nodes${quickNote}`, value: fmtRatio(r99), target: '≤ 1.50×', pass: Number.isFinite(r99) ? r99 <= 1.5 : null });
    const drops = runs.filter((r) => r.side === 'warroom' && r.n === n).at(-1)?.dropped ?? {};
    const dropText = Object.keys(drops).length ? ` (${Object.entries(drops).map(([k, v]) => `${v} clients disconnected: ${k}`).join(', ')})` : '';
    checks.push({ what: `lost ops, ${n} clients on 3 nodes${quickNote}`, value: `${w.expected - w.delivered}${dropText}`, target: '0', pass: w.delivered === w.expected && w.expected > 0 });
    const probe = probes.get(n);
    if (probe && !(r50 <= 1.3 && r99 <= 1.5)) {
      notes.push(`${n} clients: War Room's submit → receipt p50 is ${fmt(w.p50.median - b.p50.median)} ms above the bare cluster's and its writer's ack p50 ${fmt(w.ack.median - b.ack.median)} ms above (War Room acks and broadcasts after the durable PostgreSQL commit; the relay acks right after its local emit). Timed after the runs on the same PostgreSQL: a bare autocommit INSERT p50 ${fmt(probe.insert.p50)} ms (p99 ${fmt(probe.insert.p99)}); a transaction of the store's shape (BEGIN, SELECT … FOR UPDATE, INSERT, COMMIT) p50 ${fmt(probe.tx.p50)} ms (p99 ${fmt(probe.tx.p99)}). War Room's nodes used ${fmt(w.cpu.median)} ms CPU per op against ${fmt(b.cpu.median)} (all 3 nodes; node 1, the writer's, ${fmt(w.nodeCpu[0]!)} against ${fmt(b.nodeCpu[0]!)}), on cores the clients share. Profile the nodes with WARROOM_BENCH_CLUSTER_PROF=<dir>.`);
    }
    if (b.delivered !== b.expected) notes.push(`The baseline cluster lost ${b.expected - b.delivered} of ${b.expected} receipts at ${n} clients (per node: ${b.byNode.join(' / ')}).`);
    groups.push({ label: `${n} p50`, values: [b.p50.median, w.p50.median], spread: [[b.p50.min, b.p50.max], [w.p50.min, w.p50.max]] as [number, number][] });
    groups.push({ label: `${n} p99`, values: [b.p99.median, w.p99.median], spread: [[b.p99.min, b.p99.max], [w.p99.min, w.p99.max]] as [number, number][] });
  }
  return {
    name: 'cluster',
    title: 'Fan-out across a 3-node cluster',
    method: [
      `${NODES} nodes per side, all on this machine. War Room: ${NODES} processes of the real createServer on PostgreSQL (${PG_URL.replace(/\/\/[^@]*@/, '//')}, a throw-away schema per size, dropped afterwards; ${PG_CONNECTIONS_PER_NODE} store connections per node, one shared secret) with fan-out through @socket.io/redis-adapter on the machine's Redis (server/fanout.ts, a channel prefix of its own per run). Baseline: ${NODES} processes of bench/baseline/relayCluster.ts, the bare relay with the same adapter attached the same way on the same Redis (another channel prefix).`,
      'Per op the relay node that receives the submit stamps a seq from its own counter, broadcasts through the adapter and acks; the other relay nodes only emit what the adapter hands them. War Room validates, checks permission, folds the reducer, commits to PostgreSQL (gapless seq in the same transaction), then broadcasts through the same adapter. So the difference is War Room\'s own work.',
      `Receivers are spread evenly over the ${NODES} nodes, each connected straight to its node's port (no load balancer), in swarm processes of ≤ ${PER_SWARM} sockets; one writer, connected to node 1, submits a 160-character timeline.add every ${1000 / rate} ms (${rate} ops/s, open loop) for ${durationMs / 1000} s; the first ${warmupMs / 1000} s are warm-up and not counted.`,
      'Latency = writer\'s submit call → op:committed handler at each receiving client on every node, measured with CLOCK_MONOTONIC (process.hrtime) carried in the op text, comparable across processes on this machine.',
      `Both clusters are connected before measuring and runs alternate between them (which goes first alternates too); ${repeats} repeats per size, median shown with min–max. Other messages = presence and incident-list updates (not ops) each receiver got during a run, per op sent. Cluster CPU = user+system time of the ${NODES} server processes during a run ÷ ops sent (Redis and PostgreSQL not included), also shown per node.`,
      'Setup (not part of the latency): all receivers connect and join (25 at a time per swarm), then the benchmark waits until no presence or list update has reached any client for 1.5 s, as in the single-node fan-out benchmark.',
      `Lost = receipts missing ${drainMs / 1000} s after the last submit, out of (acked measured ops × receivers); every receiver must get every op through the best-effort fan-out (War Room clients would also catch up from the store, which the benchmark's receivers do not do). Lost per node shown as node 1 / node 2 / node 3.`,
      'Context for the commit\'s share: after the runs of each size (both clusters still connected, no run going) the benchmark times, one at a time on the same PostgreSQL, a single-row autocommit INSERT and a transaction of the shape War Room\'s store commits an op with (BEGIN, SELECT … FOR UPDATE of the head row, one INSERT, COMMIT). CPU profiles of the War Room nodes: WARROOM_BENCH_CLUSTER_PROF=<dir> adds --cpu-prof to them.',
      'Everything (6 server processes, the swarms, Redis, PostgreSQL and other work on the machine) shares its cores, so numbers are noisy on a busy box.',
    ],
    tables: [
      { columns: ['clients', 'cluster', 'p50 ms (min–max)', 'p99 ms (min–max)', 'max ms', 'delivered', 'lost per node', 'writer ack p50 ms', 'writer ack p99 ms', 'cluster CPU ms/op', 'CPU ms/op node 1 / 2 / 3', 'other messages per op per client', 'p50 ratio', 'p99 ratio'], rows },
      {
        columns: ['clients', 'cluster', 'slowest node start (ms)', 'all joined (s)', 'presence traffic settled (s)', 'presence + list messages received'],
        rows: setup.map((x) => [`${x.n}`, LABEL[x.side], x.startMs ? fmt(x.startMs) : '–', fmt(x.joinedMs / 1000), fmt(x.settledMs / 1000), `${x.chatter}`]),
      },
      {
        columns: ['clients', 'PostgreSQL commit timed after the runs', 'p50 ms', 'p99 ms', 'max ms'],
        rows: sizes.flatMap((n) => {
          const p = probes.get(n);
          const row = (what: string, d: Dist | undefined) => [`${n}`, what, fmt(d?.p50 ?? NaN), fmt(d?.p99 ?? NaN), fmt(d?.max ?? NaN)];
          return [row('autocommit INSERT', p?.insert), row('BEGIN, SELECT … FOR UPDATE, INSERT, COMMIT', p?.tx)];
        }),
      },
      ...(profiling ? [profileTable(profiles)] : []),
    ],
    checks,
    chart: barChart('Fan-out across 3 nodes: submit → receipt (median of repeats, whiskers min–max)', 'ms', [LABEL.relay, LABEL.warroom], groups),
    notes: profiling ? [...notes, 'This run was profiled (WARROOM_BENCH_CLUSTER_PROFILE=1): the inspector\'s sampling slows node 1 of both clusters, so its latencies are not the unprofiled ones.'] : notes,
    data: { nodes: NODES, rate, durationMs, warmupMs, drainMs, repeats, sizes, runs, setup, commitProbe: Object.fromEntries(probes) },
  };
}
