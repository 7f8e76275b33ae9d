/**
 * PDF: the desktop prints the HTML export with Chromium (Electron's printToPDF). This renders the
 * same HTML in headless Chromium, checks the page made no network request, and reads the PDF back
 * (pdftotext/pdftoppm from poppler-utils when installed; otherwise the file structure only).
 * Set WARROOM_PDF_OUT=dir to keep the PDF and a PNG of page 1 for a look.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPending, formatHtml } from '../../shared/export/index.ts';
import { fold } from './kit.ts';
import { richIncident, RICH_EXPORTED_AT } from './richFixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`Chromium is required in CI for the PDF export test but ${CHROMIUM} is missing.`);
if (!haveChromium) console.warn(`[pdf.test] skipped: ${CHROMIUM} not found (CI requires it).`);

/** Whether a poppler tool is on PATH; CI installs poppler-utils, so there a missing one fails the run. */
function tool(name: string): boolean {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${name} (poppler-utils) is required in CI for the PDF export test.`);
    console.warn(`[pdf.test] ${name} checks skipped: ${name} not found (CI requires it).`);
    return false;
  }
}

describe.skipIf(!haveChromium)('PDF from the HTML export', () => {
  let browser: Browser;
  let pdf: Buffer;
  let work: string;
  const requests: string[] = [];
  const { ops, pending } = richIncident();
  const html = formatHtml(applyPending(fold(ops), pending).state, {
    exportedAt: RICH_EXPORTED_AT, timeZone: 'Europe/Paris', includeDeleted: true, pendingOps: pending,
  });

  beforeAll(async () => {
    work = process.env.WARROOM_PDF_OUT ?? mkdtempSync(join(tmpdir(), 'warroom-pdf-'));
    mkdirSync(work, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const page = await browser.newPage();
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(work, 'postmortem.pdf'), pdf);
  });

  afterAll(async () => {
    await browser?.close();
    if (!process.env.WARROOM_PDF_OUT && work) rmSync(work, { recursive: true, force: true });
  });

  it('loads without a single network request', () => {
    expect(requests).toEqual([]);
  });

  it('is a real, multi-page PDF', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it.runIf(tool('pdftotext'))('holds the title, the sections and entries from every day', () => {
    const text = execFileSync('pdftotext', ['-layout', join(work, 'postmortem.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Search indexing crashes cluster-wide after Black Friday deploy');
    for (const heading of ['Summary', 'Key timestamps', 'Response metrics', 'Impact', 'Timeline', 'What went well', 'Root cause', 'Where we got lucky', 'Action items', 'Stakeholder updates', 'Help requests']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('Friday 27 November 2026');
    expect(text).toContain('Saturday 28 November 2026');
    expect(text).toContain('Léa Martin');
    expect(text).toContain('c7-ap repaired, all 3 nodes indexing');
    // System rows are collapsed on screen (<details>) but printed in full.
    expect(text).toContain('Marcus Lee joined (America/Los_Angeles)');
  });

  it.runIf(tool('pdftoppm'))('rasterises page 1 to a PNG', () => {
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', join(work, 'postmortem.pdf'), join(work, 'page1')]);
    const png = readFileSync(join(work, 'page1.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(10_000);
  });
});
