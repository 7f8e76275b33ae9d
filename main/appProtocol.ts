/**
 * The `app://warroom/` protocol that serves the built renderer from dist/renderer. A custom
 * standard scheme (not file://) gives the window a real origin for the CSP, the navigation guard
 * and the IPC sender check, and cannot reach files outside the renderer folder.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'warroom';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file under `root` an app:// URL names, or null when it is another host or escapes the root. */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  // No NUL, and no dot segments (`..` decoded from %2f, or dotfiles) at any depth.
  if (rel.includes('\0') || rel.split(/[\\/]/).some((part) => part.startsWith('.'))) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel}`);
  return file.startsWith(base + path.sep) ? file : null;
}

export interface AppProtocolDeps {
  root: string;
  readFile(file: string): Promise<Uint8Array>;
  /** Current CSP; computed per request because the configured server can change. */
  csp(): string;
}

export function createAppProtocolHandler(deps: AppProtocolDeps) {
  return async (request: Request): Promise<Response> => {
    const file = resolveAppFile(deps.root, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await deps.readFile(file);
      return new Response(body as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: {
          'Content-Type': contentTypeOf(file),
          'Content-Security-Policy': deps.csp(),
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}
