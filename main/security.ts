/**
 * The Electron security checklist as pure functions, so tests can check each rule without Electron.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
import type { WebPreferences } from 'electron';
import { APP_ORIGIN, APP_SCHEME } from './appProtocol.ts';

/** The origin of a URL, or null when it has none we can trust. */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  // Node's URL gives every non-special scheme the opaque origin "null", which would make
  // `foo://x` equal `app://warroom`; our registered scheme is standard in Chromium, so compute it.
  if (u.protocol === `${APP_SCHEME}:`) return u.host ? `${APP_SCHEME}://${u.host}` : null;
  if (u.origin === 'null') return null;
  return u.origin;
}

/** `devTools` only in development: a packaged app gives no console to paste things into. */
export function secureWebPreferences(preloadPath: string, { devTools = false }: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  };
}

/** http(s) origin of the server plus the ws(s) origin socket.io upgrades to. */
export function serverConnectSources(serverUrl: string | null): string[] {
  if (!serverUrl) return [];
  const origin = originOf(serverUrl);
  if (!origin || !/^https?:/.test(origin)) return [];
  return [origin, origin.replace(/^http/, 'ws')];
}

export interface CspOptions {
  serverUrl: string | null;
  /** Vite dev server origin in development: it serves scripts and needs its HMR socket. */
  devServerOrigin?: string | null;
}

export function buildCsp({ serverUrl, devServerOrigin = null }: CspOptions): string {
  const self = devServerOrigin ? `'self' ${devServerOrigin}` : "'self'";
  const connect = [self, ...serverConnectSources(serverUrl)];
  if (devServerOrigin) connect.push(devServerOrigin.replace(/^http/, 'ws'));
  // The React refresh preamble Vite injects in development is an inline script; the built app has none.
  const scripts = devServerOrigin ? `${self} 'unsafe-inline'` : "'self'";
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    // React sets style attributes; styles cannot run code.
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data: blob:`,
    `font-src ${self} data:`,
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self'",
  ].join('; ');
}

/** Replaces any Content-Security-Policy the response carried with ours. */
export function withCsp(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/**
 * `will-navigate` / `will-redirect` listener: only the app's own origin may load in the window.
 * Everything else is prevented; http(s) links go to the OS browser instead.
 */
export function createNavigationGuard(allowedOrigin: string, openExternal: (url: string) => void) {
  return (event: { preventDefault(): void }, url: string): void => {
    if (originOf(url) === allowedOrigin) return;
    event.preventDefault();
    if (isExternalWebUrl(url)) openExternal(url);
  };
}

export function isExternalWebUrl(url: string): boolean {
  const o = originOf(url);
  return o !== null && /^https?:\/\//.test(o);
}

/** `setWindowOpenHandler`: never a new Electron window; http(s) links open in the OS browser. */
export function createWindowOpenHandler(openExternal: (url: string) => void) {
  return ({ url }: { url: string }): { action: 'deny' } => {
    if (isExternalWebUrl(url)) openExternal(url);
    return { action: 'deny' };
  };
}

const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

/** `setPermissionRequestHandler`: notifications from the app itself, nothing else. */
export function createPermissionRequestHandler(allowedOrigin: string) {
  return (
    webContents: { getURL(): string },
    permission: string,
    callback: (granted: boolean) => void,
  ): void => {
    callback(GRANTED_PERMISSIONS.has(permission) && originOf(webContents.getURL()) === allowedOrigin);
  };
}

/** `setPermissionCheckHandler`: the synchronous twin of the request handler. */
export function createPermissionCheckHandler(allowedOrigin: string) {
  return (_webContents: unknown, permission: string, requestingOrigin: string): boolean =>
    GRANTED_PERMISSIONS.has(permission) && originOf(requestingOrigin) === allowedOrigin;
}

/** The origin the window's content is loaded from: the app protocol, or the dev server. */
export function appOriginFor(devServerUrl: string | null): string {
  if (!devServerUrl) return APP_ORIGIN;
  const o = originOf(devServerUrl);
  if (!o) throw new Error(`The dev server URL is not valid: ${devServerUrl}`);
  return o;
}
