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

const ALWAYS_GRANTED: ReadonlySet<string> = new Set(['notifications']);

/** Chromium's Local Network Access permissions (names as in electron.d.ts for Electron 45). */
export const LOCAL_NETWORK_PERMISSIONS = ['loopback-network', 'local-network', 'local-network-access'] as const;

function isPrivateIpv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/**
 * The local-network permissions the configured server needs, and no others: a server on this
 * computer needs `loopback-network`; one on a private address (or a DNS name, which may resolve
 * to one: an office LAN server) needs `local-network`; a public IP needs neither. The legacy
 * umbrella name `local-network-access` follows either. The CSP's connect-src limits the app to
 * that one server, so together the window can reach the configured server and nothing else local.
 */
export function localNetworkPermissionsFor(serverUrl: string | null): ReadonlySet<string> {
  if (!serverUrl) return new Set();
  let host: string;
  try {
    const u = new URL(serverUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return new Set();
    host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return new Set();
  }
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return new Set(['loopback-network', 'local-network-access']);
  const ipv6 = host.includes(':');
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  const privateV6 = ipv6 && /^(fc|fd|fe8|fe9|fea|feb)/.test(host);
  if ((ipv4 && !isPrivateIpv4(host)) || (ipv6 && !privateV6)) return new Set();
  return new Set(['local-network', 'local-network-access']);
}

export type ServerUrlSource = () => string | null;

function granted(permission: string, serverUrl: ServerUrlSource): boolean {
  return ALWAYS_GRANTED.has(permission) || localNetworkPermissionsFor(serverUrl()).has(permission);
}

/** `setPermissionRequestHandler`: notifications, and the configured server's network access, for the app itself only. */
export function createPermissionRequestHandler(allowedOrigin: string, serverUrl: ServerUrlSource = () => null) {
  return (
    webContents: { getURL(): string },
    permission: string,
    callback: (granted: boolean) => void,
  ): void => {
    callback(originOf(webContents.getURL()) === allowedOrigin && granted(permission, serverUrl));
  };
}

/** `setPermissionCheckHandler`: the synchronous twin of the request handler. */
export function createPermissionCheckHandler(allowedOrigin: string, serverUrl: ServerUrlSource = () => null) {
  return (_webContents: unknown, permission: string, requestingOrigin: string): boolean =>
    originOf(requestingOrigin) === allowedOrigin && granted(permission, serverUrl);
}

/** The origin the window's content is loaded from: the app protocol, or the dev server. */
export function appOriginFor(devServerUrl: string | null): string {
  if (!devServerUrl) return APP_ORIGIN;
  const o = originOf(devServerUrl);
  if (!o) throw new Error(`The dev server URL is not valid: ${devServerUrl}`);
  return o;
}
