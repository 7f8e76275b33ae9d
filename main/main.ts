/**
 * Electron main process: wires the pure pieces (security, IPC, deep links, menu, settings) to
 * Electron. No incident logic lives here; the renderer owns it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, screen, session, shell } from 'electron';
import type { NotifyRequest, Settings, ShellCommand } from '../shared/bridge.ts';
import { APP_INDEX_URL, APP_SCHEME, createAppProtocolHandler } from './appProtocol.ts';
import { IPC } from './channels.ts';
import { createCommandQueue } from './commandQueue.ts';
import { DEEP_LINK_SCHEME, findDeepLink, openDeepLink, parseDeepLink } from './deepLinks.ts';
import { printHtmlToPdf, saveWithDialog, type SaveDeps } from './exports.ts';
import { registerIpcHandlers } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { showNotification, type NotificationLike } from './notifications.ts';
import { renderHtmlToPdf } from './pdfWindow.ts';
import { appOriginFor, buildCsp, createNavigationGuard, createPermissionCheckHandler, createPermissionRequestHandler, createWindowOpenHandler, secureWebPreferences, withCsp } from './security.ts';
import {
  DEFAULT_WINDOW_STATE, loadJsonFile, openSettingsStore, serverOriginChanged, WINDOW_STATE_FILE, windowStateSchema, writeJsonFile,
  type SettingsStore, type WindowState,
} from './settings.ts';
import { fitToDisplays } from './windowState.ts';

// Bundled to CommonJS (dist/main/main.cjs), where __dirname is the bundle's folder.
const here = __dirname;
const PRELOAD = path.join(here, 'preload.cjs');
const RENDERER_DIR = path.join(here, '..', 'renderer');
const PDF_PARTITION = 'warroom-pdf';

const isDev = !app.isPackaged;
const devServerUrl = isDev ? (process.env.WARROOM_DEV_SERVER_URL ?? null) : null;
const appOrigin = appOriginFor(devServerUrl);

// Same folder in development and when packaged ("War Room"), unless a test isolates it.
app.setPath('userData', process.env.WARROOM_USER_DATA_DIR ?? path.join(app.getPath('appData'), 'War Room'));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
]);

let win: BrowserWindow | null = null;
let settings: SettingsStore | null = null;
const pendingLinks: string[] = [];
const liveNotifications = new Set<NotificationLike>();
const commands = createCommandQueue((c: ShellCommand) => win?.webContents.send(IPC.command, c));

function focusWindow(): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function currentCsp(): string {
  return buildCsp({ serverUrl: settings?.get().serverUrl ?? null, devServerOrigin: devServerUrl ? appOrigin : null });
}

/** Every settings change goes through here: a new server origin reloads the window for its CSP. */
async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  if (!settings) throw new Error('Settings are not loaded yet.');
  const before = settings.get();
  const after = await settings.update(patch);
  if (win && serverOriginChanged(before, after)) {
    // Commands sent from now on wait for the reloaded page to subscribe.
    commands.reset();
    const w = win;
    setImmediate(() => w.webContents.reload());
  }
  return after;
}

async function handleLink(link: string): Promise<void> {
  if (!settings || !win) {
    pendingLinks.push(link);
    return;
  }
  await openDeepLink({
    saveInvite: (serverUrl, token) => updateSettings({ serverUrl, token }),
    sendCommand: commands.send,
    showError: (title, message) => dialog.showErrorBox(title, message),
    focusWindow,
  }, link);
}

function registerProtocolClient(): void {
  // In development Electron runs as `electron dist/main/main.cjs`, so the OS must pass that path too.
  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
}

