import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { printHtmlToPdf, safeFileName, saveWithDialog, type SaveDeps } from '../../main/exports.ts';
import { renderHtmlToPdf, type PdfWindow } from '../../main/pdfWindow.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-export-test-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A save dialog that "chooses" a file in the temp folder, and records what it was shown. */
function dialogChoosing(fileName: string | null) {
  const shown: Parameters<SaveDeps['showSaveDialog']>[0][] = [];
  const deps: SaveDeps = {
    defaultDir: dir,
    showSaveDialog: async (o) => {
      shown.push(o);
      return fileName === null ? { canceled: true } : { canceled: false, filePath: path.join(dir, fileName) };
    },
  };
  return { deps, shown };
}

describe('saving an export', () => {
  it('writes text as UTF-8, byte for byte', async () => {
    const { deps, shown } = dialogChoosing('postmortem.md');
    const text = '# Postmortem — checkout \u00e9chec\n\n| 10:02 UTC | rollback ✅ |\n';
    const res = await saveWithDialog(deps, { suggestedName: 'postmortem.md', data: text });
    expect(res).toEqual({ ok: true, path: path.join(dir, 'postmortem.md') });
    expect(await fs.readFile(path.join(dir, 'postmortem.md'))).toEqual(Buffer.from(text, 'utf8'));
    expect(shown[0]).toMatchObject({ defaultPath: path.join(dir, 'postmortem.md'), filters: [{ name: 'Markdown', extensions: ['md'] }, { name: 'All files', extensions: ['*'] }] });
  });

  it('writes binary data exactly', async () => {
    const { deps } = dialogChoosing('log.bin');
    const bytes = new Uint8Array(4096).map((_, i) => (i * 37) % 256);
    await saveWithDialog(deps, { suggestedName: 'log.bin', data: bytes });
    expect(new Uint8Array(await fs.readFile(path.join(dir, 'log.bin')))).toEqual(bytes);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const { deps } = dialogChoosing(null);
    expect(await saveWithDialog(deps, { suggestedName: 'a.csv', data: 'a,b' })).toEqual({ ok: false, cancelled: true, message: 'Saving was cancelled.' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('reports a write failure as a sentence, not a throw', async () => {
    const { deps } = dialogChoosing(path.join('missing-folder', 'a.csv'));
    const res = await saveWithDialog(deps, { suggestedName: 'a.csv', data: 'a,b' });
    expect(res).toMatchObject({ ok: false, cancelled: false });
    expect(!res.ok && res.message).toMatch(/could not be saved to .*missing-folder.*Choose another folder/);
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Windows\\evil.md', 'evil.md'],
    ['a:b*c?.md', 'a-b-c-.md'],
    ['bell\u0007.md', 'bell-.md'],
    ['...', 'warroom-export'],
  ])('suggests a plain file name for %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });
});

describe('printing to PDF', () => {
  const PDF = new TextEncoder().encode('%PDF-1.7\n%fake\n%%EOF\n');

  it('renders after the dialog and writes the PDF bytes', async () => {
    const { deps, shown } = dialogChoosing('postmortem.pdf');
    const renderPdf = vi.fn(async () => PDF);
    const res = await printHtmlToPdf({ ...deps, renderPdf }, { html: '<h1>Postmortem</h1>', suggestedName: 'postmortem.html' });
    expect(res).toEqual({ ok: true, path: path.join(dir, 'postmortem.pdf') });
    expect(renderPdf).toHaveBeenCalledWith('<h1>Postmortem</h1>');
    expect(new Uint8Array(await fs.readFile(path.join(dir, 'postmortem.pdf')))).toEqual(PDF);
    expect(shown[0]?.defaultPath).toBe(path.join(dir, 'postmortem.pdf'));
  });

  it('renders nothing when the dialog is cancelled', async () => {
    const { deps } = dialogChoosing(null);
    const renderPdf = vi.fn(async () => PDF);
    expect(await printHtmlToPdf({ ...deps, renderPdf }, { html: '<p>x</p>', suggestedName: 'x.pdf' })).toMatchObject({ ok: false, cancelled: true });
    expect(renderPdf).not.toHaveBeenCalled();
  });

  it('reports a render failure and writes nothing', async () => {
    const { deps } = dialogChoosing('x.pdf');
    const res = await printHtmlToPdf({ ...deps, renderPdf: async () => { throw new Error('GPU process gone'); } }, { html: '<p>x</p>', suggestedName: 'x.pdf' });
    expect(!res.ok && res.message).toMatch(/PDF could not be made \(GPU process gone\)/);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

describe('the hidden PDF window', () => {
  function fakeWindow(opts: { hang?: boolean } = {}) {
    const log: string[] = [];
    let loadedHtml = '';
    let options: unknown;
    const create = (o: unknown): PdfWindow => {
      options = o;
      return {
        loadFile: async (file) => {
          loadedHtml = await fs.readFile(file, 'utf8');
          log.push('load');
          if (opts.hang) await new Promise(() => undefined);
        },
        webContents: { printToPDF: async () => (log.push('print'), new Uint8Array([37, 80, 68, 70])) },
        destroy: () => log.push('destroy'),
      };
    };
    return { create, log, html: () => loadedHtml, options: () => options };
  }

  it('loads the HTML in a never-shown window with JavaScript off and sandboxed, prints it, then cleans up', async () => {
    const w = fakeWindow();
    const pdf = await renderHtmlToPdf({ createWindow: w.create, partition: 'warroom-pdf', tmpDir: dir }, '<h1>Report</h1>');
    expect(pdf).toEqual(new Uint8Array([37, 80, 68, 70]));
    expect(w.html()).toBe('<h1>Report</h1>');
    expect(w.options()).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'warroom-pdf' } });
    expect(w.log).toEqual(['load', 'print', 'destroy']);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('gives up after the timeout and still cleans up', async () => {
    const w = fakeWindow({ hang: true });
    await expect(renderHtmlToPdf({ createWindow: w.create, partition: 'p', tmpDir: dir, timeoutMs: 50 }, '<p/>')).rejects.toThrow(/took longer than/);
    expect(w.log).toEqual(['load', 'destroy']);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
