/**
 * 1. Fan-out latency: N clients in one incident, one writer at a steady rate; latency from the
 * writer's submit to the op's arrival at every client, War Room vs the bare relay.
 */
import { barChart } from '../lib/svg.ts';
import { dist, fmt, fmtRatio, ratio, repeated, type Dist } from '../lib/stats.ts';
import type { BenchContext, BenchOutput, Check } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import {
  connectSwarms, cpuMs, KIND_LABEL, KINDS, startServer, startSwarms, stopAll, type Kind, type ServerHandle, type Swarm,
} from '../lib/world.ts';

export interface FanoutRun {
  kind: Kind; n: number; rep: number; lat: Dist; expected: number; delivered: number;
  ackP50: number; ackP99: number; refused: number; serverCpuMsPerOp: number; achievedRate: number;
  /** Clients disconnected since they joined (cumulative over the world's runs), by reason. */
  dropped: Record<string, number>;
}

export interface World { server: ServerHandle; writer: Swarm; receivers: Swarm[]; joinedMs: number; settledMs: number; chatter: number; rssBefore: number; rssAfter: number }

const rss = async (s: ServerHandle) => (await s.child.call<{ rss: number }>('mem')).rss;

/** Server + writer + receivers, all connected and joined; also notes the join time and server RSS. */
export async function buildWorld(kind: Kind, n: number, procs: number, writers = 1): Promise<World> {
  const server = await startServer(kind);
  const [writer] = await startSwarms(writers, 1, 'writer');
  const receivers = await startSwarms(n, procs, 'c');
  await connectSwarms([writer!], server, 'fanout', true);
  await sleep(300);
  const rssBefore = await rss(server);
  const t0 = performance.now();
  await connectSwarms(receivers, server, 'fanout');
  const joinedMs = performance.now() - t0;
  // Every join makes War Room send the room's full presence list to the whole room; clients are
  // still decoding that backlog after the last join ack. Measure only once it has drained.
  const all = [writer!, ...receivers];
  const deadline = performance.now() + 400_000;
  let chatter: number;
  for (;;) {
    const q = await Promise.all(all.map((s) => s.child.call<{ quietMs: number; chatter: number }>('chatter')));
    chatter = q.reduce((a, x) => a + x.chatter, 0);
    if (q.every((x) => x.quietMs >= 1_500) || performance.now() > deadline) break;
    await sleep(250);
  }
  const settledMs = performance.now() - t0;
  return { server, writer: writer!, receivers, joinedMs, settledMs, chatter, rssBefore, rssAfter: await rss(server) };
}

/** Receivers that were disconnected after joining, by reason (e.g. "ping timeout"). */
export async function droppedClients(w: World): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of [w.writer, ...w.receivers]) {
    for (const [reason, n] of Object.entries(await s.child.call<Record<string, number>>('dropped'))) out[reason] = (out[reason] ?? 0) + n;
  }
  return out;
}

/** One measured run: record, write, wait until everything arrived (or the drain timeout), collect. */
export async function measure(w: World, run: number, o: { rate: number; durationMs: number; warmupMs: number; textBytes: number; writers?: number; drainMs: number }) {
  await Promise.all(w.receivers.map((s) => s.child.call('record', { run })));
  await sleep(200);
  const cpu0 = await w.server.child.call<{ user: number; system: number }>('cpu');
  const wr = await w.writer.child.call<{ measuredAcked: number; refused: number; firstRefusal: string; ackMs: number[]; achievedRate: number; sent: number; warm: number }>(
    'write', { run, rate: o.rate, durationMs: o.durationMs, warmupMs: o.warmupMs, textBytes: o.textBytes, writers: o.writers ?? 1 }, o.durationMs * 4 + 60_000);
  const clients = w.receivers.reduce((a, s) => a + s.ids.length, 0);
  const expected = wr.measuredAcked * clients;
  const deadline = performance.now() + o.drainMs;
  while (performance.now() < deadline) {
    const r = await Promise.all(w.receivers.map((s) => s.child.call<{ count: number }>('received')));
    if (r.reduce((a, x) => a + x.count, 0) >= expected) break;
    await sleep(100);
  }
  const cpu1 = await w.server.child.call<{ user: number; system: number }>('cpu');
  const parts = await Promise.all(w.receivers.map((s) => s.child.call<{ samples: Float64Array }>('collect', undefined, 120_000)));
  const all = new Float64Array(parts.reduce((a, p) => a + p.samples.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p.samples, off);
    off += p.samples.length;
  }
  const ack = dist(wr.ackMs);
  return {
    lat: dist(all), expected, delivered: all.length, ackP50: ack.p50, ackP99: ack.p99, refused: wr.refused, firstRefusal: wr.firstRefusal,
    serverCpuMsPerOp: cpuMs(cpu0, cpu1) / Math.max(1, wr.sent), achievedRate: wr.achievedRate,
  };
}

