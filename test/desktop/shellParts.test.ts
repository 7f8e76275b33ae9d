/** The new shell pieces as pure functions: local-network permissions, local server, tray, context menu, recovery, updater. */
import { EventEmitter } from 'node:events';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { describe, expect, it, vi } from 'vitest';
import { buildContextMenu, type ContextParams } from '../../main/contextMenu.ts';
import { createLocalServer, lanAddress, localServerArgs, resumeAtStart, type LocalServer } from '../../main/localServer.ts';
import { createPermissionCheckHandler, localNetworkPermissionsFor } from '../../main/security.ts';
import { badgeText, buildTrayMenu, closeHidesWindow, trayTooltip } from '../../main/tray.ts';
import { startAutoUpdate, type UpdaterLike } from '../../main/updater.ts';
import { watchRenderer } from '../../main/windowRecovery.ts';
import { FakeUtilityProcess } from './fakeElectron.ts';

describe('local network access (Chromium LNA) for the configured server only', () => {
  it.each([
    ['http://127.0.0.1:4000', ['local-network-access', 'loopback-network']],
    ['http://localhost:4000', ['local-network-access', 'loopback-network']],
    ['http://[::1]:4000', ['local-network-access', 'loopback-network']],
    ['http://192.168.1.20:4000', ['local-network', 'local-network-access']],
    ['http://10.0.0.5:4000', ['local-network', 'local-network-access']],
    ['https://warroom.corp.internal', ['local-network', 'local-network-access']],
    ['https://203.0.113.9', []],
    ['https://[2001:db8::1]', []],
    [null, []],
    ['file:///etc/passwd', []],
  ])('%s → %j', (url, perms) => {
    expect([...localNetworkPermissionsFor(url as string | null)].sort()).toEqual(perms);
  });

  it('follows the setting as it changes, and never for another origin', () => {
    let server: string | null = null;
    const check = createPermissionCheckHandler('app://warroom', () => server);
    expect(check(null, 'loopback-network', 'app://warroom')).toBe(false);
    server = 'http://127.0.0.1:4000';
    expect(check(null, 'loopback-network', 'app://warroom')).toBe(true);
    expect(check(null, 'loopback-network', 'http://127.0.0.1:4000')).toBe(false);
    server = 'http://10.1.2.3:4000';
    expect(check(null, 'loopback-network', 'app://warroom')).toBe(false);
    expect(check(null, 'local-network', 'app://warroom')).toBe(true);
  });
});

describe('the war room on this computer (utility process manager)', () => {
  const ready = (c: FakeUtilityProcess, url = 'http://127.0.0.1:4000') =>
    c.emit('message', { type: 'ready', url, publicUrl: url, leadToken: 'lead_abcdefghijkl', inviteToken: 'resp_abcdefghijkl' });

  it('loopback only unless shared; shared listens on all interfaces with the LAN address for invites', () => {
    expect(localServerArgs({ port: 4000, shareOnLan: false, lanHost: null, dataDir: '/d', staticDir: '/s' })).toEqual(['--port', '4000', '--data-dir', '/d', '--static-dir', '/s', '--host', '127.0.0.1']);
    expect(localServerArgs({ port: 4000, shareOnLan: true, lanHost: '192.168.1.9', dataDir: '/d', staticDir: '/s' })).toEqual(
      ['--port', '4000', '--data-dir', '/d', '--static-dir', '/s', '--host', '0.0.0.0', '--public-url', 'http://192.168.1.9:4000']);
    expect(lanAddress({ lo: [{ family: 'IPv4', internal: true, address: '127.0.0.1' }], eth0: [{ family: 'IPv4', internal: false, address: '192.168.1.9' }] } as never)).toBe('192.168.1.9');
  });

  it('falls back to a free port when the preferred one is taken, and reports the LAN address with the real port', async () => {
    const forks: FakeUtilityProcess[] = [];
    const ls = createLocalServer({
      fork: (m, a) => {
        const c = new FakeUtilityProcess(m, a);
        forks.push(c);
        setImmediate(() => (forks.length === 1 ? c.emit('message', { type: 'failed', message: 'listen EADDRINUSE: address already in use 0.0.0.0:4000' }) : ready(c, 'http://127.0.0.1:51234')));
        return c;
      },
      bundlePath: '/app/server.mjs', dataDir: '/d', staticDir: '/s', onUnexpectedExit: vi.fn(), lanAddress: () => '192.168.1.9',
    });
    const info = await ls.start({ shareOnLan: true, port: 4000 });
    expect(forks.map((f) => f.args[1])).toEqual(['4000', '0']);
    expect(info).toMatchObject({ url: 'http://127.0.0.1:51234', publicUrl: 'http://192.168.1.9:51234', shared: true, inviteToken: 'resp_abcdefghijkl' });
  });

  it('a start that never reports is killed after the timeout; an unexpected exit after ready is reported; stop asks first', async () => {
    const silent = createLocalServer({
      fork: (m, a) => new FakeUtilityProcess(m, a), bundlePath: '/x', dataDir: '/d', staticDir: '/s', onUnexpectedExit: vi.fn(), startTimeoutMs: 30,
    });
    await expect(silent.start({ shareOnLan: false, port: 0 })).rejects.toThrow(/did not report ready/);

    let child: FakeUtilityProcess | null = null;
    const onUnexpectedExit = vi.fn();
    const ls = createLocalServer({
      fork: (m, a) => {
        child = new FakeUtilityProcess(m, a);
        setImmediate(() => ready(child!));
        return child;
      },
      bundlePath: '/x', dataDir: '/d', staticDir: '/s', onUnexpectedExit,
    });
    await ls.start({ shareOnLan: false, port: 0 });
    child!.emit('exit', 3);
    expect(onUnexpectedExit).toHaveBeenCalledWith(3);
    expect(ls.current()).toBeNull();
    await ls.start({ shareOnLan: false, port: 0 });
    await ls.stop();
    expect(child!.posted).toEqual([{ type: 'stop' }]);
    expect(child!.killed).toBe(false);
    expect(onUnexpectedExit).toHaveBeenCalledTimes(1);
  });
});

