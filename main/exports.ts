/**
 * Saving exports: a native save dialog, then the exact bytes the renderer produced. PDFs are
 * rendered from self-contained HTML in a hidden window (see pdfWindow.ts) and saved the same way.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SaveFileRequest, SaveFileResult } from '../shared/bridge.ts';

export interface SaveDialogResult {
  canceled: boolean;
  filePath?: string | undefined;
}

export interface SaveDeps {
  showSaveDialog(options: { title: string; defaultPath: string; filters: { name: string; extensions: string[] }[] }): Promise<SaveDialogResult>;
  /** Folder the dialog opens in. */
  defaultDir: string;
  writeFile?(file: string, bytes: Uint8Array): Promise<void>;
}

const FILTER_NAMES: Record<string, string> = {
  md: 'Markdown', html: 'HTML', pdf: 'PDF', json: 'JSON', csv: 'CSV', txt: 'Text',
};

/** A plain file name: no folders, no characters that some file systems refuse. */
export function safeFileName(suggested: string, fallback = 'warroom-export'): string {
  const base = path.basename(suggested.replaceAll('\\', '/'));
  const printable = [...base].map((c) => (c.charCodeAt(0) < 0x20 ? '-' : c)).join('');
  const cleaned = printable.replace(/[<>:"/\\|?*]/g, '-').replace(/^\.+/, '').trim().slice(0, 200);
  return cleaned || fallback;
}

export function dialogFilters(fileName: string): { name: string; extensions: string[] }[] {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const all = { name: 'All files', extensions: ['*'] };
  if (!ext) return [all];
  return [{ name: FILTER_NAMES[ext] ?? ext.toUpperCase(), extensions: [ext] }, all];
}

export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

async function writeBytes(file: string, bytes: Uint8Array): Promise<void> {
  await fs.writeFile(file, bytes);
}

async function choosePath(deps: SaveDeps, name: string, title: string): Promise<string | null> {
  const choice = await deps.showSaveDialog({ title, defaultPath: path.join(deps.defaultDir, name), filters: dialogFilters(name) });
  return choice.canceled || !choice.filePath ? null : choice.filePath;
}

const CANCELLED: SaveFileResult = { ok: false, cancelled: true, message: 'Saving was cancelled.' };

async function write(deps: SaveDeps, file: string, bytes: Uint8Array): Promise<SaveFileResult> {
  try {
    await (deps.writeFile ?? writeBytes)(file, bytes);
  } catch (err) {
    return {
      ok: false,
      cancelled: false,
      message: `The export could not be saved to ${file} (${(err as Error).message}). Choose another folder and try again.`,
    };
  }
  return { ok: true, path: file };
}

/** Asks where to save, then writes the bytes there. Cancel and write errors are results, not throws. */
export async function saveWithDialog(deps: SaveDeps, req: Pick<SaveFileRequest, 'suggestedName' | 'data'>): Promise<SaveFileResult> {
  const file = await choosePath(deps, safeFileName(req.suggestedName), 'Save export');
  return file ? write(deps, file, toBytes(req.data)) : CANCELLED;
}

export interface PdfDeps extends SaveDeps {
  renderPdf(html: string): Promise<Uint8Array>;
}

/** Asks where to save first (so a cancel renders nothing), then renders the HTML and writes the PDF. */
export async function printHtmlToPdf(deps: PdfDeps, req: { html: string; suggestedName: string }): Promise<SaveFileResult> {
  let name = safeFileName(req.suggestedName, 'warroom-postmortem.pdf');
  if (!name.toLowerCase().endsWith('.pdf')) name = `${name.replace(/\.[A-Za-z0-9]{1,5}$/, '')}.pdf`;
  const file = await choosePath(deps, name, 'Save PDF');
  if (!file) return CANCELLED;
  let pdf: Uint8Array;
  try {
    pdf = await deps.renderPdf(req.html);
  } catch (err) {
    return { ok: false, cancelled: false, message: `The PDF could not be made (${(err as Error).message}). Try the HTML export and print it from a browser.` };
  }
  return write(deps, file, pdf);
}
