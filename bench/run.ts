/**
 * `npm run bench` runs every benchmark; `npm run bench -- --quick` a short version;
 * `npm run bench -- fanout store` only those. Prints a table per benchmark and writes
 * bench/results/<name>.json, <name>.svg and SUMMARY.md. See docs/PERFORMANCE.md.
 */
import { fileURLToPath } from 'node:url';
import { checksTable, machineInfo, tableText, writeResult, writeSummary, type BenchContext, type BenchOutput } from './lib/report.ts';

type Bench = (ctx: BenchContext) => Promise<BenchOutput>;

/** Lazy imports (file, export): a benchmark whose War Room piece is missing fails alone. */
const BENCHES: Record<string, [string, string]> = {
  store: ['store', 'runStore'],
  reducer: ['reducer', 'runReducer'],
  export: ['export', 'runExport'],
  join: ['join', 'runJoin'],
  fanout: ['fanout', 'runFanout'],
  throughput: ['throughput', 'runThroughput'],
  memory: ['memory', 'runMemory'],
  renderer: ['renderer', 'runRenderer'],
  cluster: ['cluster', 'runCluster'],
};
async function load(name: string): Promise<Bench> {
  const [file, fn] = BENCHES[name]!;
  const mod = (await import(`./benchmarks/${file}.ts`)) as Record<string, Bench>;
  return mod[fn]!;
}
const ORDER = Object.keys(BENCHES);

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const repIdx = argv.indexOf('--repeats');
// Ratios swing between runs on a shared machine: 3 paired runs at least in both modes (quick runs smaller sizes).
const repeats = repIdx >= 0 ? Math.max(1, Number(argv[repIdx + 1])) : 3;
const names = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--repeats');
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}. Known: ${ORDER.join(', ')}.`);
  process.exit(2);
}
const selected = names.length ? ORDER.filter((n) => names.includes(n)) : ORDER;
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const machine = machineInfo();
console.log(`War Room benchmarks (${quick ? 'quick' : 'full'}, ${repeats} repeats): ${selected.join(', ')}`);
console.log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadavg}`);

const ctx: BenchContext = { quick, repeats, resultsDir, log: (m) => console.log(`  · ${m}`) };
let failures = 0;
for (const name of selected) {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  console.log(`\n== ${name}`);
  try {
    const bench = await load(name);
    const out = await bench(ctx);
    const durationS = (performance.now() - t0) / 1000;
    writeResult(resultsDir, { ...out, mode: quick ? 'quick' : 'full', startedAt, durationS, machine: machineInfo() });
    for (const t of out.tables) console.log(`\n${tableText(t)}`);
    if (out.checks.length) console.log(`\n${tableText(checksTable(out.checks))}`);
    for (const n of out.notes) console.log(`note: ${n}`);
    console.log(`(${durationS.toFixed(0)} s)`);
  } catch (e) {
    failures++;
    console.error(`${name} failed: ${(e as Error).stack ?? String(e)}`);
  }
}
const summary = writeSummary(resultsDir, ORDER);
console.log(`\nWrote ${summary}`);
process.exit(failures ? 1 : 0);
