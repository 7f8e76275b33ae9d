/**
 * Renders self-contained HTML to PDF in a window that is never shown, with JavaScript off, in an
 * isolated session. Not `offscreen` rendering: printToPDF needs the normal print pipeline. The HTML
 * goes through a temporary file (data: URLs have size limits) that is removed afterwards.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, PrintToPDFOptions } from 'electron';
import { PDF_RENDER_TIMEOUT_MS } from '../shared/constants.ts';

/** The part of BrowserWindow this needs, so tests can pass a fake. */
export interface PdfWindow {
  loadFile(file: string): Promise<void>;
  webContents: { printToPDF(options: PrintToPDFOptions): Promise<Uint8Array> };
  destroy(): void;
}

export interface PdfRenderDeps {
  createWindow(options: BrowserWindowConstructorOptions): PdfWindow;
  /** Isolated in-memory session for the hidden window (see main.ts: it only allows file: and data:). */
  partition: string;
  tmpDir?: string;
  timeoutMs?: number;
}

export function pdfWindowOptions(partition: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 1000,
    height: 1400,
    webPreferences: {
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      partition,
    },
  };
}

export const PDF_OPTIONS: PrintToPDFOptions = { printBackground: true, pageSize: 'A4', preferCSSPageSize: true };

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function renderHtmlToPdf(deps: PdfRenderDeps, html: string): Promise<Uint8Array> {
  const dir = await fs.mkdtemp(path.join(deps.tmpDir ?? os.tmpdir(), 'warroom-pdf-'));
  const file = path.join(dir, 'export.html');
  const win = deps.createWindow(pdfWindowOptions(deps.partition));
  try {
    await fs.writeFile(file, html, 'utf8');
    const ms = deps.timeoutMs ?? PDF_RENDER_TIMEOUT_MS;
    await withTimeout(win.loadFile(file), ms, 'Rendering the page');
    return await withTimeout(win.webContents.printToPDF(PDF_OPTIONS), ms, 'Printing to PDF');
  } finally {
    win.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