function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler(createPermissionRequestHandler(appOrigin));
  ses.setPermissionCheckHandler(createPermissionCheckHandler(appOrigin));
  // The dev server's pages get the CSP by header; app:// responses carry it from the protocol handler.
  if (devServerUrl) {
    ses.webRequest.onHeadersReceived({ urls: [`${appOrigin}/*`] }, (details, callback) => {
      callback({ responseHeaders: withCsp(details.responseHeaders, currentCsp()) });
    });
  }
  const pdf = session.fromPartition(PDF_PARTITION);
  pdf.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  pdf.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !/^(file|data):/.test(details.url) }));
}

app.on('web-contents-created', (_event, contents) => {
  const guard = createNavigationGuard(appOrigin, (url) => void shell.openExternal(url));
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(createWindowOpenHandler((url) => void shell.openExternal(url)));
});

async function createWindow(): Promise<void> {
  const stateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
  const saved = (await loadJsonFile<WindowState>(stateFile, windowStateSchema, DEFAULT_WINDOW_STATE)).value;
  const bounds = fitToDisplays(saved, screen.getAllDisplays().map((d) => d.workArea));
  win = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'War Room',
    backgroundColor: '#111318',
    webPreferences: secureWebPreferences(PRELOAD, { devTools: isDev }),
  });
  const w = win;
  w.once('ready-to-show', () => {
    if (bounds.maximized) w.maximize();
    w.show();
  });
  w.on('close', () => {
    const b = w.getNormalBounds();
    void writeJsonFile(stateFile, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() });
  });
  w.on('closed', () => {
    if (win === w) win = null;
  });
  w.webContents.on('did-start-loading', () => commands.reset());
  w.webContents.on('render-process-gone', (_e, details) => console.error(`War Room window crashed (${details.reason}); reload it with Ctrl+R.`));
  await w.loadURL(devServerUrl ?? APP_INDEX_URL);
}

function saveDeps(): SaveDeps {
  return {
    defaultDir: app.getPath('documents'),
    showSaveDialog: (options) => (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options)),
  };
}

function notify(req: NotifyRequest): void {
  showNotification({
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    focusWindow,
    sendCommand: commands.send,
    retain: (n) => {
      liveNotifications.add(n);
      const drop = () => liveNotifications.delete(n);
      (n as Notification).once('close', drop);
      (n as Notification).once('click', drop);
    },
  }, req);
}

async function start(): Promise<void> {
  settings = await openSettingsStore(app.getPath('userData'));
  if (settings.recovered) {
    console.warn(`War Room settings were damaged (${settings.recovered.reason}); defaults are used and the old file is kept at ${settings.recovered.corruptCopy}.`);
  }
  const store = settings;
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: RENDERER_DIR, readFile: (f) => fs.readFile(f), csp: currentCsp }));
  hardenSessions();
  registerIpcHandlers(ipcMain, {
    appOrigin,
    saveFile: (req) => saveWithDialog(saveDeps(), req),
    printToPdf: (req) => printHtmlToPdf({
      ...saveDeps(),
      renderPdf: (html) => renderHtmlToPdf({ createWindow: (o) => new BrowserWindow(o), partition: PDF_PARTITION }, html),
    }, req),
    notify,
    settings: { get: () => store.get(), update: updateSettings },
    onCommandsReady: () => commands.ready(),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ isDev, isMac: process.platform === 'darwin', send: commands.send })));
  registerProtocolClient();
  const first = findDeepLink(process.argv);
  const firstInvite = first ? parseDeepLink(first) : null;
  // Applied before the first load, so the page's CSP already allows the invite's server.
  if (firstInvite?.ok) await store.update({ serverUrl: firstInvite.command.serverUrl, token: firstInvite.command.token });
  await createWindow();
  if (first) pendingLinks.unshift(first);
  for (const link of pendingLinks.splice(0)) await handleLink(link);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    focusWindow();
    const link = findDeepLink(argv);
    if (link) void handleLink(link);
  });
  // macOS delivers links this way, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    void handleLink(url);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!win && settings) void createWindow();
  });
  app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox('War Room could not start', (err as Error).message);
    app.quit();
  });
}
