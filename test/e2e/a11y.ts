/** axe-core in the page (the installed package's bundle), and a console that must stay clean. */
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { SCREENSHOTS } from './harness.ts';

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
// Evaluated through the DevTools protocol, not as a <script> tag: the app's strict CSP (rightly)
// refuses inline scripts, and the console must stay clean.
const AXE_SOURCE = readFileSync(AXE_PATH, 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Violations of impact critical or serious on the page as it is now. */
export async function axeSerious(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
}

/** Every console error (and page error) a page logs from now on. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/**
 * Saves the page at 1440, 1024 and 800 px wide (then back to the width it had). `narrowTab` picks the
 * tab to show at 800 px, where the timeline and the side panels share one tab bar.
 */
export async function shots(page: Page, name: string, narrowTab?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? { width: 1440, height: 900 };
  for (const width of [1440, 1024, 800]) {
    await page.setViewportSize({ width, height: 900 });
    await settle(page);
    if (width < 1000 && narrowTab && (await page.getByTestId(`tab-${narrowTab}`).count()) > 0) {
      await page.getByTestId(`tab-${narrowTab}`).click();
      await settle(page);
    }
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize(size);
  await settle(page);
}

/** Two animation frames: layout after a resize or a state change has been painted. */
export const settle = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
