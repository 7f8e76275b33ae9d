/**
 * main.ts's lifecycle under the strict fake: each case imports main.ts afresh (vi.resetModules)
 * with its own fake Electron, user data folder, platform and argv.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deepInviteLink } from '../../shared/invite.ts';
import { IPC } from '../../main/channels.ts';
import { createFakeElectron, type FakeOptions } from './fakeElectron.ts';

let current: ReturnType<typeof createFakeElectron>;
// One mocked module for the file; each getter reads the fake of the case that is running.
vi.mock('electron', async () => {
  const { createFakeElectron: make } = await import('./fakeElectron.ts');
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(make('/nonexistent').electron)) {
    Object.defineProperty(o, k, { enumerable: true, get: () => (current.electron as Record<string, unknown>)[k] });
  }
  return o;
});

const TOKEN = 'lead_abcdefghijklmnop';
const saved = { argv: process.argv, userData: process.env.WARROOM_USER_DATA_DIR, platform: process.platform };
const dirs: string[] = [];

async function boot(opts: FakeOptions & { platform?: NodeJS.Platform; packaged?: boolean } = {}) {
  const userData = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-lifecycle-'));
  dirs.push(userData);
  current = createFakeElectron(userData, opts);
  current.electron.app.isPackaged = opts.packaged ?? false;
  if (opts.packaged) delete process.env.WARROOM_USER_DATA_DIR;
  else process.env.WARROOM_USER_DATA_DIR = userData;
  process.argv = ['electron', 'dist/main/main.cjs', ...(opts.argv ?? [])];
  Object.defineProperty(process, 'platform', { value: opts.platform ?? 'linux', configurable: true });
  vi.resetModules();
  await import('../../main/main.ts');
  return { fake: current, userData };
}

afterEach(async () => {
  process.argv = saved.argv;
  Object.defineProperty(process, 'platform', { value: saved.platform, configurable: true });
  if (saved.userData === undefined) delete process.env.WARROOM_USER_DATA_DIR;
  else process.env.WARROOM_USER_DATA_DIR = saved.userData;
  // A booted main may still be writing its settings or window state into userData: retry the removal.
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe('main process lifecycle', () => {
  it('quits at once, opening nothing, when another instance holds the single-instance lock', async () => {
    const { fake } = await boot({ singleInstanceLock: false });
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.electron.app.quit).toHaveBeenCalled();
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.handlers.size).toBe(0);
  });

  it('development and the installed app use different user data folders (so different locks), and Windows gets its AppUserModelID', async () => {
    const dev = await boot({ packaged: false, platform: 'win32' });
    const devDir = dev.fake.state.paths.get('userData');
    expect(dev.fake.state.appUserModelId).toBe('dev.warroom.desktop.dev');
    await vi.waitUntil(() => dev.fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
    // No badge count on Windows: an unread alert shows as the taskbar overlay.
    const notify = dev.fake.state.handlers.get(IPC.notify)!;
    await notify({ senderFrame: { url: 'app://warroom/index.html', parent: null } }, { title: 'Help needed now: DB', body: 'Ana: failover?' });
    expect(dev.fake.state.windows[0]!.overlay).toMatchObject({ path: expect.stringMatching(/tray-unread\.png$/) });
    dev.fake.state.windows[0]!.emit('focus');
    expect(dev.fake.state.windows[0]!.overlay).toBeNull();
    delete process.env.WARROOM_USER_DATA_DIR;
    const installed = await boot({ packaged: true, platform: 'win32' });
    expect(installed.fake.state.appUserModelId).toBe('dev.warroom.desktop');
    expect(installed.fake.state.paths.get('userData')).toMatch(/War Room$/);
    expect(path.basename(String(devDir))).not.toBe(path.basename(String(installed.fake.state.paths.get('userData'))));
  });

  it('a link that arrives during the first load neither aborts the load nor quits; it is asked about after', async () => {
    const { fake } = await boot({ dialogAnswers: [0], loadDelayMs: 1_000 });
    // During the first load (the fake takes a second to load).
    await vi.waitUntil(() => fake.state.windows[0]?.loaded.length === 1, { timeout: 5000, interval: 5 });
    fake.electron.app.emit('second-instance', {}, ['x', deepInviteLink('http://127.0.0.1:4100', TOKEN)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.state.questions).toHaveLength(0);
    await vi.waitUntil(() => fake.state.questions.length === 1, { timeout: 5000 });
    expect(fake.electron.app.quit).not.toHaveBeenCalled();
    expect(fake.state.errors).toEqual([]);
    await vi.waitUntil(() => fake.state.windows[0]!.webContents.reloads === 1, { timeout: 2000 });
  });

  it('npm start\u2019s own invite (WARROOM_DEV_INVITE) is applied without a question in development, and ignored when packaged', async () => {
    process.env.WARROOM_DEV_INVITE = deepInviteLink('http://127.0.0.1:4100', TOKEN);
    try {
      const dev = await boot();
      await vi.waitUntil(() => dev.fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
      expect(dev.fake.state.questions).toEqual([]);
      expect(dev.fake.state.windows[0]!.webContents.reloads).toBe(0);
      const get = dev.fake.state.handlers.get(IPC.getSettings)!;
      expect(await get({ senderFrame: { url: 'app://warroom/index.html', parent: null } })).toMatchObject({ value: { serverUrl: 'http://127.0.0.1:4100', token: TOKEN } });
      const packaged = await boot({ packaged: true });
      await vi.waitUntil(() => packaged.fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
      const p = packaged.fake.state.handlers.get(IPC.getSettings)!;
      expect(await p({ senderFrame: { url: 'app://warroom/index.html', parent: null } })).toMatchObject({ value: { serverUrl: null, token: null } });
    } finally {
      delete process.env.WARROOM_DEV_INVITE;
    }
  });

  it('the war room on this computer dying on its own is told to the person; one that fails to start is a refusal with a code', async () => {
    const appEvent = { senderFrame: { url: 'app://warroom/index.html', parent: null } };
    const { fake } = await boot();
    await vi.waitUntil(() => fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
    const start = fake.state.handlers.get(IPC.startLocalServer)!;
    expect(await start(appEvent, { shareOnLan: false })).toMatchObject({ ok: true, value: { ok: true } });
    fake.state.listeners.get(IPC.commandsReady)!(appEvent);
    fake.state.forks[0]!.emit('exit', 3);
    const sent = () => fake.state.windows[0]!.webContents.sent.map(([, c]) => c as { code?: string });
    expect(sent().some((c) => c.code === 'LOCAL_SERVER_STOPPED')).toBe(true);

    const failing = await boot({ onFork: (c) => c.emit('message', { type: 'failed', message: 'The war room server could not start: disk full' }) });
    await vi.waitUntil(() => failing.fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
    const res = await failing.fake.state.handlers.get(IPC.startLocalServer)!(appEvent, { shareOnLan: true });
    expect(res).toMatchObject({ ok: true, value: { ok: false, code: 'LOCAL_SERVER_FAILED', message: expect.stringContaining('disk full') } });
  });

  it('a reload during the first load (ERR_ABORTED) is not a failure', async () => {
    const { fake } = await boot({ loadDelayMs: 1_000 });
    await vi.waitUntil(() => fake.state.windows[0]?.loaded.length === 1, { timeout: 5000, interval: 5 });
    fake.state.windows[0]!.webContents.reload();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.state.errors).toEqual([]);
    expect(fake.electron.app.quit).not.toHaveBeenCalled();
  });

  it('macOS: closing the window keeps it (hidden, connected); a link opened then, and activate, bring it back and drain the link', async () => {
    const { fake } = await boot({ platform: 'darwin', dialogAnswers: [0] });
    await vi.waitUntil(() => fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 10));
    const w = fake.state.windows[0]!;
    w.close();
    expect(w.destroyed).toBe(false);
    expect(w.isVisible()).toBe(false);
    expect(fake.state.trays).toHaveLength(0);
    fake.electron.app.emit('open-url', { preventDefault: vi.fn() }, deepInviteLink('http://127.0.0.1:4100', TOKEN));
    fake.electron.app.emit('activate');
    await vi.waitUntil(() => fake.state.questions.length === 1, { timeout: 2000 });
    expect(w.show).toHaveBeenCalled();
    expect(fake.state.windows).toHaveLength(1);
  });

  it('macOS: when the window is really gone (quit path destroyed it), activate opens a new one and drains links queued meanwhile', async () => {
    const { fake } = await boot({ platform: 'darwin', dialogAnswers: [0] });
    await vi.waitUntil(() => fake.state.windows[0]?.loadsDone === 1, { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 10));
    const w = fake.state.windows[0]!;
    // A destroyed window, as after a renderer that could not come back.
    w.destroyed = true;
    w.emit('closed');
    fake.electron.app.emit('open-url', { preventDefault: vi.fn() }, deepInviteLink('http://127.0.0.1:4100', TOKEN));
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.state.questions).toHaveLength(0);
    // Two dock clicks in a row still make one window.
    fake.electron.app.emit('activate');
    fake.electron.app.emit('activate');
    await vi.waitUntil(() => fake.state.windows.length === 2, { timeout: 2000 });
    await vi.waitUntil(() => fake.state.questions.length === 1, { timeout: 3000 });
    expect(fake.state.windows).toHaveLength(2);
    expect(fake.state.handlers.has(IPC.getSettings)).toBe(true);
  });
});
