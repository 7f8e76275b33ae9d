/**
 * Builds the Electron main process and the sandboxed preload into dist/main/{main,preload}.cjs.
 * Two separate bundles on purpose: a sandboxed preload can require only `electron` and a few
 * built-ins, so it must not share a chunk file with main.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type InlineConfig } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
export const MAIN_OUT_DIR = path.join(root, 'dist', 'main');
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

function config(name: 'main' | 'preload', outDir: string, emptyOutDir: boolean): InlineConfig {
  return {
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir,
      target: 'node22',
      sourcemap: true,
      minify: false,
      ssr: true,
      rollupOptions: {
        input: { [name]: path.join(root, 'main', `${name}.ts`) },
        external,
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
    ssr: { noExternal: true, external: ['electron'] },
  };
}

export async function buildMain(outDir = MAIN_OUT_DIR): Promise<void> {
  await build(config('main', outDir, true));
  await build(config('preload', outDir, false));
}

if (import.meta.main) {
  await buildMain();
  console.log(`Built ${path.relative(process.cwd(), MAIN_OUT_DIR)}/main.cjs and preload.cjs`);
}
