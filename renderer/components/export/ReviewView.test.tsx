import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { SaveFileRequest } from '../../../shared/bridge.ts';
import { ERROR_MESSAGES } from '../../../shared/errors.ts';
import { formatJson } from '../../../shared/export/index.ts';
import { canonicalJson } from '../../../shared/hash.ts';
import { richIncident, RICH_EXPORTED_AT } from '../../../test/export/richFixture.ts';
import { ReviewView } from './ReviewView.tsx';
import { OpenExportButton } from '../screens/OpenExportButton.tsx';

afterEach(cleanup);

const { ops, pending } = richIncident();
const text = await formatJson({ ops, pending, exportedAt: RICH_EXPORTED_AT });
const bridge = () => ({
  saveFile: vi.fn(async (_r: SaveFileRequest) => ({ ok: true as const, path: '/tmp/x.md' })),
  printToPdf: vi.fn(async () => ({ ok: true as const, path: null })),
});

/** The preview's shadow root, once the effect that fills it has run (slow on a loaded machine). */
const shadowPage = () => waitFor(() => {
  const root = screen.getByTestId('html-preview').shadowRoot;
  if (!root?.querySelector('h1')) throw new Error('the preview is not filled yet');
  return root;
}, { timeout: 15_000 });

describe('ReviewView', () => {
  it('opens a JSON export read-only, with no server, as its postmortem', async () => {
    render(<ReviewView text={text} fileName="warroom-black-friday-2026-11-30.json" bridge={bridge()} onClose={() => undefined} />);
    const meta = await screen.findByTestId('review-meta');
    expect(meta.textContent).toBe(`Exported 2026-11-30 16:30 UTC · full log · ${ops.length} committed changes · 1 unsynced at export time (marked) · checksum verified; not connected to any server, nothing here can be changed.`);
    const page = await shadowPage();
    await waitFor(() => expect(page.querySelector('h1')?.textContent).toBe('Search indexing crashes cluster-wide after Black Friday deploy'));
    expect(page.textContent).toContain('Customer summary sent to support leads');
    expect(page.querySelector('#deleted')?.textContent).toContain('test entry, ignore');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Read-only review: warroom-black-friday-2026-11-30.json');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('warns when the log folds differently from what was recorded at export', async () => {
    const doc = JSON.parse(text) as { incident: { stateHash: string }; checksum?: string };
    doc.incident.stateHash = '0123456789abcdef';
    const { checksum: _c, ...body } = doc;
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(body)));
    const resigned = JSON.stringify({ ...body, checksum: `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}` });
    render(<ReviewView text={resigned} bridge={bridge()} onClose={() => undefined} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/written by another version of War Room/);
    expect(screen.getByTestId('html-preview')).toBeTruthy();
  });

  it('refuses a tampered file with the checksum sentence', async () => {
    render(<ReviewView text={text.replace('36 machines', '35 machines')} bridge={bridge()} onClose={() => undefined} />);
    expect((await screen.findByRole('alert')).textContent).toBe(ERROR_MESSAGES.IMPORT_CHECKSUM);
    expect(screen.queryByTestId('html-preview')).toBeNull();
  });

  it('shows the key timestamps and metrics, and the edit history only when asked', async () => {
    render(<ReviewView text={text} bridge={bridge()} onClose={() => undefined} />);
    const page = await shadowPage();
    await waitFor(() => expect(page.querySelector('#key-times')?.textContent).toContain('Reopened'));
    expect(page.querySelector('#metrics')?.textContent).toContain('Time to mitigate');
    expect(screen.getByTestId('export-highlights').textContent).toContain('Reopened once');
    expect(page.querySelector('#edits')).toBeNull();
    fireEvent.click(screen.getByLabelText('Show edit history'));
    await waitFor(() => expect(page.querySelector('#edits')?.textContent).toContain('lag 40 min and falling'));
  });

  it('refuses a file whose header disagrees with its log (last change removed, checksum recomputed)', async () => {
    const doc = JSON.parse(text) as { ops: unknown[]; checksum: string };
    const { checksum: _c, ...body } = { ...doc, ops: doc.ops.slice(0, -1) };
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(body)));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    render(<ReviewView text={JSON.stringify({ ...body, checksum: `sha256:${hex}` })} bridge={bridge()} onClose={() => undefined} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(new RegExp(`^${ERROR_MESSAGES.IMPORT_HEAD_MISMATCH.replace(/[().]/g, '\\$&')}`));
    expect(screen.queryByTestId('html-preview')).toBeNull();
  });

  it('refuses a file that is not an export', async () => {
    render(<ReviewView text="{}" bridge={bridge()} onClose={() => undefined} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^This file is not a War Room export, or it is damaged\./);
  });

  it('exports the reviewed incident again, e.g. as Markdown', async () => {
    const b = bridge();
    render(<ReviewView text={text} bridge={b} onClose={() => undefined} defaultTimeZone="Asia/Singapore" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    expect(screen.getByTestId('md-preview').textContent).toContain('| Moment | UTC | Asia/Singapore | Note |');
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    await screen.findByText('Saved to /tmp/x.md');
    expect(b.saveFile.mock.calls[0]![0].data).toContain('# Postmortem: Search indexing crashes cluster-wide');
  });

  it('reads a picked file and hands its text over', async () => {
    const onOpen = vi.fn();
    render(<OpenExportButton onOpen={onOpen} onError={() => undefined} />);
    const file = new File([text], 'incident.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('open-export-input'), { target: { files: [file] } });
    await waitFor(() => expect(onOpen).toHaveBeenCalledWith(text, 'incident.json'));
  });
});
