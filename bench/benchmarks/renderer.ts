/**
 * 4. Renderer in Chromium: the real app (built with vite, served by the real War Room server,
 * opened from an invite link) on incidents of 1k, 10k and 50k timeline entries.
 * - first render: navigation start → the newest entry's row is in the DOM (no local copy: a fresh
 *   browser profile, so the state comes from the server's join answer);
 * - one remote op: a writer submits one timeline.add through the server; main-thread time is the
 *   page's task handling that websocket message (decode, parse, reducer, store, React render) plus
 *   the extra cost of the next frame (style, layout, paint) over an idle frame (see PROBE);
 * - frames dropped: requestAnimationFrame gaps while 50 ops/s stream in, vs the same window idle.
 * Baselines: the same measurements on a near-empty incident (fixed costs), idle frames and windows.
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
import { startServer, tempDir, type ServerHandle } from '../lib/world.ts';

export const CHROMIUM = process.env.WARROOM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function buildRenderer(log: (m: string) => void): { dir: string; owned: boolean } {
  const given = process.env.WARROOM_BENCH_RENDERER_DIR;
  if (given) return { dir: given, owned: false };
  const dir = tempDir('warroom-bench-renderer-');
  log('renderer: building the renderer with vite into a private folder (not timed)');
  const r = spawnSync('npx', ['vite', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
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

export function writer(server: ServerHandle, incidentId: string): Promise<Socket> {
  const s = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: server.token, protocol: PROTOCOL_VERSION, clientId: 'bench-writer' } });
  return new Promise((resolve, reject) => {
    s.once('connect_error', reject);
    s.once('connect', () => {
      void s.timeout(30_000).emitWithAck('incident:join', { incidentId, sinceSeq: 1_000_000_000 }).then(() => resolve(s), reject);
    });
  });
}

export const entryOp = (incidentId: string, k: number): Op => ({
  opId: randomUUID(), incidentId, actorId: 'bench-writer', clientTime: Date.now(), type: 'timeline.add',
  payload: { entryId: `live-${k}-${randomUUID().slice(0, 8)}`, kind: 'note', text: noteText(k + 7) },
});

interface OpSample { task: number[]; frame: number[]; idleFrame: number[]; background: number[]; withSave: number[] }
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

export async function runRenderer(ctx: BenchContext): Promise<BenchOutput> {
  const sizes = ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 50_000];
  const { chromium } = await import('playwright-core');
  const build = buildRenderer(ctx.log);
  const dataDir = tempDir('warroom-bench-renderer-data-');
  const cleanup: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  if (build.owned) cleanup.push(() => rmSync(build.dir, { recursive: true, force: true }));
  const first = new Map<number, number[]>();
  const opCost = new Map<number, OpSample>();
  const frames: { label: string; n: number; streaming: boolean; frames: number; dropped: number; longest: number }[] = [];
  const notes: string[] = [];
  try {
    const info = await seed(dataDir, sizes);
    const server = await startServer('warroom', { dataDir, staticDir: build.dir });
    cleanup.unshift(() => server.stop());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    cleanup.unshift(() => browser.close());
    const reps = ctx.quick ? 2 : ctx.repeats;
    for (const n of [0, ...sizes]) {
      const inc = info.get(n)!;
      const url = webInviteLink(server.url, server.token, inc.id);
      for (let rep = 0; rep < reps + 1; rep++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        await context.addInitScript(PROBE);
        const page = await context.newPage();
        try {
          await page.goto(url);
          await page.getByTestId('connect-name').fill('Bench Reader');
          await sleep(300);
          // The clock starts in the page, in the same task as the click on Join.
          const t0 = await page.evaluate(() => {
            const t = performance.now();
            (document.querySelector('[data-testid="connect-submit"]') as HTMLButtonElement).click();
            return t;
          });
          const at = await page.waitForFunction((id) => (document.querySelector(`[data-entry-id="${id}"]`) ? performance.now() : 0), inc.lastEntryId, { polling: 'raf', timeout: 60_000 });
          const ms = ((await at.jsonValue()) as number) - t0;
          if (rep > 0) first.set(n, [...(first.get(n) ?? []), ms]); // rep 0 warms the server's and the disk's caches
          if (rep < reps) continue;
          // The last context stays open for the op and frame measurements.
          await sleep(1_500);
          const cdp = await context.newCDPSession(page);
          await cdp.send('Performance.enable');
          const taskMs = async () => {
            const m = (await cdp.send('Performance.getMetrics')).metrics;
            return (m.find((x) => x.name === 'TaskDuration')?.value ?? 0) * 1000;
          };
          const w = await writer(server, inc.id);
          const samples: OpSample = { task: [], frame: [], idleFrame: [], background: [], withSave: [] };
          // Idle: main-thread ms per second with nothing arriving (the app's clocks and the like).
          await sleep(2_000);
          for (let k = 0; k < 3; k++) {
            const a = await taskMs();
            await sleep(1_000);
            samples.background.push((await taskMs()) - a);
            samples.idleFrame.push(await page.evaluate(() => (window as unknown as ProbeWindow).__frameProbe()));
          }
          const idlePerMs = repeated(samples.background).median / 1000;
          const count = ctx.quick ? 6 : 10;
          for (let k = 0; k < count; k++) {
            const op = entryOp(inc.id, k);
            const entryId = (op.payload as { entryId: string }).entryId;
            const a = await taskMs();
            const ack = (await w.timeout(10_000).emitWithAck('op:submit', op)) as { ok: boolean; message?: string };
            if (!ack.ok) throw new Error(`op refused: ${ack.message}`);
            // Long enough for the app's debounced save of the incident (1 s after a remote change).
            await sleep(1_800);
            samples.withSave.push((await taskMs()) - a - idlePerMs * 1_800);
            const t = await page.evaluate(() => (window as unknown as ProbeWindow).__opTimes.shift());
            if (!t) throw new Error(`${n} entries: no op:committed message reached the page`);
            samples.task.push(t.task);
            samples.frame.push(t.frame);
            if (k === 0 && !(await page.$(`[data-entry-id="${entryId}"]`))) notes.push(`${n} entries: the new entry's row was not in the DOM after the op.`);
          }
          opCost.set(n, samples);
          if (n === 10_000 || (n === 0)) {
            const streamMs = ctx.quick ? 3_000 : 5_000;
            for (const streaming of [false, true]) {
              await page.evaluate(() => {
                const w = window as unknown as { __frames: number[]; __stop: boolean };
                w.__frames = [];
                w.__stop = false;
                const loop = (t: number) => {
                  w.__frames.push(t);
                  if (!w.__stop) requestAnimationFrame(loop);
                };
                requestAnimationFrame(loop);
              });
              const t0 = performance.now();
              let k = 1000;
              while (performance.now() - t0 < streamMs) {
                if (streaming) w.emit('op:submit', entryOp(inc.id, k++), () => undefined);
                await sleep(20);
              }
              const ts = await page.evaluate(() => {
                const w = window as unknown as { __frames: number[]; __stop: boolean };
                w.__stop = true;
                return w.__frames;
              });
              let dropped = 0;
              let longest = 0;
              for (let i = 1; i < ts.length; i++) {
                const gap = ts[i]! - ts[i - 1]!;
                longest = Math.max(longest, gap);
                dropped += Math.max(0, Math.round(gap / (1000 / 60)) - 1);
              }
              frames.push({ label: `${n} entries, ${streaming ? '50 ops/s' : 'idle'}`, n, streaming, frames: ts.length, dropped, longest });
              await sleep(800);
            }
          }
          w.close();
        } finally {
          await context.close();
        }
      }
      ctx.log(`renderer: ${n} entries: first render ${fmt(repeated(first.get(n) ?? []).median)} ms, one op ${fmt(opMs(opCost.get(n)).median)} ms main thread`);
    }
  } finally {
    for (const fn of cleanup) await Promise.resolve().then(fn).catch(() => undefined);
  }

  const base = repeated(first.get(0) ?? []);
  const rows = [0, ...sizes].map((n) => {
    const f = repeated(first.get(n) ?? []);
    const o = opMs(opCost.get(n));
    const c = opCost.get(n);
    const m = (x: number[] | undefined) => fmt(repeated(x ?? []).median);
    return [n === 0 ? 'near-empty (baseline)' : `${n}`, `${fmt(f.median)} (${fmt(f.min)}–${fmt(f.max)})`, n ? fmtRatio(f.median / base.median) : '',
      `${fmt(o.median)} (${fmt(o.min)}–${fmt(o.max)})`, m(c?.task), `${m(c?.frame)} / ${m(c?.idleFrame)}`, m(c?.withSave), m(c?.background)];
  });
  const checks: Check[] = [];
  const f10 = repeated(first.get(10_000) ?? []).median;
  const o10 = opMs(opCost.get(10_000)).median;
  checks.push({ what: 'first render, 10k entries', value: `${fmt(f10)} ms`, target: '≤ 500 ms', pass: Number.isFinite(f10) ? f10 <= 500 : null });
  checks.push({ what: 'one remote op, 10k entries (main thread)', value: `${fmt(o10)} ms`, target: '≤ 2 ms', pass: Number.isFinite(o10) ? o10 <= 2 : null });
  const big = sizes.at(-1)!;
  const flat = opMs(opCost.get(big)).median / opMs(opCost.get(1_000)).median;
  checks.push({ what: `one op at ${big / 1000}k vs 1k entries (flatness)`, value: fmtRatio(flat), target: '≈ 1× (≤ 1.5×)', pass: Number.isFinite(flat) ? flat <= 1.5 : null });
  const drop = frames.find((f) => f.n === 10_000 && f.streaming);
  if (drop) checks.push({ what: 'frames dropped, 10k entries, 50 ops/s', value: `${drop.dropped} of ${drop.frames + drop.dropped}`, target: 'reported vs idle', pass: null });
  return {
    name: 'renderer',
    title: 'Renderer in Chromium',
    method: [
      'The real renderer (vite build of renderer/, served by the real War Room server) in headless Chromium via playwright-core, opened from an invite link in a fresh browser profile, window 1400×900.',
      `First render: from the click on Join (invite link opened, name typed) to the newest entry's row existing in the DOM, timed with performance.now() inside the page: connect, join (server snapshot), parse, store, React render; the app's own page load before the click is not included. ${ctx.quick ? 2 : ctx.repeats} measured opens per size after one warm-up.`,
      'One remote op: a Node socket.io client submits one timeline.add. A probe injected before the app times, in the page, the task that handles that websocket message (socket.io decode, the app\'s zod parse, reducer, zustand, React\'s synchronous render) and the following frame (style, layout, paint) against an idle frame measured the same way; one op = task + (frame − idle frame).',
      'All main-thread ms incl. local save: growth of Chrome\'s TaskDuration metric over 1.8 s after the op, minus the idle rate; this adds the app\'s debounced write of the incident to IndexedDB (1 s after a remote change). Idle ms per s: the same metric over quiet 1 s windows.',
      'Frames: requestAnimationFrame timestamps over the window; a gap of k frame-times counts k−1 dropped frames; measured idle and with 50 ops/s streaming in.',
      'Chromium, the server and the writer share the 2 cores; Chromium runs without GPU (software compositing).',
    ],
    tables: [
      { columns: ['timeline entries', 'first render ms (min–max)', 'vs near-empty', 'one op, main-thread ms (min–max)', 'message task ms', 'frame / idle frame ms', 'all main-thread ms incl. local save', 'idle ms per s'], rows },
      { columns: ['window', 'frames', 'dropped', 'longest gap ms'], rows: frames.map((f) => [f.label, `${f.frames}`, `${f.dropped}`, fmt(f.longest)]) },
    ],
    checks,
    chart: lineChart('Renderer: first render and one remote op vs timeline size', 'timeline entries', 'ms', [
      { name: 'first render', points: sizes.map((n) => [n, repeated(first.get(n) ?? []).median] as [number, number]) },
      { name: 'one remote op (main thread)', points: sizes.map((n) => [n, opMs(opCost.get(n)).median] as [number, number]) },
    ], { log: true }),
    notes,
    data: { first: Object.fromEntries(first), opCost: Object.fromEntries(opCost), frames },
  };
}

/** Per-op main-thread ms: the message task plus the extra cost of the frame that shows it. */
function opMs(s: OpSample | undefined) {
  if (!s) return repeated([]);
  const idle = repeated(s.idleFrame).median;
  return repeated(s.task.map((t, i) => t + Math.max(0, s.frame[i]! - idle)));
}
