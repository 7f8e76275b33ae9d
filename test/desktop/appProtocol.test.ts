import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppFile } from '../../main/appProtocol.ts';
import { buildMenuTemplate } from '../../main/menu.ts';
import { createCommandQueue } from '../../main/commandQueue.ts';
import type { ShellCommand } from '../../shared/bridge.ts';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-app-proto-'));
  await fs.mkdir(path.join(root, 'renderer', 'assets'), { recursive: true });
  await fs.writeFile(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>War Room</title>');
  await fs.writeFile(path.join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await fs.writeFile(path.join(root, 'secret.txt'), 'do not serve');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  const dir = () => path.join(root, 'renderer');
  const handler = () => createAppProtocolHandler({ root: dir(), readFile: (f) => fs.readFile(f), csp: () => "default-src 'none'" });

  it('maps URLs to files inside the renderer folder only', () => {
    expect(resolveAppFile(dir(), 'app://warroom/')).toBe(path.join(dir(), 'index.html'));
    expect(resolveAppFile(dir(), 'app://warroom/assets/app.js?v=1')).toBe(path.join(dir(), 'assets', 'app.js'));
    // The URL parser already folds dot segments, so this stays inside the folder…
    expect(resolveAppFile(dir(), 'app://warroom/%2e%2e/secret.txt')).toBe(path.join(dir(), 'secret.txt'));
    // …and an encoded slash that would climb out after decoding is refused.
    expect(resolveAppFile(dir(), 'app://warroom/..%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(dir(), 'app://warroom/assets%00.js')).toBeNull();
    expect(resolveAppFile(dir(), 'app://warroom/.env')).toBeNull();
    expect(resolveAppFile(dir(), 'app://warroom/assets/.git/config')).toBeNull();
    expect(resolveAppFile(dir(), 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(dir(), 'file:///etc/passwd')).toBeNull();
  });

  it('serves files with their type, the CSP and nosniff', async () => {
    const res = await handler()(new Request('app://warroom/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('War Room');
    const js = await handler()(new Request('app://warroom/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 outside the folder and for missing files', async () => {
    expect((await handler()(new Request('app://warroom/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handler()(new Request('app://warroom/..%2fsecret.txt'))).status).toBe(404);
    expect((await handler()(new Request('app://warroom/..%5csecret.txt'))).status).toBe(404);
    expect((await handler()(new Request('app://warroom/nope.js'))).status).toBe(404);
  });
});

describe('application menu', () => {
  type Item = { label?: string; accelerator?: string; role?: string; click?: () => void; submenu?: Item[] };
  const items = (isDev: boolean, sent: ShellCommand[] = []) =>
    (buildMenuTemplate({ isDev, isMac: false, send: (c) => sent.push(c) }) as Item[]).flatMap((m) => m.submenu ?? []);

  it('sends each command from its accelerator item', () => {
    const sent: ShellCommand[] = [];
    const menu = items(false, sent);
    const expected: [string, string, ShellCommand][] = [
      ['New Incident…', 'CmdOrCtrl+Shift+N', { type: 'new-incident' }],
      ['New Timeline Entry', 'CmdOrCtrl+N', { type: 'new-entry' }],
      ['Export…', 'CmdOrCtrl+E', { type: 'export' }],
      ['Print Postmortem to PDF…', 'CmdOrCtrl+P', { type: 'print-pdf' }],
      ['Show Times in UTC', 'CmdOrCtrl+U', { type: 'toggle-utc' }],
    ];
    for (const [label, accelerator, command] of expected) {
      const item = menu.find((i) => i.label === label)!;
      expect(item.accelerator).toBe(accelerator);
      item.click?.();
      expect(sent.at(-1)).toEqual(command);
    }
    expect(menu.find((i) => i.role === 'reload')?.accelerator).toBe('CmdOrCtrl+R');
  });

  it('offers devtools only in development', () => {
    expect(items(false).some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(items(true).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});

describe('command queue', () => {
  it('holds commands until the renderer listens, and again while it reloads', () => {
    const delivered: ShellCommand[] = [];
    const q = createCommandQueue((c) => delivered.push(c));
    q.send({ type: 'export' });
    expect(delivered).toEqual([]);
    q.ready();
    expect(delivered).toEqual([{ type: 'export' }]);
    q.send({ type: 'toggle-utc' });
    expect(delivered).toHaveLength(2);
    q.reset();
    q.send({ type: 'new-entry' });
    expect(delivered).toHaveLength(2);
    q.ready();
    expect(delivered.at(-1)).toEqual({ type: 'new-entry' });
  });
});
