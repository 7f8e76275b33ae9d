/**
 * Electron main process: wires the pure pieces (security, IPC, deep links, menu, settings, the
 * local server, tray) to Electron. No incident logic lives here; the renderer owns it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, protocol, safeStorage, screen, session, shell, Tray,
  utilityProcess,
} from 'electron';
import type { NotifyRequest, ShellCommand } from '../shared/bridge.ts';
import { ERROR_MESSAGES, type ErrorCode } from '../shared/errors.ts';
import { APP_INDEX_URL, APP_SCHEME, createAppProtocolHandler } from './appProtocol.ts';
import { IPC } from './channels.ts';
import { createCommandQueue } from './commandQueue.ts';
import { DEEP_LINK_SCHEME, findDeepLink, openDeepLink, parseDeepLink } from './deepLinks.ts';
import { printHtmlToPdf, saveWithDialog, type SaveDeps } from './exports.ts';
import { registerIpcHandlers } from './ipc.ts';
import { createLocalServer, resumeAtStart, startForRenderer, teammateInvite } from './localServer.ts';
import { buildMenuTemplate } from './menu.ts';
import { showNotification, type NotificationLike } from './notifications.ts';
import { renderHtmlToPdf } from './pdfWindow.ts';
import { safeStorageBox } from './secrets.ts';
import { appOriginFor, buildCsp, secureWebPreferences } from './security.ts';
import { hardenContents, hardenSessions } from './sessions.ts';
import {
  DEFAULT_WINDOW_STATE, loadJsonFile, openSettingsStore, serverOriginChanged, WINDOW_STATE_FILE, windowStateSchema, writeJsonFile,
  type SettingsPatch, type SettingsStore, type WindowState,
} from './settings.ts';
import { badgeText, buildTrayMenu, closeHidesWindow, trayTooltip } from './tray.ts';
import { startAutoUpdate, type UpdaterLike } from './updater.ts';
import { fitToDisplays } from './windowState.ts';
import { watchRenderer } from './windowRecovery.ts';

// Bundled to CommonJS (dist/main/main.cjs), where __dirname is the bundle's folder.
const here = __dirname;
const PRELOAD = path.join(here, 'preload.cjs');
const RENDERER_DIR = path.join(here, '..', 'renderer');
const SERVER_BUNDLE = path.join(here, '..', 'server', 'warroom-server.mjs');
const ICONS = path.join(here, '..', '..', 'build', 'icons');
const trayImage = (unreadCount: number) => nativeImage.createFromPath(path.join(ICONS, unreadCount > 0 ? 'tray-unread.png' : 'tray.png'));
const PDF_PARTITION = 'warroom-pdf';
/** electron-builder.yml's appId: Windows ties notifications and the taskbar to it. */
const APP_ID = 'dev.warroom.desktop';

const isDev = !app.isPackaged;
const devServerUrl = isDev ? (process.env.WARROOM_DEV_SERVER_URL ?? null) : null;
const appOrigin = appOriginFor(devServerUrl);

// Development gets its own folder, and with it its own single-instance lock (Electron keys the
// lock on userData): a dev `npm start` never hijacks the installed app or its settings.
app.setPath('userData', process.env.WARROOM_USER_DATA_DIR ?? path.join(app.getPath('appData'), isDev ? 'War Room (dev)' : 'War Room'));
if (process.platform === 'win32') app.setAppUserModelId(isDev ? `${APP_ID}.dev` : APP_ID);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
]);