export async function runFanout(ctx: BenchContext): Promise<BenchOutput> {
  // WARROOM_BENCH_FANOUT_SIZES=1000 overrides the client counts (for looking at one size).
  const fromEnv = (process.env.WARROOM_BENCH_FANOUT_SIZES ?? '').split(',').map(Number).filter((n) => n > 0);
  const sizes = fromEnv.length ? fromEnv : ctx.quick ? [100] : [100, 500, 1000];
  const rate = 10;
  const durationMs = ctx.quick ? 3_000 : 8_000;
  const warmupMs = ctx.quick ? 1_000 : 2_000;
  const runs: FanoutRun[] = [];
  const setup: { kind: Kind; n: number; joinedMs: number; settledMs: number; chatter: number; rssPerClientKB: number }[] = [];
  let run = 1;
  for (const n of sizes) {
    const procs = Math.min(4, Math.max(1, Math.ceil(n / 250)));
    ctx.log(`fanout: ${n} clients in ${procs} client processes per server; connecting both worlds`);
    const worlds = new Map<Kind, World>();
    try {
      for (const kind of KINDS) {
        const w = await buildWorld(kind, n, procs);
        worlds.set(kind, w);
        setup.push({ kind, n, joinedMs: w.joinedMs, settledMs: w.settledMs, chatter: w.chatter, rssPerClientKB: (w.rssAfter - w.rssBefore) / n / 1024 });
        ctx.log(`  ${kind}: ${n} clients joined in ${fmt(w.joinedMs / 1000)} s, presence traffic settled after ${fmt(w.settledMs / 1000)} s; server RSS +${fmt((w.rssAfter - w.rssBefore) / n / 1024)} KB per client`);
      }
      for (let rep = 0; rep < ctx.repeats; rep++) {
        // Alternate which server goes first, so drift in machine load does not favour one.
        const order = rep % 2 === 0 ? KINDS : [...KINDS].reverse();
        for (const kind of order) {
          const m = await measure(worlds.get(kind)!, run++, { rate, durationMs, warmupMs, textBytes: 160, drainMs: 10_000 });
          if (m.refused) ctx.log(`  ${kind}: ${m.refused} ops refused (${m.firstRefusal})`);
          const dropped = await droppedClients(worlds.get(kind)!);
          const lostClients = Object.values(dropped).reduce((a, x) => a + x, 0);
          if (lostClients) ctx.log(`  ${kind}: ${lostClients} clients were disconnected so far: ${JSON.stringify(dropped)}`);
          runs.push({ kind, n, rep, ...m, dropped });
          ctx.log(`  ${kind.padEnd(7)} n=${n} rep ${rep + 1}: p50 ${fmt(m.lat.p50)} ms p99 ${fmt(m.lat.p99)} ms max ${fmt(m.lat.max)} ms, delivered ${m.delivered}/${m.expected}, server CPU ${fmt(m.serverCpuMsPerOp)} ms/op`);
        }
      }
    } finally {
      for (const w of worlds.values()) await stopAll([...w.receivers.map((s) => s.child), w.writer.child, w.server]);
    }
  }

  const med = (kind: Kind, n: number, f: (r: FanoutRun) => number) => repeated(runs.filter((r) => r.kind === kind && r.n === n).map(f));
  const rows: string[][] = [];
  const checks: Check[] = [];
  const groups = [];
  for (const n of sizes) {
    const cell = (kind: Kind) => {
      const p50 = med(kind, n, (r) => r.lat.p50);
      const p99 = med(kind, n, (r) => r.lat.p99);
      const max = med(kind, n, (r) => r.lat.max);
      const del = runs.filter((r) => r.kind === kind && r.n === n);
      const delivered = del.reduce((a, r) => a + r.delivered, 0);
      const expected = del.reduce((a, r) => a + r.expected, 0);
      const cpu = med(kind, n, (r) => r.serverCpuMsPerOp);
      return { p50, p99, max, delivered, expected, cpu };
    };
    const b = cell('relay');
    const w = cell('warroom');
    const r50 = ratio(w.p50.median, b.p50.median);
    const r99 = ratio(w.p99.median, b.p99.median);
    for (const [kind, c] of [['relay', b], ['warroom', w]] as const) {
      rows.push([
        `${n}`, KIND_LABEL[kind], `${fmt(c.p50.median)} (${fmt(c.p50.min)}–${fmt(c.p50.max)})`, `${fmt(c.p99.median)} (${fmt(c.p99.min)}–${fmt(c.p99.max)})`,
        fmt(c.max.median), `${c.delivered}/${c.expected}`, fmt(c.cpu.median),
        kind === 'warroom' ? fmtRatio(r50) : '', kind === 'warroom' ? fmtRatio(r99) : '',
      ]);
    }
    checks.push({ what: `p50 ratio, ${n} clients`, value: fmtRatio(r50), target: '≤ 1.30×', pass: r50 <= 1.3 });
    checks.push({ what: `p99 ratio, ${n} clients`, value: fmtRatio(r99), target: '≤ 1.50×', pass: r99 <= 1.5 });
    const drops = runs.filter((r) => r.kind === 'warroom' && r.n === n).at(-1)?.dropped ?? {};
    const dropText = Object.keys(drops).length ? ` (${Object.entries(drops).map(([k, v]) => `${v} clients disconnected: ${k}`).join(', ')})` : '';
    checks.push({ what: `lost ops, ${n} clients`, value: `${w.expected - w.delivered}${dropText}`, target: '0', pass: w.delivered === w.expected && w.expected > 0 });
    groups.push({ label: `${n} p50`, values: [b.p50.median, w.p50.median], spread: [[b.p50.min, b.p50.max], [w.p50.min, w.p50.max]] as [number, number][] });
    groups.push({ label: `${n} p99`, values: [b.p99.median, w.p99.median], spread: [[b.p99.min, b.p99.max], [w.p99.min, w.p99.max]] as [number, number][] });
  }
  return {
    name: 'fanout',
    title: 'Fan-out latency',
    method: [
      `One writer submits a 160-character timeline.add every ${1000 / rate} ms (${rate} ops/s, open loop) for ${durationMs / 1000} s; the first ${warmupMs / 1000} s are warm-up and not counted.`,
      'Latency = writer\'s submit call → op:committed handler at each receiving client, measured with CLOCK_MONOTONIC (process.hrtime) carried in the op text, so it is comparable across processes.',
      'War Room: the real server (validation, permission, reducer, SQLite WAL synchronous=FULL commit, then broadcast). Baseline: bench/baseline/relay.ts, a bare socket.io server that stamps a seq and relays; same transport (websocket only), same socket.io client code.',
      'Server, writer and receivers are separate processes (receivers split over up to 4 processes of ≤250 sockets). All share the machine\'s 2 cores, so client-side decoding competes with the server; both servers pay that equally.',
      `Both servers are connected before measuring and runs alternate between them; ${ctx.repeats} repeats per size, median shown with min–max.`,
      'Setup (not part of the latency): the time for all receivers to connect and join (25 at a time), then until no presence or list update has reached any client for 1.5 s, and the server\'s RSS growth per joined client (after GC). Measuring starts after that.',
      'Delivered counts receipts within 10 s after the last submit; anything missing by then is counted as lost.',
    ],
    tables: [
      { columns: ['clients', 'server', 'p50 ms (min–max)', 'p99 ms (min–max)', 'max ms', 'delivered', 'server CPU ms/op', 'p50 ratio', 'p99 ratio'], rows },
      {
        columns: ['clients', 'server', 'all joined (s)', 'presence traffic settled (s)', 'presence + list messages received', 'server RSS per joined client KB'],
        rows: setup.map((x) => [`${x.n}`, KIND_LABEL[x.kind], fmt(x.joinedMs / 1000), fmt(x.settledMs / 1000), `${x.chatter}`, fmt(x.rssPerClientKB)]),
      },
    ],
    checks,
    chart: barChart('Fan-out latency: submit → receipt (median of repeats, whiskers min–max)', 'ms', [KIND_LABEL.relay, KIND_LABEL.warroom], groups),
    notes: [],
    data: { rate, durationMs, warmupMs, sizes, runs, setup },
  };
}
