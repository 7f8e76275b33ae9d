/**
 * A recording stand-in for the `electron` module, for `vi.mock('electron', ...)`. It records what
 * main.ts asks of Electron so tests can check the wiring; it never starts anything. Where real
 * Electron is strict, so is this: a reload during a load rejects that load with ERR_ABORTED,
 * reload is asynchronous, the single-instance lock can be refused, closing is preventable,
 * quitting runs before-quit/will-quit (also preventable), and values crossing contextBridge lose
 * what structured cloning loses (an Error keeps only its message).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** What contextBridge does to a value crossing worlds: an Error becomes a plain Error with its message only. */
export function crossWorlds(value: unknown): unknown {
  if (value instanceof Error) return new Error(value.message);
  if (typeof value === 'function') {
    return (...args: unknown[]) => {
      const out = (value as (...a: unknown[]) => unknown)(...args);
      return out instanceof Promise ? out.then(crossWorlds, (err: unknown) => Promise.reject(crossWorlds(err))) : crossWorlds(out);
    };
  }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(crossWorlds);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = crossWorlds(v);
  return out;
}

export class FakeWebContents extends EventEmitter {
  openHandler: ((d: { url: string }) => unknown) | null = null;
  sent: [string, unknown][] = [];
  url = '';
  reloads = 0;
  crashes = 0;
  destroyed = false;
  /** Set while a load is in progress: a reload aborts it, as in Chromium. */
  abortLoad: ((err: Error) => void) | null = null;
  session = { addWordToSpellCheckerDictionary: vi.fn() };
  replaceMisspelling = vi.fn();
  reload() {
    this.abortLoad?.(Object.assign(new Error("ERR_ABORTED (-3) loading 'app://warroom/index.html'"), { code: 'ERR_ABORTED', errno: -3 }));
    this.abortLoad = null;
    this.reloads += 1;
    setImmediate(() => {
      this.emit('did-start-loading');
      setImmediate(() => this.emit('did-finish-load'));
    });
  }
  forcefullyCrashRenderer() {
    this.crashes += 1;
    setImmediate(() => this.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 }));
  }
  isDestroyed() {
    return this.destroyed;
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

export class FakeUtilityProcess extends EventEmitter {
  posted: unknown[] = [];
  killed = false;
  readonly modulePath: string;
  readonly args: string[];
  constructor(modulePath: string, args: string[]) {
    super();
    this.modulePath = modulePath;
    this.args = args;
  }
  postMessage(m: unknown) {
    this.posted.push(m);
    if ((m as { type?: string }).type === 'stop') setImmediate(() => this.emit('exit', 0));
  }
  kill() {
    this.killed = true;
    setImmediate(() => this.emit('exit', 1));
    return true;
  }
}

export class FakeNotification extends EventEmitter {
  static created: FakeNotification[] = [];
  static isSupported = () => true;
  show = vi.fn();
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
    FakeNotification.created.push(this);
  }
}

export interface FakeOptions {
  argv?: string[];
  /** false: another instance holds the lock. */
  singleInstanceLock?: boolean;
  /** Replies to dialog.showMessageBox, in order (0 = the confirm button); default: Cancel. */
  dialogAnswers?: number[];
  /** How long a loadURL takes (ms); tests that act during the first load make it long. */
  loadDelayMs?: number;
  /** What a forked utility process posts (default: ready on 127.0.0.1:4000). */
  onFork?: (child: FakeUtilityProcess) => void;
}

