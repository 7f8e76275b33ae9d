/** The newcomer path: a too-old Node gets one sentence (which Node, how to get it), not a stack trace. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const file = path.join(root, 'scripts', 'preflight.cjs');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

/** Runs the preflight as if on another Node version. */
function runAs(version: string): { code: number | null; err: string } {
  let code: number | null = null;
  let err = '';
  const fakeProcess = { versions: { node: version }, stderr: { write: (s: string) => (err += s) }, exit: (c: number) => { code = c; throw new Error('exit'); } };
  try {
    vm.runInNewContext(readFileSync(file, 'utf8'), { process: fakeProcess });
  } catch (e) {
    if ((e as Error).message !== 'exit') throw e;
  }
  return { code, err };
}

describe('scripts/preflight.cjs', () => {
  it('on Node 20 prints one sentence naming the Node needed and how to get it, and fails', () => {
    const r = runAs('20.11.1');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/needs Node\.js 22\.18 or newer/);
    expect(r.err).toMatch(/nodejs\.org|nvm install/);
    expect(r.err).toContain('20.11.1');
  });

  it('lets Node 22.18+ and 24 through, matching package.json engines', () => {
    expect(pkg.engines.node).toBe('>=22.18');
    for (const v of ['22.18.0', '22.20.1', '24.11.1']) expect(runAs(v)).toEqual({ code: null, err: '' });
    expect(runAs('22.17.9').code).toBe(1);
  });

  it('uses no syntax an old Node cannot parse, and runs before the .ts entry of npm start and at npm install', () => {
    // `node --check` with today's Node, plus: no arrow functions, const/let, template literals or optional chaining.
    expect(spawnSync(process.execPath, ['--check', file]).status).toBe(0);
    const code = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/=>|\bconst\b|\blet\b|`|\?\./);
    expect(pkg.scripts.start).toMatch(/^node scripts\/preflight\.cjs && node scripts\/start\.ts$/);
    expect(pkg.scripts.preinstall).toBe('node scripts/preflight.cjs');
    expect(readFileSync(path.join(root, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
  });
});

// A real old Node, where the machine has one (this one has Node 20 at /usr/bin/node).
const oldNode = [process.env.WARROOM_OLD_NODE, '/usr/bin/node'].find((p): p is string => {
  if (!p) return false;
  const v = spawnSync(p, ['--version'], { encoding: 'utf8' });
  return v.status === 0 && /^v(1\d|20|21)\./.test(v.stdout);
});

describe.skipIf(!oldNode)(`a real old Node (${oldNode ?? 'none found; set WARROOM_OLD_NODE'})`, () => {
  it('`npm start`\u2019s first step stops it with the sentence, no stack trace', () => {
    const r = spawnSync(oldNode!, [file], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^War Room needs Node\.js 22\.18 or newer .* then try again\.\n$/);
    expect(r.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|at .*\(/);
  });
});
