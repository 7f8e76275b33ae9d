/**
 * 4. Renderer in Chromium: the real app (built with vite, served by the real War Room server,
 * opened from an invite link) on incidents of 1k, 10k and 50k timeline entries (issue 15 targets).
 * - first render: the click on Join → the newest entry's row is in the DOM (no local copy: a fresh
 *   browser profile, so the state comes from the server's join answer);
 * - one remote op: a writer submits one timeline.add through the server; main-thread time is the
 *   page's task handling that websocket message (decode, parse, reducer, store, React render) plus
 *   the extra cost of the next frame (style, layout, paint) over an idle frame (see PROBE);
 * - flatness: that op at 50k vs 1k entries, paired page opens in the same repeat;
 * - frames dropped: requestAnimationFrame gaps while 50 ops/s stream in, vs the same window idle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { webInviteLink } from '../../shared/invite.ts';
import type { Op } from '../../shared/ops.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { lineChart } from '../lib/svg.ts';
import { fmt, fmtRatio, repeated } from '../lib/stats.ts';
import type { BenchContext, BenchOutput, Check } from '../lib/report.ts';
import { fastFold, logWithEntries, noteText } from '../lib/data.ts';
import { sleep } from '../lib/proc.ts';
import { topSelfTime, type CpuProfile } from '../lib/profile.ts';
import { startServer, tempDir, type ServerHandle } from '../lib/world.ts';

export const CHROMIUM = process.env.WARROOM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds the renderer into a private folder (or uses WARROOM_BENCH_RENDERER_DIR); `readable` skips minifying (profiles name functions). */
export function buildRenderer(log: (m: string) => void, readable = false): { dir: string; owned: boolean } {
  const given = process.env.WARROOM_BENCH_RENDERER_DIR;
  if (given) return { dir: given, owned: false };
  const dir = tempDir('warroom-bench-renderer-');
  log(`renderer: building the renderer with vite into a private folder (not timed)${readable ? ', not minified' : ''}`);
  const r = spawnSync('npx', ['vite', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn', ...(readable ? ['--minify', 'false'] : [])], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !existsSync(joinPath(dir, 'index.html'))) throw new Error(`vite build failed: ${(r.stderr || r.stdout).slice(-2000)}`);
  return { dir, owned: true };
}

export async function seed(dir: string, sizes: number[]) {
  const store = createSqliteStore({ file: joinPath(dir, 'warroom.db') });
  await store.open();
  const info = new Map<number, { id: string; lastEntryId: string; entries: number }>();
  try {
    for (const n of [0, ...sizes]) {
      const id = `render-${n}`;
      const ops = logWithEntries(id, Math.max(12, n), 100 + info.size);
      const { state } = fastFold(ops);
      for (let i = 0; i < ops.length; i += 2_000) await store.append(ops.slice(i, i + 2_000));
      await store.saveSnapshot({ incidentId: id, seq: ops.length, state });
      info.set(n, { id, lastEntryId: state.timeline.at(-1)!.id, entries: state.timeline.length });
    }
  } finally {
    await store.close();
  }
  return info;
}

/** A writer with its own member id: an invite binds the id it is first redeemed with, so every writer is new. */
export function writer(server: ServerHandle, incidentId: string): Promise<Socket & { clientId: string }> {
  const clientId = `bench-writer-${randomUUID().slice(0, 8)}`;
  const s = Object.assign(io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: server.token, protocol: PROTOCOL_VERSION, clientId } }), { clientId });
  return new Promise((resolve, reject) => {
    s.once('connect_error', reject);
    s.once('connect', () => {
      void s.timeout(30_000).emitWithAck('incident:join', { incidentId, sinceSeq: 1_000_000_000 }).then(() => resolve(s), reject);
    });
  });
}

export const entryOp = (incidentId: string, k: number, actorId: string): Op => ({
  opId: randomUUID(), incidentId, actorId, clientTime: Date.now(), type: 'timeline.add',
  payload: { entryId: `live-${k}-${randomUUID().slice(0, 8)}`, kind: 'note', text: noteText(k + 7) },
});