export function createFakeElectron(userData: string, argvOrOptions: string[] | FakeOptions = []) {
  const opts: FakeOptions = Array.isArray(argvOrOptions) ? { argv: argvOrOptions } : argvOrOptions;
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
    questions: [] as { message: string; detail?: string; buttons: string[] }[],
    dialogAnswers: [...(opts.dialogAnswers ?? [])],
    paths: new Map<string, string>(),
    forks: [] as FakeUtilityProcess[],
    trays: [] as { tooltip: string; menu: unknown; image: string }[],
    badge: 0,
    appUserModelId: null as string | null,
    quits: 0,
    exited: false,
    argv: opts.argv ?? [],
  };

  class FakeBrowserWindow extends EventEmitter {
    options: Record<string, unknown>;
    webContents = new FakeWebContents();
    loaded: string[] = [];
    /** Loads that finished (resolved). */
    loadsDone = 0;
    visible = false;
    destroyed = false;
    title = '';
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      windows.push(this);
      appEvents.emit('web-contents-created', {}, this.webContents);
    }
    /** Resolves on a later tick, or rejects when a reload starts first. */
    loadURL(url: string) {
      this.loaded.push(url);
      this.webContents.url = url;
      return new Promise<void>((resolve, reject) => {
        this.webContents.abortLoad = reject;
        setTimeout(() => {
          if (this.webContents.abortLoad !== reject) return;
          this.webContents.abortLoad = null;
          this.loadsDone += 1;
          resolve();
        }, opts.loadDelayMs ?? 20);
      });
    }
    /** As Electron: 'close' can be prevented; otherwise the window is destroyed and 'closed' follows. */
    close() {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.visible = false;
      this.emit('closed');
      if (windows.every((w) => w.destroyed)) appEvents.emit('window-all-closed');
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    isFocused = () => false;
    isVisible = () => this.visible;
    restore = vi.fn();
    show = vi.fn(() => (this.visible = true));
    hide = vi.fn(() => (this.visible = false));
    focus = vi.fn();
    maximize = vi.fn();
    setTitle = (t: string) => (this.title = t);
    overlay: unknown = null;
    setOverlayIcon = (image: unknown) => (this.overlay = image);
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 1, y: 2, width: 1000, height: 700 });
  }

  class FakeTray {
    entry = { tooltip: '', menu: null as unknown, image: '' };
    constructor() {
      state.trays.push(this.entry);
    }
    on = vi.fn();
    setImage(i: { path: string }) {
      this.entry.image = i.path;
    }
    setToolTip(t: string) {
      this.entry.tooltip = t;
    }
    setContextMenu(m: { template: unknown }) {
      this.entry.menu = m.template;
    }
  }

  const ses = {
    setPermissionRequestHandler: (h: (...a: unknown[]) => void) => (state.permissionRequest = h),
    setPermissionCheckHandler: (h: (...a: unknown[]) => boolean) => (state.permissionCheck = h),
    webRequest: { onHeadersReceived: vi.fn(), onBeforeRequest: vi.fn() },
  };

  /** app.quit() as Electron runs it: before-quit, then will-quit (preventable), then the process ends. */
  const quit = vi.fn(() => {
    state.quits += 1;
    appEvents.emit('before-quit', { preventDefault: () => undefined });
    let prevented = false;
    appEvents.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) state.exited = true;
  });

  const electron = {
    app: Object.assign(appEvents, {
      isPackaged: false,
      getPath: (name: string) => state.paths.get(name) ?? `${userData}/${name}`,
      setPath: (name: string, p: string) => state.paths.set(name, p),
      requestSingleInstanceLock: () => opts.singleInstanceLock ?? true,
      whenReady: () => Promise.resolve(),
      setAsDefaultProtocolClient: (...a: unknown[]) => (state.protocolClients.push(a), true),
      setAppUserModelId: (id: string) => (state.appUserModelId = id),
      setBadgeCount: (n: number) => ((state.badge = n), true),
      quit,
    }),
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    clipboard: { writeText: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`sealed:${Buffer.from(s).toString('hex')}`),
      decryptString: (b: Buffer) => Buffer.from(b.toString().replace(/^sealed:/, ''), 'hex').toString(),
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[]) => {
        const child = new FakeUtilityProcess(modulePath, args);
        state.forks.push(child);
        const onFork = opts.onFork ?? ((c: FakeUtilityProcess) => c.emit('message', {
          type: 'ready', url: 'http://127.0.0.1:4000', publicUrl: 'http://127.0.0.1:4000', leadToken: 'lead_local_abcdefgh', inviteToken: null,
        }));
        setImmediate(() => onFork(child));
        return child;
      },
    },
    dialog: {
      showErrorBox: (t: string, m: string) => state.errors.push([t, m]),
      showMessageBox: vi.fn(async (_w: unknown, o: { message: string; detail?: string; buttons: string[] }) => {
        state.questions.push(o);
        return { response: state.dialogAnswers.shift() ?? 1, checkboxChecked: false };
      }),
      showSaveDialog: vi.fn(async () => ({ canceled: true })),
    },
    ipcMain: {
      handle: (c: string, l: (...a: unknown[]) => unknown) => state.handlers.set(c, l),
      on: (c: string, l: (...a: unknown[]) => unknown) => state.listeners.set(c, l),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => ({ template: t, popup: vi.fn() }),
      setApplicationMenu: (m: { template: unknown }) => (state.menuTemplate = m.template),
    },
    Notification: FakeNotification,
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
