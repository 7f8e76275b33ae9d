/**
 * Not one of the seven, but behind several of them: the cost of the shared reducer's
 * apply() for one timeline.add as the timeline grows. The server folds every submitted op with it
 * and every client folds every received op with it. Baseline: the O(1) floor, pushing the same
 * entry onto a mutable array. The breakdown times the two linear steps inside apply() separately.
 */
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { apply, findEntryIndex } from '../../shared/reducer.ts';
import { lineChart } from '../lib/svg.ts';
import { fmt, fmtRatio, repeated } from '../lib/stats.ts';
import type { BenchContext, BenchOutput, Check } from '../lib/report.ts';
import { fastFold, logWithEntries, noteText } from '../lib/data.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { tempDir } from '../lib/world.ts';

function opAt(state: IncidentState, k: number): CommittedOp {
  const seq = state.headSeq + 1;
  const at = state.updatedAt + 1000;
  return {
    opId: `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`, incidentId: state.id, actorId: 'ana', clientTime: at, seq, serverTime: at,
    type: 'timeline.add', payload: { entryId: `live-${k}`, kind: 'note', text: noteText(k) },
  } as CommittedOp;
}

/** Microseconds per call: `inner` calls per sample, so timer resolution does not matter. */
function usPer(fn: (i: number) => unknown, samples: number, inner: number): number[] {
  for (let i = 0; i < inner * 2; i++) fn(i);
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn(i);
    out.push(((performance.now() - t0) * 1000) / inner);
  }
  return out;
}

export async function runReducer(ctx: BenchContext): Promise<BenchOutput> {
  const sizes = ctx.quick ? [1_000, 10_000, 50_000] : [1_000, 10_000, 50_000, 100_000];
  const samples = ctx.quick ? 5 : 11;
  const rows: string[][] = [];
  const points: Record<string, [number, number][]> = { apply: [], scan: [], copy: [], push: [] };
  const results: Record<number, Record<string, number>> = {};
  // The server also writes a snapshot of the whole state every SNAPSHOT_EVERY_OPS ops, synchronously.
  const dir = tempDir('warroom-bench-snap-');
  const store = createSqliteStore({ file: join(dir, 'snap.db') });
  await store.open();
  try {
    for (const n of sizes) {
      const { state } = fastFold(logWithEntries(`reducer-${n}`, n, 200));
      const ops = Array.from({ length: 64 }, (_, k) => opAt(state, k));
      const inner = Math.max(5, Math.round(200_000 / n));
      const applyUs = repeated(usPer((i) => apply(state, ops[i % ops.length]!), samples, inner));
      const scanUs = repeated(usPer((i) => findEntryIndex(state.timeline, `live-${i}`), samples, inner));
      const copyUs = repeated(usPer(() => state.timeline.slice(), samples, inner));
      const scratch = state.timeline.slice();
      const pushUs = repeated(usPer((i) => {
        scratch.push({ ...scratch[scratch.length - 1]!, id: `live-${i}` });
        scratch.pop();
      }, samples, inner * 20));
      const stringifyMs = repeated(Array.from({ length: 3 }, () => {
        const t0 = performance.now();
        JSON.stringify(state);
        return performance.now() - t0;
      }));
      const snapMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await store.saveSnapshot({ incidentId: state.id, seq: state.headSeq + i, state });
        snapMs.push(performance.now() - t0);
      }
      const snap = repeated(snapMs);
      results[n] = { apply: applyUs.median, scan: scanUs.median, copy: copyUs.median, push: pushUs.median, stringifyMs: stringifyMs.median, saveSnapshotMs: snap.median };
      points.apply!.push([n, applyUs.median]);
      points.scan!.push([n, scanUs.median]);
      points.copy!.push([n, copyUs.median]);
      points.push!.push([n, pushUs.median]);
      rows.push([`${n}`, `${fmt(applyUs.median)} (${fmt(applyUs.min)}–${fmt(applyUs.max)})`, fmt(scanUs.median), fmt(copyUs.median), fmt(pushUs.median), fmtRatio(applyUs.median / pushUs.median), fmt(stringifyMs.median), fmt(snap.median)]);
      ctx.log(`reducer: ${n} entries: apply(timeline.add) ${fmt(applyUs.median)} µs, saveSnapshot ${fmt(snap.median)} ms`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const small = results[sizes[0]!]!.apply!;
  const large = results[sizes.at(-1)!]!.apply!;
  const checks: Check[] = [{ what: `apply() at ${sizes.at(-1)! / 1000}k vs ${sizes[0]! / 1000}k entries`, value: fmtRatio(large / small), target: '≈ 1× (DESIGN.md: O(1) per op; not an issue-6 target)', pass: large / small <= 1.5 }];
  return {
    name: 'reducer',
    title: 'Shared reducer and snapshots vs timeline size',
    method: [
      'apply(state, timeline.add) from shared/reducer.ts on states folded from synthetic logs; each sample runs the call many times (≥ 5) and divides; median of samples, one process.',
      'Snapshot: JSON.stringify of the whole state, and the SQLite store\'s saveSnapshot (stringify + durable write), which the server runs synchronously on its event loop every 500 ops of an incident.',
      'Breakdown: findEntryIndex over the whole timeline (the duplicate-id check, a miss scans every entry) and timeline.slice() (the copy insertEntry makes). Baseline: pushing the same entry onto a mutable array.',
    ],
    tables: [{ columns: ['timeline entries', 'apply µs (min–max)', 'id scan µs', 'array copy µs', 'baseline push µs', 'apply ÷ push', 'state JSON.stringify ms', 'SQLite saveSnapshot ms'], rows }],
    checks,
    chart: lineChart('Shared reducer: µs per timeline.add vs timeline size', 'timeline entries', 'µs', [
      { name: 'apply()', points: points.apply! }, { name: 'id scan', points: points.scan! }, { name: 'array copy', points: points.copy! }, { name: 'baseline push', points: points.push! },
    ], { log: true }),
    notes: [],
    data: results,
  };
}
