/**
 * Serves the built renderer. Careful about paths: the request path is decoded once, must not
 * hold NUL or backslashes, and the resolved real path (symlinks followed) must stay inside root.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.ico': 'image/x-icon', '.webp': 'image/webp', '.woff': 'font/woff', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json', '.wasm': 'application/wasm',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>War Room server</title></head>
<body style="font-family:system-ui;background:#111;color:#eee;padding:2rem">
<h1>War Room server is running</h1>
<p>The web client has not been built yet. Run <code>npm run build</code>, then reload this page.</p>
<p>Health: <a style="color:#8cf" href="/healthz">/healthz</a> · Metrics: <a style="color:#8cf" href="/metrics">/metrics</a></p>
</body></html>`;

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/** The file under root that a URL path names, or null when it is not allowed. */
export async function resolveStatic(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  // No '..' and no dotfiles (.env, .git) at any depth.
  if (decoded.split('/').some((part) => part.startsWith('.'))) return null;
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, `.${decoded}`);
  if (candidate !== realRoot && !candidate.startsWith(realRoot + sep)) return null;
  try {
    const real = await realpath(candidate);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
    const st = await stat(real);
    if (st.isDirectory()) return resolveStatic(root, `${decoded.replace(/\/$/, '')}/index.html`);
    return st.isFile() ? real : null;
  } catch {
    return null;
  }
}

export function createStaticHandler(root: string) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', head);
      return;
    }
    let rootExists: boolean;
    try {
      rootExists = (await stat(root)).isDirectory();
    } catch {
      rootExists = false;
    }
    if (!rootExists) {
      if (pathname === '/' || pathname === '/index.html') send(res, 200, 'text/html; charset=utf-8', NOT_BUILT, head);
      else send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', head);
      return;
    }
    let file = await resolveStatic(root, pathname);
    // Plain client-side routes (/incident/x) get the app shell; anything else missing is a 404.
    if (!file && /^[A-Za-z0-9_/-]*$/.test(pathname)) file = await resolveStatic(root, '/index.html');
    if (!file) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', head);
      return;
    }
    const st = await stat(file);
    const hashed = /\/assets\//.test(file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size,
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (head) {
      res.end();
      return;
    }
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}
