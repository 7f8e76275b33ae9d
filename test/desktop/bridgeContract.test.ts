import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Type-checks one file with the project's compiler options, through a throwaway tsconfig in `dir`. */
async function typecheck(file: string, dir: string): Promise<{ code: number; out: string }> {
  const config = path.join(dir, `tsconfig.${path.basename(file, '.ts')}.json`);
  const compilerOptions = { incremental: false, typeRoots: [path.join(root, 'node_modules', '@types')] };
  await fs.writeFile(config, JSON.stringify({ extends: path.join(root, 'tsconfig.json'), include: [file], compilerOptions }));
  try {
    await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', config], { cwd: root });
    return { code: 0, out: '' };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  } finally {
    await fs.rm(config, { force: true });
  }
}

describe('preload API contract (tsc against electron.d.ts and shared/bridge.ts)', () => {
  it('holds', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-contract-'));
    const res = await typecheck(path.join(root, 'test/desktop/bridgeContract.types.ts'), dir).finally(() => fs.rm(dir, { recursive: true, force: true }));
    expect(res.out).toBe('');
    expect(res.code).toBe(0);
  }, 120_000);

  it('would catch a preload that drifted from the bridge', async () => {
    // Written outside the repo so a concurrent project-wide tsc never sees it.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-contract-'));
    const broken = path.join(dir, 'broken.ts');
    await fs.writeFile(broken, [
      `import type { ShellApi } from '${path.join(root, 'shared/bridge.ts')}';`,
      `import type { createBridge } from '${path.join(root, 'main/preload.ts')}';`,
      'type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
      'type Assert<T extends true> = T;',
      "export type Drift = Assert<Equals<ReturnType<typeof createBridge>, Omit<ShellApi, 'notify'>>>;",
    ].join('\n'));
    try {
      const res = await typecheck(broken, dir);
      expect(res.out).toMatch(/broken\.ts.*TS2344/);
      expect(res.code).not.toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