let win: BrowserWindow | null = null;
/** True once the current window finished (or failed) its first load: links wait until then. */
let windowLoaded = false;
let settings: SettingsStore | null = null;
let tray: Tray | null = null;
let unread = 0;
let quitting = false;
let cleanedUp = false;
let windowStateWrite: Promise<void> = Promise.resolve();
const pendingLinks: string[] = [];
let linkChain: Promise<void> = Promise.resolve();
const liveNotifications = new Set<NotificationLike>();
const commands = createCommandQueue((c: ShellCommand) => win?.webContents.send(IPC.command, c));
const localServer = createLocalServer({
  fork: (modulePath, args) => utilityProcess.fork(modulePath, args, { serviceName: 'War Room server', stdio: 'inherit' }),
  bundlePath: SERVER_BUNDLE,
  dataDir: path.join(app.getPath('userData'), 'war-room'),
  staticDir: RENDERER_DIR,
  onUnexpectedExit: () => {
    commands.send({ type: 'notice', code: 'LOCAL_SERVER_STOPPED', message: ERROR_MESSAGES.LOCAL_SERVER_STOPPED });
    refreshChrome();
  },
});

let creating: Promise<void> | null = null;
/** One window at a time, even when a dock click, a link and a notification all ask for one. */
function openWindow(): Promise<void> {
  creating ??= createWindow().finally(() => {
    creating = null;
  });
  return creating;
}

function showWindow(): void {
  if (!win) return void openWindow();
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

const currentServer = () => settings?.get().serverUrl ?? null;

function currentCsp(): string {
  return buildCsp({ serverUrl: currentServer(), devServerOrigin: devServerUrl ? appOrigin : null });
}

const inviteLink = () => teammateInvite(localServer);

/** Menu, tray and badge follow the unread count, the local server and the update setting. */
function refreshChrome(): void {
  const state = { unread, localServer: localServer.current() ? { url: localServer.current()!.publicUrl, inviteLink: inviteLink() } : null };
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({
    isDev, isMac: process.platform === 'darwin', send: commands.send, inviteLink: inviteLink(), copyInvite: (l) => clipboard.writeText(l),
    autoUpdate: settings?.autoUpdate() ?? false, setAutoUpdate: (on) => void settings?.setAutoUpdate(on).then(refreshChrome),
  })));
  app.setBadgeCount(unread);
  if (tray) {
    tray.setImage(trayImage(unread));
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(state, { show: showWindow, copyInvite: (l) => clipboard.writeText(l), quit: () => app.quit() })));
  }
  win?.setTitle(unread > 0 ? `War Room (${badgeText(unread)})` : 'War Room');
  // Windows has no badge count: the taskbar button gets the badge as an overlay.
  if (process.platform === 'win32') win?.setOverlayIcon(unread > 0 ? trayImage(unread) : null, unread > 0 ? `${unread} unread alerts` : '');
}

/** Every settings change goes through here: a new server origin reloads the window for its CSP. */
async function updateSettings(patch: SettingsPatch): Promise<ReturnType<SettingsStore['get']>> {
  if (!settings) throw new Error('Settings are not loaded yet.');
  const before = settings.get();
  const local = localServer.current();
  const isLocal = !!patch.serverUrl && !!local && new URL(patch.serverUrl).origin === new URL(local.url).origin;
  // Only "yes, it is ours" is news: a local server that failed to start is still this computer's.
  const after = await settings.update(patch, isLocal ? { local: true } : {});
  if (win && serverOriginChanged(before, after)) {
    // Commands sent from now on wait for the reloaded page to subscribe.
    commands.reset();
    const w = win;
    setImmediate(() => w.webContents.reload());
  }
  return after;
}

async function handleLink(link: string): Promise<void> {
  if (!settings || !win || !windowLoaded) {
    pendingLinks.push(link);
    return;
  }
  const parent = win;
  await openDeepLink({
    confirm: async (q) => (await dialog.showMessageBox(parent, {
      type: 'question', title: q.title, message: q.message, detail: q.detail, buttons: [q.confirmLabel, 'Cancel'], defaultId: 1, cancelId: 1, noLink: true,
    })).response === 0,
    saveInvite: (serverUrl, token) => updateSettings({ serverUrl, token }),
    sendCommand: commands.send,
    showError: (title, message) => dialog.showErrorBox(title, message),
    focusWindow: showWindow,
  }, link);
}

