/**
 * The built renderer as the desktop app serves it, in real Chromium: every file comes through
 * main's app-protocol handler (main/appProtocol.ts) with main's CSP (main/security.ts) for the
 * configured server, on an origin standing in for app://warroom (Playwright can only route
 * http(s)). window.warroom is a ShellApi whose settings name a real loopback server; the page
 * must adopt that server through the bridge and connect, and the CSP must still block others.
 */
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/bridge.ts';
import { createServer, type WarRoomServer } from '../../server/createServer.ts';
import { APP_ORIGIN, createAppProtocolHandler } from '../../main/appProtocol.ts';
import { buildCsp, localNetworkPermissionsFor } from '../../main/security.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, DIST, ensureRendererBuilt } from '../e2e/harness.ts';

const STAND_IN = 'https://warroom.app.test';
const run = chromiumAvailable();
let server: WarRoomServer;
let other: WarRoomServer;
let browser: Browser;
const dirs: string[] = [];

beforeAll(async () => {
  if (!run) return;
  await ensureRendererBuilt();
  const mk = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'warroom-csp-'));
    dirs.push(d);
    return d;
  };
  server = await createServer({ dataDir: mk(), port: 0, host: '127.0.0.1', staticDir: DIST, logLevel: 'silent', backupEveryMin: 0 });
  other = await createServer({ dataDir: mk(), port: 0, host: '127.0.0.1', staticDir: DIST, logLevel: 'silent', backupEveryMin: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
  await other?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!run)('the built renderer under the desktop CSP (Chromium)', () => {
  it('adopts the shell\u2019s loopback server through the bridge and connects; another server is blocked by the CSP', async () => {
    const shellSettings: Settings = { ...DEFAULT_SETTINGS, serverUrl: server.url, token: server.createToken('lead'), displayName: 'Ana' };
    const csp = buildCsp({ serverUrl: shellSettings.serverUrl });
    const handler = createAppProtocolHandler({ root: DIST, readFile: (f) => fs.readFile(f), csp: () => csp });
    const context = await browser.newContext();
    const violations: string[] = [];
    await context.route(`${STAND_IN}/**`, async (route) => {
      const res = await handler(new Request(route.request().url().replace(STAND_IN, APP_ORIGIN)));
      await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) });
    });
    // The preload's API, as a page sees it: every answer is a ShellResult.
    await context.addInitScript((settings) => {
      const ok = (value: unknown) => Promise.resolve({ ok: true, value });
      Object.defineProperty(window, 'warroom', {
        value: Object.freeze({
          kind: 'electron',
          saveFile: () => ok({ ok: true, path: null }), printToPdf: () => ok({ ok: true, path: null }), notify: () => ok(null),
          getSettings: () => ok(settings), setSettings: (p: object) => ok({ ...settings, ...p }),
          startLocalServer: () => ok({ ok: false, code: 'LOCAL_SERVER_FAILED', message: 'not here' }),
          onCommand: () => () => undefined,
        }),
      });
      document.addEventListener('securitypolicyviolation', (e) => console.warn(`csp-violation ${e.violatedDirective} ${e.blockedURI}`));
    }, shellSettings);
    const page = await context.newPage();
    const lnaBlocked: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS')) lnaBlocked.push(m.text());
      // (zod probes for eval once and falls back; only connection rules matter here.)
      if (m.text().startsWith('csp-violation connect-src')) violations.push(m.text());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${STAND_IN}/index.html`);
    // The response carried main's CSP, naming only the configured server.
    expect(response?.headers()['content-security-policy']).toContain(`connect-src 'self' ${server.url} ${server.url.replace('http', 'ws')};`);

    // Chromium's Local Network Access gates the app origin's socket to loopback: without the
    // permission main grants, the bridge's server is unreachable (the defect this guards against).
    await waitFor(() => lnaBlocked.some((m) => m.includes(server.url.replace('http://', 'ws://'))), 30_000);
    const granted = [...localNetworkPermissionsFor(shellSettings.serverUrl)];
    expect(granted).toContain('loopback-network');
    // Playwright's 'local-network-access' grants Chromium's loopback/local network permissions: what main's handler answers yes to.
    await context.grantPermissions(['local-network-access'], { origin: STAND_IN });
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __warroom?: { connection(): string } }).__warroom?.connection() === 'connected', null, { timeout: 30_000 });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    // It connected with the shell's server and token, which it now remembers too.
    const prefs = await page.evaluate(() => JSON.parse(localStorage.getItem('warroom.preferences') ?? '{}') as { serverUrl?: string; token?: string | null });
    expect(prefs.serverUrl).toBe(server.url);
    // The token stays with the shell (sealed); the window's localStorage never holds it.
    expect(prefs.token).toBeNull();
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(shellSettings.token!);

    // Anything else on this computer stays out of reach.
    const blocked = await page.evaluate(async (url) => {
      try {
        await fetch(`${url}/healthz`);
        return 'reached';
      } catch {
        return 'blocked';
      }
    }, other.url);
    expect(blocked).toBe('blocked');
    await waitFor(() => violations.some((v) => v.includes('connect-src') && v.includes(other.url)));
    await context.close();
  }, 120_000);
});

async function waitFor(fn: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > until) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 25));
  }
}
