import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deepInviteLink } from '../../shared/invite.ts';
import { IPC } from '../../main/channels.ts';
import { createFakeElectron } from './fakeElectron.ts';

// main.ts runs its wiring on import; `electron` is replaced by a recorder, never required for real.
const TOKEN = 'lead_abcdefghijklmnop';
const userData = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-main-test-'));
const fake = createFakeElectron(userData);
vi.mock('electron', () => fake.electron);

const savedArgv = process.argv;
const savedUserData = process.env.WARROOM_USER_DATA_DIR;

beforeAll(async () => {
  process.env.WARROOM_USER_DATA_DIR = userData;
  process.argv = ['electron', 'dist/main/main.cjs', deepInviteLink('http://127.0.0.1:4100', TOKEN, 'INC-1')];
  await import('../../main/main.ts');
  await vi.waitUntil(() => fake.state.windows[0]?.loaded.length === 1, { timeout: 5000 });
  // The join from argv waits in the command queue until the renderer says it listens.
  await vi.waitUntil(async () => (await fs.readFile(path.join(userData, 'settings.json'), 'utf8').catch(() => '')).includes(TOKEN), { timeout: 5000 });
});

afterAll(async () => {
  process.argv = savedArgv;
  if (savedUserData === undefined) delete process.env.WARROOM_USER_DATA_DIR;
  else process.env.WARROOM_USER_DATA_DIR = savedUserData;
  await fs.rm(userData, { recursive: true, force: true });
});

const win = () => fake.state.windows[0]!;
const appEvent = { senderFrame: { url: 'app://warroom/index.html', parent: null } };

describe('main process wiring (electron mocked)', () => {
  it('creates the window with the secure preferences and the built preload', () => {
    expect(fake.state.windows).toHaveLength(1);
    const prefs = win().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    // Not packaged here, so this is development: devtools allowed (a packaged app gets devTools: false).
    expect(prefs.devTools).toBe(true);
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
  });

  it('loads the built renderer through the privileged app:// scheme', async () => {
    expect(win().loaded).toEqual(['app://warroom/index.html']);
    expect(fake.state.privileged).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(fake.state.protocolHandlers.has('app')).toBe(true);
  });

  it('guards navigation and new windows of every web contents', () => {
    const wc = win().webContents;
    const ev = { preventDefault: vi.fn() };
    wc.emit('will-navigate', ev, 'https://evil.example/');
    expect(ev.preventDefault).toHaveBeenCalled();
    expect(fake.electron.shell.openExternal).toHaveBeenCalledWith('https://evil.example/');
    const redirect = { preventDefault: vi.fn() };
    wc.emit('will-redirect', redirect, 'file:///etc/passwd');
    expect(redirect.preventDefault).toHaveBeenCalled();
    expect(wc.openHandler?.({ url: 'https://docs.example.com/runbook' })).toEqual({ action: 'deny' });
    const webview = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission but notifications from the app', () => {
    const answers: Record<string, boolean> = {};
    for (const p of ['notifications', 'media', 'geolocation']) {
      fake.state.permissionRequest?.({ getURL: () => 'app://warroom/index.html' }, p, (g: boolean) => (answers[p] = g));
    }
    expect(answers).toEqual({ notifications: true, media: false, geolocation: false });
  });

  it('registers the guarded bridge handlers', async () => {
    expect([...fake.state.handlers.keys()].sort()).toEqual([IPC.getSettings, IPC.notify, IPC.printToPdf, IPC.saveFile, IPC.setSettings].sort());
    const foreign = await fake.state.handlers.get(IPC.getSettings)!({ senderFrame: { url: 'https://evil.example/', parent: null } });
    expect(foreign).toMatchObject({ ok: false, code: 'SHELL_FOREIGN_SENDER' });
  });

  it('takes the invite from the command line: saved before the first load, and sent once the renderer listens', async () => {
    expect(win().webContents.reloads).toBe(0);
    const settings = await fake.state.handlers.get(IPC.getSettings)!(appEvent);
    expect(settings).toMatchObject({ ok: true, value: { serverUrl: 'http://127.0.0.1:4100', token: TOKEN } });
    expect(win().webContents.sent).toEqual([]);
    fake.state.listeners.get(IPC.commandsReady)!(appEvent);
    expect(win().webContents.sent).toEqual([[IPC.command, { type: 'join', serverUrl: 'http://127.0.0.1:4100', token: TOKEN, incidentId: 'INC-1' }]]);
  });

  it('puts the configured server, and only it, in the CSP of app pages', async () => {
    const res = await fake.state.protocolHandlers.get('app')!(new Request('app://warroom/index.html'));
    // Run from source, main.ts serves renderer/ (built, it serves dist/renderer beside dist/main).
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>War Room</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4100 ws://127.0.0.1:4100;");
    expect(csp).toContain("script-src 'self';");
  });

  it('registers warroom:// and handles links from a second instance, refusing bad ones', async () => {
    expect(fake.state.protocolClients[0]?.[0]).toBe('warroom');
    fake.electron.app.emit('second-instance', {}, ['warroom', 'warroom://join?server=http%3A%2F%2Fh&token=bad']);
    await vi.waitUntil(() => fake.state.errors.length > 0, { timeout: 2000 });
    expect(fake.state.errors[0]).toEqual(['Invite not opened', expect.stringMatching(/no valid token/)]);
    expect(win().webContents.reloads).toBe(0);
    fake.electron.app.emit('second-instance', {}, ['warroom', deepInviteLink('https://wr.example.com', TOKEN, 'INC-2')]);
    // A new server origin: the window reloads so its CSP names that server, and the join waits for the new page.
    await vi.waitUntil(() => win().webContents.reloads === 1, { timeout: 2000 });
    expect(win().webContents.sent).toHaveLength(1);
    const res = await fake.state.protocolHandlers.get('app')!(new Request('app://warroom/index.html'));
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' https://wr.example.com wss://wr.example.com;");
    fake.state.listeners.get(IPC.commandsReady)!(appEvent);
    expect(win().webContents.sent[1]).toEqual([IPC.command, { type: 'join', serverUrl: 'https://wr.example.com', token: TOKEN, incidentId: 'INC-2' }]);
  });

  it('has a menu with accelerators that send commands (devtools only because this is development)', () => {
    const template = fake.state.menuTemplate as { label?: string; submenu?: { label?: string; accelerator?: string; role?: string; click?: () => void }[] }[];
    const items = template.flatMap((m) => m.submenu ?? []);
    const byLabel = (l: string) => items.find((i) => i.label === l)!;
    expect(byLabel('New Incident…').accelerator).toBe('CmdOrCtrl+Shift+N');
    expect(byLabel('Export…').accelerator).toBe('CmdOrCtrl+E');
    byLabel('Show Times in UTC').click?.();
    expect(win().webContents.sent.at(-1)).toEqual([IPC.command, { type: 'toggle-utc' }]);
    // Not packaged here, so devtools is present in this (development) menu.
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});
