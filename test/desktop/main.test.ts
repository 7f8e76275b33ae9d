import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deepInviteLink } from '../../shared/invite.ts';
import { IPC } from '../../main/channels.ts';
import { createFakeElectron, FakeNotification } from './fakeElectron.ts';

// main.ts runs its wiring on import; `electron` is replaced by a recorder, never required for real.
const TOKEN = 'lead_abcdefghijklmnop';
const userData = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-main-test-'));
// The person answers "Join" to the first link's question.
const fake = createFakeElectron(userData, { dialogAnswers: [0] });
vi.mock('electron', () => fake.electron);

const savedArgv = process.argv;
const savedUserData = process.env.WARROOM_USER_DATA_DIR;
const settingsText = () => fs.readFile(path.join(userData, 'settings.json'), 'utf8').catch(() => '');

beforeAll(async () => {
  process.env.WARROOM_USER_DATA_DIR = userData;
  // A damaged settings file from an earlier run: the app must start anyway, and say so.
  await fs.writeFile(path.join(userData, 'settings.json'), '{"serverUrl": "http://h:4000", "tok');
  process.argv = ['electron', 'dist/main/main.cjs', deepInviteLink('http://127.0.0.1:4100', TOKEN, 'INC-1')];
  await import('../../main/main.ts');
  await vi.waitUntil(() => fake.state.windows[0]?.loaded.length === 1, { timeout: 5000 });
  await vi.waitUntil(async () => (await settingsText()).includes('127.0.0.1:4100'), { timeout: 5000 });
});