/** Links are handled one at a time (one question on screen), in the order they came. */
function queueLink(link: string): void {
  linkChain = linkChain.then(() => handleLink(link)).catch((err: unknown) => console.error('War Room could not open a link:', err));
}

function drainLinks(): void {
  for (const link of pendingLinks.splice(0)) queueLink(link);
}

function registerProtocolClient(): void {
  // In development Electron runs as `electron dist/main/main.cjs`, so the OS must pass that path too.
  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
}

hardenContents({ app, shell, Menu, appOrigin });

async function createWindow(): Promise<void> {
  const stateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
  const saved = (await loadJsonFile<WindowState>(stateFile, windowStateSchema, DEFAULT_WINDOW_STATE)).value;
  const bounds = fitToDisplays(saved, screen.getAllDisplays().map((d) => d.workArea));
  windowLoaded = false;
  const w = new BrowserWindow({
    ...bounds, minWidth: 800, minHeight: 500, show: false, title: 'War Room', backgroundColor: '#111318',
    webPreferences: secureWebPreferences(PRELOAD, { devTools: isDev }),
  });
  win = w;
  w.once('ready-to-show', () => {
    if (bounds.maximized) w.maximize();
    w.show();
  });
  w.on('focus', () => {
    if (unread === 0) return;
    unread = 0;
    refreshChrome();
  });
  w.on('close', (event) => {
    const b = w.getNormalBounds();
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() };
    // Awaited at quit (will-quit), written through a temp file and a rename.
    windowStateWrite = windowStateWrite.then(() => writeJsonFile(stateFile, state)).catch((err: unknown) => console.error('War Room could not save the window position:', err));
    if (closeHidesWindow({ platform: process.platform, hasTray: tray !== null, quitting })) {
      // Hidden, not closed: the app stays connected and keeps notifying about help requests.
      event.preventDefault();
      w.hide();
    }
  });
  w.on('closed', () => {
    if (win === w) win = null;
  });
  w.webContents.on('did-start-loading', () => commands.reset());
  watchRenderer(w.webContents, {
    tell: (message) => {
      // The crashed page no longer listens: hold the notice for the reloaded one.
      commands.reset();
      commands.send({ type: 'notice', code: 'SHELL_WINDOW_RELOADED', message });
    },
    giveUp: (message) => dialog.showErrorBox('War Room window keeps failing', message),
  });
  try {
    await w.loadURL(devServerUrl ?? APP_INDEX_URL);
  } catch (err) {
    // A link or a settings change can reload the page during its first load (ERR_ABORTED): not a failure.
    const e = err as { code?: string; message?: string };
    if (e.code !== 'ERR_ABORTED') dialog.showErrorBox('War Room could not load its window', `${e.message ?? String(err)}. Reload it with Ctrl+R.`);
  } finally {
    if (win === w) windowLoaded = true;
  }
  drainLinks();
}

function saveDeps(): SaveDeps {
  return {
    defaultDir: app.getPath('documents'),
    showSaveDialog: (options) => (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options)),
  };
}

function notify(req: NotifyRequest): void {
  const shown = showNotification({
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    focusWindow: showWindow,
    sendCommand: commands.send,
    retain: (n) => {
      liveNotifications.add(n);
      const drop = () => liveNotifications.delete(n);
      (n as Notification).once('close', drop);
      (n as Notification).once('click', drop);
    },
  }, req);
  if (shown && !win?.isFocused()) {
    unread += 1;
    refreshChrome();
  }
}

function localGlue(store: SettingsStore) {
  return {
    server: localServer, settings: store, changed: refreshChrome,
    notice: (code: ErrorCode, message: string) => commands.send({ type: 'notice', code, message }),
  };
}