describe('the saved local war room at start', () => {
  const settingsWith = (serverUrl: string, local: boolean) => ({
    get: () => ({ ...DEFAULT_SETTINGS, serverUrl, token: 'old_token_abcdef', servers: [{ serverUrl, local }] }),
    update: vi.fn(async () => DEFAULT_SETTINGS), localShareOnLan: () => true, setLocalShareOnLan: vi.fn(async () => undefined),
  });
  const serverAnswering = (url: string | Error) => ({
    start: vi.fn(async () => {
      if (url instanceof Error) throw url;
      return { type: 'ready' as const, url, publicUrl: url, leadToken: 'lead_new_abcdefgh', inviteToken: null, shared: true };
    }),
  }) as unknown as LocalServer;

  it('is started again on its saved port and sharing; if the port moved, main\u2019s setting follows it', async () => {
    const same = { server: serverAnswering('http://127.0.0.1:4000'), settings: settingsWith('http://127.0.0.1:4000', true), changed: vi.fn(), notice: vi.fn() };
    await resumeAtStart(same);
    expect(same.server.start).toHaveBeenCalledWith({ shareOnLan: true, port: 4000 });
    expect(same.settings.update).not.toHaveBeenCalled();
    const moved = { server: serverAnswering('http://127.0.0.1:51000'), settings: settingsWith('http://127.0.0.1:4000', true), changed: vi.fn(), notice: vi.fn() };
    await resumeAtStart(moved);
    expect(moved.settings.update).toHaveBeenCalledWith({ serverUrl: 'http://127.0.0.1:51000', token: 'lead_new_abcdefgh' }, { local: true });
  });

  it('is not started for a remote server; a failure is a notice, not a crash', async () => {
    const remote = { server: serverAnswering('http://127.0.0.1:4000'), settings: settingsWith('https://wr.example.com', false), changed: vi.fn(), notice: vi.fn() };
    await resumeAtStart(remote);
    expect(remote.server.start).not.toHaveBeenCalled();
    const broken = { server: serverAnswering(new Error('database is locked')), settings: settingsWith('http://127.0.0.1:4000', true), changed: vi.fn(), notice: vi.fn() };
    await resumeAtStart(broken);
    expect(broken.notice).toHaveBeenCalledWith('LOCAL_SERVER_FAILED', expect.stringContaining('database is locked'));
  });
});

describe('tray and badge', () => {
  it('counts unread alerts and offers the teammates\u2019 invite link when shared', () => {
    const state = { unread: 3, localServer: { url: 'http://192.168.1.9:4000', inviteLink: 'http://192.168.1.9:4000/?token=t' } };
    expect(trayTooltip(state)).toBe('War Room — running a war room at http://192.168.1.9:4000 — 3 unread alerts');
    expect([badgeText(0), badgeText(1), badgeText(150)]).toEqual(['', '1', '99+']);
    const copy = vi.fn();
    const menu = buildTrayMenu(state, { show: vi.fn(), copyInvite: copy, quit: vi.fn() });
    expect(menu.map((m) => m.label ?? m.type)).toEqual(['Show War Room (3 unread)', 'Copy Invite Link for Teammates', 'separator', 'Quit War Room (stops the war room on this computer)']);
    menu[1]!.click?.({} as never, undefined, {} as never);
    expect(copy).toHaveBeenCalledWith('http://192.168.1.9:4000/?token=t');
  });

  it('close hides to the tray on Windows/Linux with a tray, stays in the Dock on macOS, quits otherwise', () => {
    expect(closeHidesWindow({ platform: 'win32', hasTray: true, quitting: false })).toBe(true);
    expect(closeHidesWindow({ platform: 'linux', hasTray: false, quitting: false })).toBe(false);
    expect(closeHidesWindow({ platform: 'darwin', hasTray: false, quitting: false })).toBe(true);
    expect(closeHidesWindow({ platform: 'linux', hasTray: true, quitting: true })).toBe(false);
  });
});

