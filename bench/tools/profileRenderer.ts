/**
 * Profiles the renderer where the benchmark finds it slow: opens an incident of N entries
 * (default 10000) like bench/benchmarks/renderer.ts, records a Chrome CPU profile while
 * (a) nothing happens for 3 s and (b) 20 remote ops arrive 250 ms apart, and prints the functions
 * with the most self time. Writes the .cpuprofile files next to bench/results (open them in
 * Chrome DevTools). Usage: node bench/tools/profileRenderer.ts [entries]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { webInviteLink } from '../../shared/invite.ts';
import { buildRenderer, CHROMIUM, CHROMIUM_ARGS, entryOp, seed, writer } from '../benchmarks/renderer.ts';
import { sleep } from '../lib/proc.ts';
import { topSelfTime as top, type CpuProfile as Profile } from '../lib/profile.ts';
import { startServer, tempDir } from '../lib/world.ts';

const n = Number(process.argv[2] ?? 10_000);
const out = fileURLToPath(new URL('../results/profiles/', import.meta.url));
mkdirSync(out, { recursive: true });
// Not minified, so the profiles name the app's and React's functions.
const build = buildRenderer(console.log, true);
const dataDir = tempDir('warroom-profile-');
const info = await seed(dataDir, [n]);
const server = await startServer('warroom', { dataDir, staticDir: build.dir });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const inc = info.get(n)!;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(webInviteLink(server.url, server.token, inc.id));
  await page.getByTestId('connect-name').fill('Profiler');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.getByTestId('connect-submit').click();
  await page.waitForSelector(`[data-entry-id="${inc.lastEntryId}"]`, { timeout: 60_000, state: 'attached' });
  {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    const file = `${out}renderer-${n}-first.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    console.log(`\nfirst render at ${n} entries (${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled): top self time (${file})`);
    for (const l of top(profile)) console.log(l);
  }
  await sleep(2_000);
  const w = await writer(server, inc.id);
  for (const phase of ['idle', 'ops'] as const) {
    await cdp.send('Profiler.start');
    if (phase === 'idle') await sleep(3_000);
    else for (let k = 0; k < 20; k++) {
      await w.timeout(10_000).emitWithAck('op:submit', entryOp(inc.id, 5_000 + k, w.clientId));
      await sleep(250);
    }
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    const file = `${out}renderer-${n}-${phase}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    console.log(`\n${phase === 'idle' ? '3 s idle' : '20 remote ops over 5 s'} at ${n} entries: top self time (${file})`);
    for (const l of top(profile)) console.log(l);
  }
  // What the main thread does, by trace event (CPU profiles show JS only): idle, then 20 ops.
  for (const phase of ['idle', 'ops'] as const) {
    const events: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { beginData?: { dirtyObjects?: number; totalObjects?: number } } }[] = [];
    const onData = (d: { value: unknown[] }) => void events.push(...(d.value as typeof events));
    cdp.on('Tracing.dataCollected', onData);
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    if (phase === 'idle') await sleep(3_000);
    else for (let k = 0; k < 20; k++) {
      await w.timeout(10_000).emitWithAck('op:submit', entryOp(inc.id, 6_000 + k, w.clientId));
      await sleep(250);
    }
    await cdp.send('Tracing.end');
    await done;
    cdp.off('Tracing.dataCollected', onData);
    const main = events.find((e) => e.name === 'thread_name' && (e as unknown as { args: { name: string } }).args.name === 'CrRendererMain');
    const byName = new Map<string, number>();
    let dirty = 0;
    let layouts = 0;
    for (const e of events) {
      if (!main || e.tid !== main.tid || e.pid !== main.pid) continue;
      if (e.ph === 'X' && e.dur) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur);
      if (e.name === 'Layout' && e.args?.beginData?.dirtyObjects !== undefined) {
        layouts++;
        dirty += e.args.beginData.dirtyObjects;
      }
    }
    console.log(`\n${phase === 'idle' ? '3 s idle' : '20 remote ops'} at ${n} entries: main-thread trace events by total duration (nested events overlap)${layouts ? `; ${layouts} layouts, ${(dirty / layouts).toFixed(0)} dirty objects each on average` : ''}`);
    for (const [k, us] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
  }
  w.close();
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (build.owned) rmSync(build.dir, { recursive: true, force: true });
}
