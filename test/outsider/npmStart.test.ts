/**
 * README "Run it": on a first start, the browser address `npm start` prints carries the lead
 * invite, and README says the first start makes ONE lead invite (first-invite.txt). start.ts used to
 * look for that invite on the server's stdout, where it no longer is, and minted a second one:
 * two different lead links for a newcomer. Runs scripts/start.ts (what `npm start` runs after the
 * Node check) without building or Electron, on a temp data dir and a free port.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { cli, ROOT } from './stranger.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'warroom-outsider-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('the first start prints the first-start lead invite and mints no other', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    env: { ...process.env, WARROOM_DATA_DIR: dataDir, WARROOM_PORT: '0', WARROOM_NO_BUILD: '1', WARROOM_NO_ELECTRON: '1', WARROOM_SERVER_URL: '' },
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  try {
    const printed = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('npm start printed no browser address in 20 s')), 20_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /open (http:\/\/\S+)/.exec(line);
        if (m) { clearTimeout(timer); ok(m[1]!); }
      });
    });
    const token = new URLSearchParams(new URL(printed).hash.slice(1)).get('token');
    expect(readFileSync(join(dataDir, 'first-invite.txt'), 'utf8')).toContain(`: ${token}\n`);
    const list = cli(['token', 'list', '--data-dir', dataDir]);
    expect(list.stdout.trim().split('\n').filter((l) => /\binvite\s+lead\b/.test(l))).toHaveLength(1);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});