interface ProbeWindow { __opTimes: { task: number; frame: number }[]; __frameProbe(): Promise<number> }

/**
 * Injected before the app: a 'message' listener on every WebSocket, registered before socket.io's
 * own, notes when a frame carrying a benchmark op ("live-…" entry id) arrives. `task` runs from
 * there to a task posted behind it: the message handler plus the microtasks it queued (the store
 * update and React's synchronous render). `frame` runs from the next requestAnimationFrame to a
 * task posted from it: that frame's style, layout and paint. __frameProbe() measures an idle frame
 * the same way, as the baseline.
 */
const PROBE = `(() => {
  const after = (fn) => { const ch = new MessageChannel(); ch.port1.onmessage = fn; ch.port2.postMessage(0); };
  window.__opTimes = [];
  window.__frameProbe = () => new Promise((res) => requestAnimationFrame(() => { const a = performance.now(); after(() => res(performance.now() - a)); }));
  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || !e.data.includes('"live-')) return;
        const t0 = performance.now();
        after(() => {
          const task = performance.now() - t0;
          requestAnimationFrame(() => { const f0 = performance.now(); after(() => window.__opTimes.push({ task, frame: performance.now() - f0 })); });
        });
      });
    }
  }
  window.WebSocket = Probed;
})();`;

/** One page open of one incident: what it measured. */
interface PageRun {
  first: number;
  /** Per op: message task + (its frame − idle frame), ms. */
  op: number[];
  task: number[];
  frameExtra: number[];
  /** Chrome's TaskDuration growth per op over the op sequence, minus the idle rate (timers, GC, effects, saves). */
  allPerOp: number;
  idlePerS: number;
  frames?: { idle: FrameWindow; streaming: FrameWindow };
}
interface FrameWindow { frames: number; dropped: number; longest: number }
const dropShare = (w: FrameWindow) => w.dropped / Math.max(1, w.frames + w.dropped);