afterAll(async () => {
  process.argv = savedArgv;
  if (savedUserData === undefined) delete process.env.WARROOM_USER_DATA_DIR;
  else process.env.WARROOM_USER_DATA_DIR = savedUserData;
  // A booted main may still be writing its settings or window state into userData: retry the removal.
  await fs.rm(userData, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

const win = () => fake.state.windows[0]!;
const appEvent = { senderFrame: { url: 'app://warroom/index.html', parent: null } };
const ready = () => fake.state.listeners.get(IPC.commandsReady)!(appEvent);
const invoke = (channel: string, ...args: unknown[]) => fake.state.handlers.get(channel)!(appEvent, ...args) as Promise<{ ok: boolean; value?: unknown }>;
const commands = () => win().webContents.sent.filter(([c]) => c === IPC.command).map(([, p]) => p as { type: string; code?: string });

describe('main process wiring (electron mocked)', () => {
  it('creates the window with the secure preferences and the built preload, in a dev-only user data folder', () => {
    expect(fake.state.windows).toHaveLength(1);
    const prefs = win().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, spellcheck: true });
    expect(prefs.devTools).toBe(true);
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(fake.state.paths.get('userData')).toBe(userData);
  });

  it('loads the built renderer through the privileged app:// scheme', () => {
    expect(win().loaded).toEqual(['app://warroom/index.html']);
    expect(fake.state.privileged).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(fake.state.protocolHandlers.has('app')).toBe(true);
  });

  it('asks before taking the invite from the command line, after the first load, naming the server', () => {
    expect(fake.state.questions).toHaveLength(1);
    expect(fake.state.questions[0]!.message).toContain('http://127.0.0.1:4100');
    expect(fake.state.errors).toEqual([]);
    expect(fake.electron.app.quit).not.toHaveBeenCalled();
  });

  it('keeps the token out of settings.json (sealed in secrets.json, mode 0600)', async () => {
    expect(await settingsText()).not.toContain(TOKEN);
    const secrets = await fs.readFile(path.join(userData, 'secrets.json'), 'utf8');
    expect(secrets).not.toContain(TOKEN);
    expect((await fs.stat(path.join(userData, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(userData, 'settings.json.corrupt'))).mode & 0o777).toBe(0o600);
  });

  it('reloads for the new server\u2019s CSP, then tells the renderer about the reset settings and sends the join', async () => {
    await vi.waitUntil(() => win().webContents.reloads === 1, { timeout: 2000 });
    const settings = await invoke(IPC.getSettings);
    expect(settings).toMatchObject({ ok: true, value: { serverUrl: 'http://127.0.0.1:4100', token: TOKEN, servers: [{ serverUrl: 'http://127.0.0.1:4100', local: false }] } });
    await new Promise((r) => setTimeout(r, 30));
    ready();
    expect(commands()).toEqual([
      expect.objectContaining({ type: 'notice', code: 'SHELL_SETTINGS_RESET' }),
      { type: 'join', serverUrl: 'http://127.0.0.1:4100', token: TOKEN, incidentId: 'INC-1' },
    ]);
  });

  it('puts the configured server, and only it, in the CSP of app pages', async () => {
    const res = await fake.state.protocolHandlers.get('app')!(new Request('app://warroom/index.html'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>War Room</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4100 ws://127.0.0.1:4100;");
  });

  it('grants notifications and the loopback network permission for the configured (loopback) server, to the app only', () => {
    const ask = (origin: string, p: string) => fake.state.permissionCheck!(null, p, origin, {});
    expect(ask('app://warroom', 'notifications')).toBe(true);
    expect(ask('app://warroom', 'loopback-network')).toBe(true);
    expect(ask('app://warroom', 'local-network-access')).toBe(true);
    // The server is on this computer: no need to reach the LAN.
    expect(ask('app://warroom', 'local-network')).toBe(false);
    expect(ask('https://evil.example', 'loopback-network')).toBe(false);
    const answers: Record<string, boolean> = {};
    for (const p of ['notifications', 'media', 'geolocation', 'loopback-network', 'local-network']) {
      fake.state.permissionRequest?.({ getURL: () => 'app://warroom/index.html' }, p, (g: boolean) => (answers[p] = g));
    }
    expect(answers).toEqual({ notifications: true, media: false, geolocation: false, 'loopback-network': true, 'local-network': false });
  });

  it('guards navigation and new windows of every web contents, and offers a context menu', () => {
    const wc = win().webContents;
    const ev = { preventDefault: vi.fn() };
    wc.emit('will-navigate', ev, 'https://evil.example/');
    expect(ev.preventDefault).toHaveBeenCalled();
    expect(fake.electron.shell.openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(wc.openHandler?.({ url: 'https://docs.example.com/runbook' })).toEqual({ action: 'deny' });
    expect(wc.listenerCount('context-menu')).toBe(1);
  });

  it('a link from a second instance is asked about; "Cancel" changes nothing', async () => {
    const before = await settingsText();
    fake.electron.app.emit('second-instance', {}, ['warroom', deepInviteLink('https://wr.example.com', 'other_token_abcdef')]);
    await vi.waitUntil(() => fake.state.questions.length === 2, { timeout: 2000 });
    await new Promise((r) => setTimeout(r, 30));
    expect(await settingsText()).toBe(before);
    expect(win().webContents.reloads).toBe(1);
  });

  it('a bad link is refused with a sentence, without a question', async () => {
    fake.electron.app.emit('second-instance', {}, ['warroom', 'warroom://join?server=http%3A%2F%2Fh&token=bad']);
    await vi.waitUntil(() => fake.state.errors.length > 0, { timeout: 2000 });
    expect(fake.state.errors[0]).toEqual(['Invite not opened', expect.stringMatching(/no valid token/)]);
    expect(fake.state.questions).toHaveLength(2);
  });

  it('starts the war room on this computer in a utility process and answers with its address and a lead token', async () => {
    const res = await invoke(IPC.startLocalServer, { shareOnLan: false });
    expect(res).toEqual({ ok: true, value: { ok: true, serverUrl: 'http://127.0.0.1:4000', token: 'lead_local_abcdefgh', inviteLink: null } });
    const child = fake.state.forks[0]!;
    expect(child.modulePath).toMatch(/server[\\/]warroom-server\.mjs$/);
    expect(child.args).toEqual(expect.arrayContaining(['--host', '127.0.0.1', '--port', '4000', '--data-dir', path.join(userData, 'war-room')]));
    // The renderer then connects through setSettings: the server is saved as this computer's.
    await invoke(IPC.setSettings, { serverUrl: 'http://127.0.0.1:4000', token: 'lead_local_abcdefgh' });
    expect((await invoke(IPC.getSettings)).value).toMatchObject({ servers: [{ serverUrl: 'http://127.0.0.1:4000', local: true }, { serverUrl: 'http://127.0.0.1:4100', local: false }] });
  });

  it('a help notification with a long title is shown (cut), and counts as unread in the tray until the window is focused', async () => {
    const res = await invoke(IPC.notify, { title: `Help needed now: ${'T'.repeat(200)}`, body: 'x'.repeat(10_000), incidentId: 'INC-1' });
    expect(res).toEqual({ ok: true, value: null });
    expect(FakeNotification.created.at(-1)!.show).toHaveBeenCalled();
    expect(fake.state.badge).toBe(1);
    expect(fake.state.trays[0]!.tooltip).toMatch(/1 unread alert/);
    expect(fake.state.trays[0]!.image).toMatch(/tray-unread\.png$/);
    win().emit('focus');
    expect(fake.state.badge).toBe(0);
    expect(fake.state.trays[0]!.image).toMatch(/tray\.png$/);
  });

  it('a crashed renderer is reloaded and the person is told', async () => {
    const reloads = win().webContents.reloads;
    win().webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(win().webContents.reloads).toBe(reloads + 1);
    // Held for the reloaded page: the crashed one cannot show it.
    expect(commands().some((c) => c.code === 'SHELL_WINDOW_RELOADED')).toBe(false);
    await new Promise((r) => setTimeout(r, 10));
    ready();
    expect(commands().at(-1)).toMatchObject({ type: 'notice', code: 'SHELL_WINDOW_RELOADED' });
  });

  it('closing the window on Linux with a tray hides it (still connected); quitting saves the window and stops the local server first', async () => {
    win().close();
    expect(win().destroyed).toBe(false);
    expect(win().hide).toHaveBeenCalled();
    fake.electron.app.quit();
    // will-quit was held until the cleanup finished, then quit ran again.
    await vi.waitUntil(() => fake.state.exited, { timeout: 5000 });
    expect(fake.state.forks[0]!.posted).toEqual([{ type: 'stop' }]);
    const saved = JSON.parse(await fs.readFile(path.join(userData, 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 1, y: 2, width: 1000, height: 700, maximized: false });
    expect((await fs.stat(path.join(userData, 'window-state.json'))).mode & 0o777).toBe(0o600);
  });
});
