/**
 * Bundles the war room server the desktop app ships (server/desktopServer.ts) into one ES module,
 * dist/server/warroom-server.mjs, with every npm dependency inside it: the packaged app has no
 * node_modules, and the same file runs under plain Node and in Electron's utilityProcess.
 */
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
export const SERVER_BUNDLE = path.join(root, 'dist', 'server', 'warroom-server.mjs');

export async function buildServer(outfile = SERVER_BUNDLE): Promise<string> {
  await build({
    entryPoints: [path.join(root, 'server', 'desktopServer.ts')],
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
  return outfile;
}

if (import.meta.main) {
  const out = await buildServer();
  console.log(`Built ${path.relative(process.cwd(), out)}`);
}