export async function runRenderer(ctx: BenchContext): Promise<BenchOutput> {
  // Quick skips the near-empty incident (a reported baseline only); the checked rows stay the same.
  const sizes = [1_000, 10_000, 50_000];
  const opened = ctx.quick ? sizes : [0, ...sizes];
  // Paired ratios need at least 3 runs whatever the default repeat count of the mode.
  const reps = Math.max(3, ctx.repeats);
  const opsPerPage = ctx.quick ? 6 : 12;
  const opGapMs = ctx.quick ? 150 : 300;
  const windowMs = ctx.quick ? 1_500 : 4_000;
  const idleMs = ctx.quick ? 600 : 1_000;
  const { chromium } = await import('playwright-core');
  const build = buildRenderer(ctx.log);
  const dataDir = tempDir('warroom-bench-renderer-data-');
  const cleanup: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  if (build.owned) cleanup.push(() => rmSync(build.dir, { recursive: true, force: true }));
  const runs = new Map<number, PageRun[]>(opened.map((n) => [n, []]));
  const notes: string[] = [];
  let profileTop: string[] = [];
  try {
    const info = await seed(dataDir, sizes);
    const server = await startServer('warroom', { dataDir, staticDir: build.dir });
    cleanup.unshift(() => server.stop());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    cleanup.unshift(() => browser.close());
    let liveK = 0;
    const openPage = async (n: number, measure: boolean, profile = false): Promise<PageRun | null> => {
      const inc = info.get(n)!;
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addInitScript(PROBE);
      const page = await context.newPage();
      try {
        await page.goto(webInviteLink(server.url, server.token, inc.id));
        await page.getByTestId('connect-name').fill('Bench Reader');
        await sleep(200);
        // The clock starts in the page, in the same task as the click on Join.
        const t0 = await page.evaluate(() => {
          const t = performance.now();
          (document.querySelector('[data-testid="connect-submit"]') as HTMLButtonElement).click();
          return t;
        });
        const at = await page.waitForFunction((id) => (document.querySelector(`[data-entry-id="${id}"]`) ? performance.now() : 0), inc.lastEntryId, { polling: 'raf', timeout: 60_000 });
        const first = ((await at.jsonValue()) as number) - t0;
        if (!measure) return null;
        await sleep(400);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const taskMs = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0) * 1000;
        const w = await writer(server, inc.id);
        try {
          const a0 = await taskMs();
          const s0 = performance.now();
          await sleep(idleMs);
          const idlePerS = ((await taskMs()) - a0) / ((performance.now() - s0) / 1000);
          const idleFrames: number[] = [];
          for (let k = 0; k < 3; k++) idleFrames.push(await page.evaluate(() => (window as unknown as ProbeWindow).__frameProbe()));
          const idleFrame = repeated(idleFrames).median;
          const run: PageRun = { first, op: [], task: [], frameExtra: [], allPerOp: NaN, idlePerS };
          const b0 = await taskMs();
          const t1 = performance.now();
          for (let k = 0; k < opsPerPage; k++) {
            const op = entryOp(inc.id, liveK++, w.clientId);
            const ack = (await w.timeout(10_000).emitWithAck('op:submit', op)) as { ok: boolean; message?: string };
            if (!ack.ok) throw new Error(`op refused: ${ack.message}`);
            await sleep(opGapMs);
            // A slow page may still be busy with it: wait for the probe (bounded), then take the sample.
            await page.waitForFunction(() => (window as unknown as ProbeWindow).__opTimes.length > 0, undefined, { timeout: 15_000, polling: 50 }).catch(() => undefined);
            const t = await page.evaluate(() => (window as unknown as ProbeWindow).__opTimes.shift());
            if (!t) throw new Error(`${n} entries: no op:committed message reached the page`);
            run.task.push(t.task);
            run.frameExtra.push(Math.max(0, t.frame - idleFrame));
            run.op.push(t.task + Math.max(0, t.frame - idleFrame));
            if (k === 0 && !(await page.$(`[data-entry-id="${(op.payload as { entryId: string }).entryId}"]`))) notes.push(`${n} entries: the new entry's row was not in the DOM after the op.`);
          }
          run.allPerOp = ((await taskMs()) - b0 - idlePerS * ((performance.now() - t1) / 1000)) / opsPerPage;
          if (n === 10_000) {
            // Idle and streaming windows, alternating which goes first from run to run.
            const order = runs.get(n)!.length % 2 === 0 ? [false, true] : [true, false];
            const got: Partial<Record<'idle' | 'streaming', FrameWindow>> = {};
            for (const streaming of order) {
              await page.evaluate(() => {
                const x = window as unknown as { __frames: number[]; __stop: boolean };
                x.__frames = [];
                x.__stop = false;
                const loop = (t: number) => { x.__frames.push(t); if (!x.__stop) requestAnimationFrame(loop); };
                requestAnimationFrame(loop);
              });
              const s1 = performance.now();
              while (performance.now() - s1 < windowMs) {
                if (streaming) w.emit('op:submit', entryOp(inc.id, liveK++, w.clientId), () => undefined);
                await sleep(20);
              }
              const ts = await page.evaluate(() => {
                const x = window as unknown as { __frames: number[]; __stop: boolean };
                x.__stop = true;
                return x.__frames;
              });
              let dropped = 0;
              let longest = 0;
              for (let i = 1; i < ts.length; i++) {
                const gap = ts[i]! - ts[i - 1]!;
                longest = Math.max(longest, gap);
                dropped += Math.max(0, Math.round(gap / (1000 / 60)) - 1);
              }
              got[streaming ? 'streaming' : 'idle'] = { frames: ts.length, dropped, longest };
              await sleep(400);
            }
            run.frames = { idle: got.idle!, streaming: got.streaming! };
          }
          if (profile) {
            // A CPU profile of ops at 50 ops/s, so a missed target names where the time went.
            await cdp.send('Profiler.enable');
            await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
            await cdp.send('Profiler.start');
            for (let k = 0; k < 50; k++) {
              w.emit('op:submit', entryOp(inc.id, liveK++, w.clientId), () => undefined);
              await sleep(20);
            }
            await sleep(300);
            const { profile: p } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
            profileTop = topSelfTime(p, 6).map((l) => l.trim().replace(/\s+/g, ' '));
          }
          // The next open of this incident waits for the newest entry: one more op, acknowledged, is it.
          const tail = entryOp(inc.id, liveK++, w.clientId);
          const ack = (await w.timeout(10_000).emitWithAck('op:submit', tail)) as { ok: boolean; message?: string };
          if (!ack.ok) throw new Error(`op refused: ${ack.message}`);
          inc.lastEntryId = (tail.payload as { entryId: string }).entryId;
          return run;
        } finally {
          w.close();
        }
      } finally {
        await context.close();
      }
    };
    // One warm-up open (server and disk caches, Chromium's code cache), not measured.
    await openPage(10_000, false);
    for (let rep = 0; rep < reps; rep++) {
      // Paired runs: every size once per repeat, the order reversed every other repeat.
      const order = rep % 2 === 0 ? opened : [...opened].reverse();
      for (const n of order) runs.get(n)!.push((await openPage(n, true, rep === reps - 1 && n === 10_000))!);
      ctx.log(`renderer: repeat ${rep + 1}/${reps}: ${order.map((n) => `${n}: first ${fmt(runs.get(n)!.at(-1)!.first)} ms, op ${fmt(repeated(runs.get(n)!.at(-1)!.op).median)} ms`).join('; ')}`);
    }
  } finally {
    for (const fn of cleanup) await Promise.resolve().then(fn).catch(() => undefined);
  }

  // Per run: the median op of that page; across runs: median with min–max.
  const opOf = (n: number) => repeated((runs.get(n) ?? []).map((r) => repeated(r.op).median));
  const firstOf = (n: number) => repeated((runs.get(n) ?? []).map((r) => r.first));
  const med = (n: number, f: (r: PageRun) => number) => fmt(repeated((runs.get(n) ?? []).map(f)).median);
  const range = (r: ReturnType<typeof repeated>, unit = '') => `${fmt(r.median)}${unit} (${fmt(r.min)}–${fmt(r.max)})`;
  const rows = opened.map((n) => [n === 0 ? 'near-empty (baseline)' : `${n}`, range(firstOf(n)), range(opOf(n)),
    med(n, (r) => repeated(r.task).median), med(n, (r) => repeated(r.frameExtra).median), med(n, (r) => r.allPerOp), med(n, (r) => r.idlePerS)]);
  const flatRuns = repeated((runs.get(50_000) ?? []).map((r, i) => repeated(r.op).median / repeated(runs.get(1_000)![i]!.op).median));
  const frameRuns = (runs.get(10_000) ?? []).map((r) => r.frames).filter((f): f is NonNullable<PageRun['frames']> => f !== undefined);
  const dropStream = repeated(frameRuns.map((f) => dropShare(f.streaming) * 100));
  const dropIdle = repeated(frameRuns.map((f) => dropShare(f.idle) * 100));
  const o10 = opOf(10_000);
  const f10 = firstOf(10_000);
  const top = profileTop.length ? `top self time in a CPU profile of 50 ops at 10k entries: ${profileTop.slice(0, 4).join('; ')}` : 'no profile taken';
  const checks: Check[] = [
    { what: 'one remote op, 10k entries (main thread)', value: `${range(o10, ' ms')}`, target: '≤ 3 ms', pass: Number.isFinite(o10.median) ? o10.median <= 3 : null },
    { what: 'one op at 50k vs 1k entries (flatness)', value: `${fmtRatio(flatRuns.median)} (${fmtRatio(flatRuns.min)}–${fmtRatio(flatRuns.max)})`, target: '≤ 1.3×', pass: Number.isFinite(flatRuns.median) ? flatRuns.median <= 1.3 : null },
    { what: 'frames dropped, 10k entries, 50 ops/s', value: `${fmt(dropStream.median)}% (${fmt(dropStream.min)}–${fmt(dropStream.max)}); idle ${fmt(dropIdle.median)}%`, target: '≤ 5%', pass: Number.isFinite(dropStream.median) ? dropStream.median <= 5 : null },
    { what: 'first render, 10k entries', value: `${range(f10, ' ms')}`, target: '≤ 350 ms', pass: Number.isFinite(f10.median) ? f10.median <= 350 : null },
  ];
  for (const c of checks) if (c.pass === false) notes.push(`MISSED: ${c.what} (${c.value}, target ${c.target}); ${top}. Readable profiles: node bench/tools/profileRenderer.ts 10000.`);
  return {
    name: 'renderer',
    title: 'Renderer in Chromium',
    method: [
      'The real renderer (vite build of renderer/, served by the real War Room server) in headless Chromium via playwright-core, opened from an invite link in a fresh browser profile, window 1400×900.',
      `Runs: ${reps} repeats; each repeat opens every size once (${opened.join(', ')} entries) in a fresh page, the order reversed every other repeat, so the 50k and 1k runs of a repeat are a pair. One unmeasured warm-up open first. Tables show the median over repeats with min–max.`,
      'First render: from the click on Join (invite link opened, name typed) to the newest entry\'s row existing in the DOM, timed with performance.now() inside the page: connect, join (server snapshot), parse, store, React render; the page load before the click is not included.',
      `One remote op: a Node socket.io client submits ${opsPerPage} timeline.add ops ${opGapMs} ms apart. A probe injected before the app times, in the page, the task that handles that websocket message (socket.io decode, zod parse, reducer, zustand, React's synchronous render) and the following frame (style, layout, paint) against an idle frame measured the same way; one op = task + (frame − idle frame). Per page the median op; across pages the median.`,
      'All main-thread ms per op: growth of Chrome\'s TaskDuration metric over the op sequence minus the idle rate measured just before, divided by the ops (adds timers, effects, GC and local saves). Idle ms per s: that metric over a quiet second.',
      `Frames (10k entries): requestAnimationFrame timestamps over a ${windowMs / 1000} s window idle and a ${windowMs / 1000} s window with 50 ops/s streaming in, in the same page, alternating which goes first; a gap of k frame-times counts k−1 dropped frames; share = dropped / (frames + dropped).`,
      'Chromium, the server and the writer share the 2 cores; Chromium runs without GPU (software compositing).',
    ],
    tables: [
      { columns: ['timeline entries', 'first render ms (min–max)', 'one op, main-thread ms (min–max)', 'message task ms', 'frame extra ms', 'all main-thread ms per op', 'idle ms per s'], rows },
      { columns: ['window (10k entries)', 'frames per run', 'dropped per run', 'dropped % (min–max)', 'longest gap ms'], rows: (['idle', 'streaming'] as const).map((k) => {
        const d = repeated(frameRuns.map((f) => dropShare(f[k]) * 100));
        return [k === 'idle' ? 'idle' : '50 ops/s', frameRuns.map((f) => f[k].frames).join(', '), frameRuns.map((f) => f[k].dropped).join(', '), `${fmt(d.median)} (${fmt(d.min)}–${fmt(d.max)})`, fmt(Math.max(...frameRuns.map((f) => f[k].longest)))];
      }) },
    ],
    checks,
    chart: lineChart('Renderer: first render and one remote op vs timeline size', 'timeline entries', 'ms', [
      { name: 'first render', points: sizes.map((n) => [n, firstOf(n).median] as [number, number]) },
      { name: 'one remote op (main thread)', points: sizes.map((n) => [n, opOf(n).median] as [number, number]) },
    ], { log: true }),
    notes,
    data: { runs: Object.fromEntries(runs), profileTop },
  };
}
