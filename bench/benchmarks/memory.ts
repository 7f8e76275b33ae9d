/**
 * 6. Memory: server RSS per connected client (1000 clients joined to one incident) and RSS after
 * 100k ops spread over 100 incidents, War Room vs the relay. Measured by the server process
 * itself after a full GC (--expose-gc), so garbage waiting for collection is not counted.
 */
import { barChart } from '../lib/svg.ts';
import { fmt, fmtRatio, repeated } from '../lib/stats.ts';
import type { BenchContext, BenchOutput, Check } from '../lib/report.ts';
import { sleep } from '../lib/proc.ts';
import { connectSwarms, KIND_LABEL, KINDS, startServer, startSwarms, stopAll, type Kind } from '../lib/world.ts';

interface Mem { rss: number; heapUsed: number; external: number }
const MB = 2 ** 20;

async function settle(child: { call<T>(cmd: string): Promise<T> }): Promise<Mem> {
  await sleep(500);
  await child.call<Mem>('mem');
  await sleep(200);
  return child.call<Mem>('mem');
}

async function perClient(kind: Kind, n: number) {
  const server = await startServer(kind);
  const [writer] = await startSwarms(1, 1, 'writer');
  const receivers = await startSwarms(n, Math.min(4, Math.ceil(n / 250)), 'c');
  try {
    await connectSwarms([writer!], server, 'memory', true);
    const before = await settle(server.child);
    // Connected and authenticated, not joined: War Room sends every room member the full presence
    // list on each join, so joining 1000 sockets to one room takes minutes (see the fan-out setup).
    await connectSwarms(receivers, server, '');
    const after = await settle(server.child);
    return { before, after, perClientKB: (after.rss - before.rss) / n / 1024, heapPerClientKB: (after.heapUsed - before.heapUsed) / n / 1024 };
  } finally {
    await stopAll([...receivers.map((s) => s.child), writer!.child, server]);
  }
}

async function afterOps(kind: Kind, incidents: number, opsEach: number) {
  const server = await startServer(kind);
  const [writers] = await startSwarms(incidents, 1, 'w');
  try {
    await connectSwarms([writers!], server, '');
    const before = await settle(server.child);
    const fill = await writers!.child.call<{ ms: number; refused: number; ops: number }>('fill', { prefix: 'mem', opsEach, window: 4, textBytes: 160 }, 900_000);
    const after = await settle(server.child);
    return { before, after, fill };
  } finally {
    await stopAll([writers!.child, server]);
  }
}

export async function runMemory(ctx: BenchContext): Promise<BenchOutput> {
  const n = ctx.quick ? 200 : 1_000;
  const incidents = ctx.quick ? 20 : 100;
  const opsEach = 1_000;
  const reps = Math.min(2, ctx.repeats);
  const clientRuns = new Map<Kind, Awaited<ReturnType<typeof perClient>>[]>();
  const opRuns = new Map<Kind, Awaited<ReturnType<typeof afterOps>>>();
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of rep % 2 ? [...KINDS].reverse() : KINDS) {
      const r = await perClient(kind, n);
      clientRuns.set(kind, [...(clientRuns.get(kind) ?? []), r]);
      ctx.log(`memory ${kind}: ${n} clients → ${fmt(r.perClientKB)} KB RSS per client (RSS ${fmt(r.before.rss / MB)} → ${fmt(r.after.rss / MB)} MB)`);
    }
  }
  for (const kind of KINDS) {
    const r = await afterOps(kind, incidents, opsEach);
    opRuns.set(kind, r);
    ctx.log(`memory ${kind}: ${r.fill.ops} ops in ${incidents} incidents (${fmt(r.fill.ms / 1000)} s, ${r.fill.refused} refused) → RSS ${fmt(r.after.rss / MB)} MB`);
  }
  const pc = (k: Kind) => repeated(clientRuns.get(k)!.map((r) => r.perClientKB));
  const heap = (k: Kind) => repeated(clientRuns.get(k)!.map((r) => r.heapPerClientKB));
  const b = pc('relay');
  const w = pc('warroom');
  const ob = opRuns.get('relay')!;
  const ow = opRuns.get('warroom')!;
  const checks: Check[] = [
    { what: `RSS per connected client, ${n} clients, vs relay`, value: `${fmt(w.median)} KB (${fmtRatio(w.median / b.median)})`, target: 'reported (no target set)', pass: null },
    { what: `RSS after ${ow.fill.ops / 1000}k ops in ${incidents} incidents`, value: `${fmt(ow.after.rss / MB)} MB`, target: 'reported (no target set)', pass: null },
  ];
  return {
    name: 'memory',
    title: 'Server memory',
    method: [
      `Per client: server RSS (after a full GC, measured inside the server process) with only the writer connected, then with ${n} more clients connected (handshake and token checked, not joined to an incident); the difference ÷ ${n}. ${reps} repeats per server. The fan-out benchmark reports the same for clients joined to one incident.`,
      `After ops: a fresh server; ${incidents} clients each create an incident and submit ${opsEach} 160-character timeline.add ops (4 in flight each), then RSS after GC. War Room keeps every incident's folded state in memory (its cache); the relay keeps nothing.`,
      'Clients are in their own processes; only the server process is measured.',
    ],
    tables: [
      {
        columns: ['server', 'RSS per client KB (median, min–max)', 'heap per client KB', 'RSS idle MB', `RSS with ${n} clients MB`],
        rows: KINDS.map((k) => {
          const r = pc(k);
          const last = clientRuns.get(k)!.at(-1)!;
          return [KIND_LABEL[k], `${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)})`, fmt(heap(k).median), fmt(last.before.rss / MB), fmt(last.after.rss / MB)];
        }),
      },
      {
        columns: ['server', 'ops', 'fill time s', 'RSS before MB', 'RSS after MB', 'heap after MB', 'refused'],
        rows: KINDS.map((k) => {
          const o = opRuns.get(k)!;
          return [KIND_LABEL[k], `${o.fill.ops}`, fmt(o.fill.ms / 1000), fmt(o.before.rss / MB), fmt(o.after.rss / MB), fmt(o.after.heapUsed / MB), `${o.fill.refused}`];
        }),
      },
    ],
    checks,
    chart: barChart('Server memory (MB, after GC)', 'MB', [KIND_LABEL.relay, KIND_LABEL.warroom], [
      { label: 'idle', values: [clientRuns.get('relay')!.at(-1)!.before.rss / MB, clientRuns.get('warroom')!.at(-1)!.before.rss / MB] },
      { label: `${n} clients`, values: [clientRuns.get('relay')!.at(-1)!.after.rss / MB, clientRuns.get('warroom')!.at(-1)!.after.rss / MB] },
      { label: `${ow.fill.ops / 1000}k ops / ${incidents} inc.`, values: [ob.after.rss / MB, ow.after.rss / MB] },
    ]),
    notes: [],
    data: { n, incidents, opsEach, clientRuns: Object.fromEntries(clientRuns), opRuns: Object.fromEntries(opRuns) },
  };
}
