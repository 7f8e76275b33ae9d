/**
 * A recording stand-in for the `electron` module, for `vi.mock('electron', ...)`. It records what
 * main.ts asks of Electron so tests can check the wiring; it never starts anything.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  openHandler: ((d: { url: string }) => unknown) | null = null;
  sent: [string, unknown][] = [];
  url = '';
  reloads = 0;
  reload() {
    this.reloads += 1;
    this.emit('did-start-loading');
  }
  setWindowOpenHandler(h: (d: { url: string }) => unknown) {
    this.openHandler = h;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  getURL() {
    return this.url;
  }
}

export function createFakeElectron(userData: string, argv: string[] = []) {
  const appEvents = new EventEmitter();
  const windows: FakeBrowserWindow[] = [];
  const state = {
    windows,
    handlers: new Map<string, (...a: unknown[]) => unknown>(),
    listeners: new Map<string, (...a: unknown[]) => unknown>(),
    privileged: [] as unknown[],
    protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
    permissionRequest: null as null | ((...a: unknown[]) => void),
    permissionCheck: null as null | ((...a: unknown[]) => boolean),
    menuTemplate: null as unknown,
    protocolClients: [] as unknown[][],
    errors: [] as [string, string][],
    paths: new Map<string, string>(),
    argv,
  };

  class FakeBrowserWindow extends EventEmitter {
    options: Record<string, unknown>;
    webContents = new FakeWebContents();
    loaded: string[] = [];
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      windows.push(this);
      appEvents.emit('web-contents-created', {}, this.webContents);
    }
    async loadURL(url: string) {
      this.loaded.push(url);
      this.webContents.url = url;
    }
    isMinimized = () => false;
    restore = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    maximize = vi.fn();
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 1, y: 2, width: 1000, height: 700 });
  }

  const ses = {
    setPermissionRequestHandler: (h: (...a: unknown[]) => void) => (state.permissionRequest = h),
    setPermissionCheckHandler: (h: (...a: unknown[]) => boolean) => (state.permissionCheck = h),
    webRequest: { onHeadersReceived: vi.fn(), onBeforeRequest: vi.fn() },
  };

  const electron = {
    app: Object.assign(appEvents, {
      isPackaged: false,
      getPath: (name: string) => state.paths.get(name) ?? `${userData}/${name}`,
      setPath: (name: string, p: string) => state.paths.set(name, p),
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      setAsDefaultProtocolClient: (...a: unknown[]) => (state.protocolClients.push(a), true),
      quit: vi.fn(),
    }),
    BrowserWindow: FakeBrowserWindow,
    dialog: {
      showErrorBox: (t: string, m: string) => state.errors.push([t, m]),
      showSaveDialog: vi.fn(async () => ({ canceled: true })),
    },
    ipcMain: {
      handle: (c: string, l: (...a: unknown[]) => unknown) => state.handlers.set(c, l),
      on: (c: string, l: (...a: unknown[]) => unknown) => state.listeners.set(c, l),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => ({ template: t }),
      setApplicationMenu: (m: { template: unknown }) => (state.menuTemplate = m.template),
    },
    Notification: Object.assign(vi.fn(), { isSupported: () => true }),
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, h),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: ses,
      fromPartition: () => ({ setPermissionRequestHandler: vi.fn(), webRequest: { onBeforeRequest: vi.fn() } }),
    },
    shell: { openExternal: vi.fn(async () => undefined) },
  };
  return { electron, state };
}
