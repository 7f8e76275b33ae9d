/**
 * Bundles the war room server the desktop app ships (server/desktopServer.ts) into one ES module,
 * dist/server/warroom-server.mjs, with every npm dependency inside it: the packaged app has no
 * node_modules, and the same file runs under plain Node and in Electron's utilityProcess. The SQLite
 * store's worker thread is a second file beside it (warroom-sqlite-worker.mjs).
 */
import path from 'node:path';
import { build } from 'esbuild';
import { SQLITE_WORKER_BUNDLE_NAME } from '../server/store/sqliteThreaded.ts';

const root = path.resolve(import.meta.dirname, '..');
export const SERVER_BUNDLE = path.join(root, 'dist', 'server', 'warroom-server.mjs');

/**
 * The bundle, and next to it the SQLite store's worker thread (server/store/sqliteWorker.ts as
 * warroom-sqlite-worker.mjs), which server/store/sqliteThreaded.ts finds beside the bundle's own file.
 */
export async function buildServer(outfile = SERVER_BUNDLE): Promise<string> {
  await Promise.all([
    bundle(path.join(root, 'server', 'desktopServer.ts'), outfile),
    bundle(path.join(root, 'server', 'store', 'sqliteWorker.ts'), path.join(path.dirname(outfile), SQLITE_WORKER_BUNDLE_NAME)),
  ]);
  return outfile;
}

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    // Electron 45 embeds Node 24; node22 keeps the file runnable on the oldest Node we support.
    target: 'node22',
    format: 'esm',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    // Some CommonJS dependencies call require() for built-ins; an ES module has none by default.
    banner: { js: "import { createRequire as __warroomCreateRequire } from 'node:module'; const require = __warroomCreateRequire(import.meta.url);" },
  });
}

if (import.meta.main) {
  const out = await buildServer();
  console.log(`Built ${path.relative(process.cwd(), out)}`);
}