describe('context menu', () => {
  const base: ContextParams = { isEditable: true, selectionText: '', misspelledWord: '', dictionarySuggestions: [], editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true } };

  it('offers spelling suggestions for a misspelt word, then the edit roles', () => {
    const actions = { replaceMisspelling: vi.fn(), addToDictionary: vi.fn() };
    const items = buildContextMenu({ ...base, misspelledWord: 'databse', dictionarySuggestions: ['database', 'databases'] }, actions);
    expect(items.map((i) => i.label ?? i.role ?? i.type)).toEqual(['database', 'databases', 'Add to Dictionary', 'separator', 'cut', 'copy', 'paste', 'separator', 'selectAll']);
    items[0]!.click?.({} as never, undefined, {} as never);
    items[2]!.click?.({} as never, undefined, {} as never);
    expect(actions.replaceMisspelling).toHaveBeenCalledWith('database');
    expect(actions.addToDictionary).toHaveBeenCalledWith('databse');
    expect(items.find((i) => i.role === 'cut')?.enabled).toBe(false);
  });

  it('copy for selected text outside a field; nothing on a blank spot', () => {
    const a = { replaceMisspelling: vi.fn(), addToDictionary: vi.fn() };
    expect(buildContextMenu({ ...base, isEditable: false, selectionText: 'db-01', editFlags: { ...base.editFlags, canCopy: true } }, a).map((i) => i.role)).toEqual(['copy']);
    expect(buildContextMenu({ ...base, isEditable: false }, a)).toEqual([]);
  });
});

describe('renderer recovery', () => {
  class Contents extends EventEmitter {
    reloads = 0;
    crashes = 0;
    reload() {
      this.reloads += 1;
    }
    forcefullyCrashRenderer() {
      this.crashes += 1;
      this.emit('render-process-gone', {}, { reason: 'killed' });
    }
    isDestroyed = () => false;
  }

  it('reloads after a crash and tells the person; gives up after repeated crashes', () => {
    const wc = new Contents();
    const tell = vi.fn();
    const giveUp = vi.fn();
    let t = 0;
    watchRenderer(wc, { tell, giveUp, now: () => t });
    wc.emit('render-process-gone', {}, { reason: 'clean-exit' });
    expect(wc.reloads).toBe(0);
    for (let i = 0; i < 4; i += 1) wc.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(wc.reloads).toBe(3);
    expect(tell).toHaveBeenCalledTimes(3);
    expect(tell.mock.calls[0]![0]).toMatch(/crashed \(crashed\) and was reloaded/);
    expect(giveUp).toHaveBeenCalledTimes(1);
    t += 10 * 60_000;
    wc.emit('render-process-gone', {}, { reason: 'oom' });
    expect(wc.reloads).toBe(4);
  });

  it('a window unresponsive past the limit is ended and reloaded once; one that recovers is left alone', async () => {
    const wc = new Contents();
    const tell = vi.fn();
    watchRenderer(wc, { tell, giveUp: vi.fn(), unresponsiveMs: 20 });
    wc.emit('unresponsive');
    wc.emit('responsive');
    await new Promise((r) => setTimeout(r, 40));
    expect(wc.reloads).toBe(0);
    wc.emit('unresponsive');
    await vi.waitUntil(() => wc.reloads > 0, { timeout: 1000 });
    expect(wc.crashes).toBe(1);
    // Our own forced crash does not count as a second reload.
    expect(wc.reloads).toBe(1);
    expect(tell.mock.calls[0]![0]).toMatch(/stopped responding/);
  });
});

describe('automatic updates', () => {
  const updater = () => {
    const e = new EventEmitter() as EventEmitter & UpdaterLike;
    Object.assign(e, { autoDownload: false, autoInstallOnAppQuit: false, checkForUpdates: vi.fn(async () => null) });
    return e;
  };

  it('are off by default and in development: nothing is loaded', async () => {
    const load = vi.fn(async () => updater());
    expect(await startAutoUpdate({ isPackaged: true, enabled: false, load, log: vi.fn(), onDownloaded: vi.fn() })).toBe(false);
    expect(await startAutoUpdate({ isPackaged: false, enabled: true, load, log: vi.fn(), onDownloaded: vi.fn() })).toBe(false);
    expect(load).not.toHaveBeenCalled();
  });

  it('when turned on: checks, downloads, installs at quit, and reports the downloaded version', async () => {
    const u = updater();
    const onDownloaded = vi.fn();
    expect(await startAutoUpdate({ isPackaged: true, enabled: true, load: async () => u, log: vi.fn(), onDownloaded })).toBe(true);
    expect(u.checkForUpdates).toHaveBeenCalled();
    expect([u.autoDownload, u.autoInstallOnAppQuit]).toEqual([true, true]);
    u.emit('update-downloaded', { version: '0.2.0' });
    expect(onDownloaded).toHaveBeenCalledWith('0.2.0');
  });
});
