/**
 * Profiles the War Room server (node --cpu-prof) under the throughput benchmark's load: 50
 * clients, 4 writers, a ramp up to the given rate (default 1142 ops/s, where it first failed),
 * then prints the functions with the most self time. Usage: node bench/tools/profileServer.ts [rate]
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorld, measure } from '../benchmarks/fanout.ts';
import { topSelfTime, type CpuProfile } from '../lib/profile.ts';
import { startServer, stopAll } from '../lib/world.ts';

const top = Number(process.argv[2] ?? 1142);
const dir = fileURLToPath(new URL('../results/profiles/', import.meta.url));
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));
// buildWorld starts its own server; this one replaces it with a profiled process.
const w = await buildWorld('warroom', 50, 2, 4);
await w.server.stop();
w.server = await startServer('warroom', { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const { connectSwarms } = await import('../lib/world.ts');
await Promise.all([w.writer, ...w.receivers].map((s) => s.child.call('disconnect')));
await connectSwarms([w.writer], w.server, 'fanout', true);
await connectSwarms(w.receivers, w.server, 'fanout');
let run = 1;
for (const rate of [100, 150, 225, 338, 507, 761, top]) {
  const m = await measure(w, run++, { rate, durationMs: 3_000, warmupMs: 500, textBytes: 160, writers: 4, drainMs: 5_000 });
  console.log(`${rate} ops/s: p50 ${m.lat.p50.toFixed(1)} ms, p99 ${m.lat.p99.toFixed(1)} ms, ${m.delivered}/${m.expected}`);
}
await stopAll([...w.receivers.map((s) => s.child), w.writer.child, w.server]);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error('no profile written');
console.log(`\nWar Room server, whole ramp: top self time (${join(dir, file)})`);
for (const l of topSelfTime(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, 30)) console.log(l);
