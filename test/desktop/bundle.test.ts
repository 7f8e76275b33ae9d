/**
 * Checks the built artifacts, not the sources: dist/main/main.cjs wires a secure window whose
 * preload is the sibling preload.cjs and whose pages come from the sibling dist/renderer, and
 * preload.cjs runs with only `electron` available, as in Electron's sandbox.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildMain } from '../../scripts/build-main.ts';
import { createFakeElectron } from './fakeElectron.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'warroom-bundle-'));
const outDir = path.join(tmp, 'dist', 'main');
beforeAll(async () => {
  await buildMain(outDir);
  mkdirSync(path.join(tmp, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(tmp, 'dist', 'renderer', 'index.html'), '<!doctype html><title>built renderer</title>');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a CommonJS file the way Node would, with `electron` supplied by the test. */
function runCjs(file: string, electron: unknown, allowOthers: boolean): void {
  const real = createRequire(file);
  const requireFn = (id: string) => {
    if (id === 'electron') return electron;
    if (!allowOthers) throw new Error(`a sandboxed preload cannot require "${id}"`);
    return real(id);
  };
  const module = { exports: {} };
  const fn = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file }) as
    (...a: unknown[]) => void;
  fn(module.exports, requireFn, module, file, path.dirname(file));
}

describe('built bundles', () => {
  it('main.cjs requires only electron and Node built-ins (the packaged app has no node_modules; electron-updater is inside)', () => {
    const text = readFileSync(path.join(outDir, 'main.cjs'), 'utf8');
    const required = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!.replace(/^node:/, '')));
    const builtins = new Set(builtinModules);
    expect([...required].filter((r) => r !== 'electron' && !builtins.has(r))).toEqual([]);
    expect(text).toContain('electron-updater/out/NsisUpdater.js');
  });

  it('preload.cjs needs nothing but electron and exposes window.warroom', () => {
    const exposed: [string, { kind: string }][] = [];
    runCjs(path.join(outDir, 'preload.cjs'), {
      contextBridge: { exposeInMainWorld: (k: string, api: { kind: string }) => exposed.push([k, api]) },
      ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn() },
    }, false);
    expect(exposed.map(([k, api]) => [k, api.kind])).toEqual([['warroom', 'electron']]);
  });

  it('main.cjs, packaged, opens a secure window with the sibling preload, serves the sibling renderer, and has no devtools', async () => {
    const userData = path.join(tmp, 'user-data');
    const fake = createFakeElectron(userData);
    fake.electron.app.isPackaged = true;
    const saved = process.env.WARROOM_USER_DATA_DIR;
    process.env.WARROOM_USER_DATA_DIR = userData;
    // A packaged app ignores the dev server variable.
    process.env.WARROOM_DEV_SERVER_URL = 'http://localhost:5173';
    try {
      runCjs(path.join(outDir, 'main.cjs'), fake.electron, true);
      await vi.waitUntil(() => fake.state.windows[0]?.loaded.length === 1, { timeout: 5000 });
    } finally {
      delete process.env.WARROOM_DEV_SERVER_URL;
      if (saved === undefined) delete process.env.WARROOM_USER_DATA_DIR;
      else process.env.WARROOM_USER_DATA_DIR = saved;
    }
    const win = fake.state.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false, preload: path.join(outDir, 'preload.cjs') });
    const menu = fake.state.menuTemplate as { submenu?: { role?: string }[] }[];
    expect(menu.flatMap((m) => m.submenu ?? []).some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(win.loaded).toEqual(['app://warroom/index.html']);
    const res = await fake.state.protocolHandlers.get('app')!(new Request('app://warroom/index.html'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('built renderer');
  });
});