function createTray(): void {
  if (process.platform === 'darwin') return;
  try {
    tray = new Tray(trayImage(0));
    tray.on('click', showWindow);
  } catch (err) {
    // No status area on this desktop: closing the window quits, as it would without a tray.
    console.warn('War Room has no tray icon here:', (err as Error).message);
    tray = null;
  }
}

async function start(): Promise<void> {
  const store = await openSettingsStore(app.getPath('userData'), safeStorageBox(safeStorage));
  settings = store;
  if (store.recovered) {
    console.warn(`War Room settings were damaged (${store.recovered.reason}); defaults are used and the old file is kept at ${store.recovered.corruptCopy}.`);
    commands.send({ type: 'notice', code: 'SHELL_SETTINGS_RESET', message: `${ERROR_MESSAGES.SHELL_SETTINGS_RESET} (${store.recovered.corruptCopy})` });
  }
  if (!store.secretsEncrypted && store.get().token) commands.send({ type: 'notice', code: 'SHELL_SECRETS_PLAIN', message: ERROR_MESSAGES.SHELL_SECRETS_PLAIN });
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: RENDERER_DIR, readFile: (f) => fs.readFile(f), csp: currentCsp }));
  hardenSessions({ session, appOrigin, devServerUrl, currentServer, currentCsp, pdfPartition: PDF_PARTITION });
  registerIpcHandlers(ipcMain, {
    appOrigin,
    saveFile: (req) => saveWithDialog(saveDeps(), req),
    printToPdf: (req) => printHtmlToPdf({
      ...saveDeps(),
      renderPdf: (html) => renderHtmlToPdf({ createWindow: (o) => new BrowserWindow(o), partition: PDF_PARTITION }, html),
    }, req),
    notify,
    settings: { get: () => store.get(), update: updateSettings },
    startLocalServer: (req) => startForRenderer(localGlue(store), req),
    onCommandsReady: () => commands.ready(),
  });
  createTray();
  refreshChrome();
  registerProtocolClient();
  const first = findDeepLink(process.argv);
  if (first) pendingLinks.unshift(first);
  // `npm start` (development only) hands over its own lead invite through the environment, which no
  // web page can set: it is applied without a question, before the first load.
  const devInvite = isDev && process.env.WARROOM_DEV_INVITE ? parseDeepLink(process.env.WARROOM_DEV_INVITE) : null;
  if (devInvite?.ok) {
    await store.update({ serverUrl: devInvite.command.serverUrl, token: devInvite.command.token });
    commands.send(devInvite.command);
  }
  await resumeAtStart(localGlue(store));
  await openWindow();
  void startAutoUpdate({
    isPackaged: app.isPackaged,
    enabled: store.autoUpdate(),
    load: async () => (await import('electron-updater')).autoUpdater as unknown as UpdaterLike,
    log: (m) => console.warn(`War Room ${m}`),
    onDownloaded: (version) => commands.send({ type: 'notice', code: 'SHELL_UPDATE_READY', message: `${ERROR_MESSAGES.SHELL_UPDATE_READY} (${version})` }),
  }).catch((err: unknown) => console.warn('War Room update check failed:', err));
}

/** Before the process ends: window position, settings and the local server's commits are on disk. */
async function cleanUp(): Promise<void> {
  await Promise.allSettled([windowStateWrite, settings?.flush(), localServer.stop()]);
}

if (!app.requestSingleInstanceLock()) {
  // Another War Room (of the same kind: installed or dev) runs; it got our argv, link included.
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    showWindow();
    const link = findDeepLink(argv);
    if (link) queueLink(link);
  });
  // macOS delivers links this way, possibly before `ready` or while no window is open.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    queueLink(url);
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (cleanedUp) return;
    event.preventDefault();
    void cleanUp().finally(() => {
      cleanedUp = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!settings) return;
    if (win) showWindow();
    else void openWindow();
    drainLinks();
  });
  app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox('War Room could not start', (err as Error).message);
    app.quit();
  });
}
