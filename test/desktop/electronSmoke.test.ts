/**
 * Optional smoke test on machines that have an Electron binary and a display: launch the real app,
 * join the local server with a lead invite, see the incident list, close. Skipped, with the reason
 * in its name, where Electron cannot run (as on the CI machine without downloads).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { _electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { deepInviteLink, webInviteLink } from '../../shared/invite.ts';
import { findElectron, parseInviteToken, parseListening } from '../../scripts/startLib.ts';

const root = path.resolve(import.meta.dirname, '../..');
const electron = findElectron(root, process.env);
const why = electron.ok ? 'Electron binary found' : `skipped: ${electron.reason}`;

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const f of cleanup.reverse()) f();
});

function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, [path.join(root, 'server', 'cli.ts'), 'serve', '--port', '0', '--data-dir', dataDir, '--demo'], {
    cwd: root, env: { ...process.env, WARROOM_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.push(() => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let url: string | null = null;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out += `${line}\n`;
      url ??= parseListening(line);
      const token = parseInviteToken(out);
      if (url && token) {
        clearTimeout(timer);
        resolve({ child, url, token });
      }
    });
  });
}

describe.skipIf(!electron.ok)(`Electron smoke test (${why})`, () => {
  it('launches, joins with the lead invite, shows the incident list, and closes', async () => {
    if (!electron.ok) return;
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'warroom-electron-smoke-'));
    cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
    expect(spawnSync(process.execPath, [path.join(root, 'scripts', 'build-main.ts')], { cwd: root, stdio: 'inherit' }).status).toBe(0);
    if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
      expect(spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: root, stdio: 'inherit' }).status).toBe(0);
    }
    const server = await startServer(path.join(tmp, 'data'));
    // The invite as `npm start` hands it over (a link on the command line would ask first): it also
    // puts the server in the window's CSP.
    const app = await _electron.launch({
      executablePath: electron.executable,
      args: [root],
      env: { ...process.env, WARROOM_USER_DATA_DIR: path.join(tmp, 'user-data'), WARROOM_DEV_INVITE: deepInviteLink(server.url, server.token) } as Record<string, string>,
    });
    cleanup.push(() => void app.close().catch(() => undefined));
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://warroom/index.html');
    expect(await page.evaluate(() => typeof (window as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => (window as { warroom?: { kind: string } }).warroom?.kind)).toBe('electron');
    // The connect screen asks a first-time member's name (and takes the invite if the join did not already).
    const list = page.getByTestId('incident-list');
    const connect = page.getByTestId('connect-screen');
    await list.or(connect).first().waitFor({ timeout: 30_000 });
    if (await connect.isVisible()) {
      await page.getByTestId('connect-invite').fill(webInviteLink(server.url, server.token));
      await page.getByTestId('connect-name').fill('Smoke Test');
      await connect.evaluate((f) => (f as HTMLFormElement).requestSubmit());
    }
    await list.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('incident-row').count()).toBeGreaterThan(0);
    await app.close();
  }, 180_000);
});
