import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { SaveFileRequest, SaveFileResult } from '../../../shared/bridge.ts';
import { applyPending, formatCsv, importJson } from '../../../shared/export/index.ts';
import { stateHash } from '../../../shared/hash.ts';
import { fold } from '../../../test/export/kit.ts';
import { richIncident } from '../../../test/export/richFixture.ts';
import { ExportDialog } from './ExportDialog.tsx';

afterEach(cleanup);

const { ops, pending } = richIncident();
const committed = fold(ops);
const view = applyPending(committed, pending).state;
const NOW = Date.parse('2026-11-30T17:00:00Z');

function bridge(result: SaveFileResult = { ok: true, path: '/home/lea/postmortem' }) {
  return {
    saveFile: vi.fn(async (_r: SaveFileRequest): Promise<SaveFileResult> => result),
    printToPdf: vi.fn(async (_r: { html: string; suggestedName: string }): Promise<SaveFileResult> => ({ ok: true, path: '/home/lea/pm.pdf' })),
  };
}

/** The dialog exactly as the store would feed it offline: no ops log, committed state + outbox. */
function open(b = bridge(), extra: Partial<Parameters<typeof ExportDialog>[0]> = {}) {
  const onClose = vi.fn();
  render(<ExportDialog state={view} committed={committed} pending={pending} bridge={b} onClose={onClose} online={false} now={() => NOW} {...extra} />);
  return { b, onClose };
}

const mdPreview = () => screen.getByTestId('md-preview').textContent ?? '';
const choose = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('ExportDialog', () => {
  it('previews the Markdown postmortem from local state, unsynced changes included and marked', () => {
    open();
    expect(mdPreview()).toContain('# Postmortem: Search indexing crashes cluster-wide after Black Friday deploy');
    expect(mdPreview()).toContain('Customer summary sent to support leads for review, "final" version due Tuesday. _(unsynced)_');
    expect(screen.getByTestId('export-note').textContent).toBe('The server is unreachable: exporting from this device’s copy of the incident. Includes 1 unsynced change, marked “unsynced”.');
  });

  it('updates the preview live as options change', async () => {
    open();
    expect(mdPreview()).not.toContain('Appendix: deleted entries');
    fireEvent.click(screen.getByLabelText('Include deleted entries'));
    await waitFor(() => expect(mdPreview()).toContain('## Appendix: deleted entries'));
    expect(mdPreview()).toContain('test entry, ignore');

    choose('Local time column', 'Asia/Singapore');
    await waitFor(() => expect(mdPreview()).toContain('| Time (UTC) | Asia/Singapore | Who | Kind | Entry |'));

    fireEvent.click(screen.getByLabelText('Include system entries'));
    await waitFor(() => expect(mdPreview()).not.toContain('joined (Europe/Paris)'));
    expect(mdPreview()).toContain('_Filtered timeline: only note, update, decision, action, status, role, help entries._');

    fireEvent.click(screen.getByLabelText('Pinned entries only'));
    await waitFor(() => expect(mdPreview()).not.toContain('Deploys frozen for the day.'));
    expect(mdPreview()).toContain('**[pinned]** All 36 machines repaired.');
  });

  it('previews HTML as a styled page', async () => {
    open();
    choose('Format', 'html');
    const host = await screen.findByTestId('html-preview');
    await waitFor(() => expect(host.shadowRoot?.querySelector('h1')?.textContent).toBe('Search indexing crashes cluster-wide after Black Friday deploy'));
    expect(host.shadowRoot?.querySelector('style')?.textContent).toContain('@media print');
    expect(host.shadowRoot?.querySelectorAll('script')).toHaveLength(0);
    expect(host.shadowRoot?.querySelector('.badge.unsynced')).not.toBeNull();
  });

  it('saves the CSV the shared formatter makes, through the bridge', async () => {
    const { b } = open();
    choose('Format', 'csv');
    choose('Local time column', 'America/Los_Angeles');
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    await screen.findByText('Saved to /home/lea/postmortem');
    const req = b.saveFile.mock.calls[0]![0];
    expect(req.suggestedName).toBe('timeline-black-friday-2026-11-30.csv');
    expect(req.mimeType).toBe('text/csv;charset=utf-8');
    expect(req.data).toBe(formatCsv(view, { exportedAt: NOW, timeZone: 'America/Los_Angeles', pinnedOnly: false, includeDeleted: false, pendingOps: pending }));
  });

  it('saves a JSON export offline that reopens to the same incident, unsynced change kept apart', async () => {
    const { b } = open();
    choose('Format', 'json');
    expect(screen.getByTestId('json-summary').textContent).toContain('the confirmed state at change #82 and 1 unsynced');
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 's', ctrlKey: true });
    await screen.findByText('Saved to /home/lea/postmortem');
    const req = b.saveFile.mock.calls[0]![0];
    expect(req.suggestedName).toBe('warroom-black-friday-2026-11-30.json');
    const back = await importJson(req.data as string);
    if (!back.ok) throw new Error(back.message);
    expect(stateHash(back.value.committed)).toBe(stateHash(committed));
    expect(stateHash(back.value.state)).toBe(stateHash(view));
    expect(back.value.pending).toEqual(pending);
  });

  it('uses the full log for JSON when the client holds it', async () => {
    const { b } = open(bridge(), { ops });
    choose('Format', 'json');
    expect(screen.getByTestId('json-summary').textContent).toContain(`${ops.length} committed changes`);
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    await screen.findByText('Saved to /home/lea/postmortem');
    const back = await importJson(b.saveFile.mock.calls[0]![0].data as string);
    expect(back.ok && back.value.ops.length).toBe(ops.length);
  });

  it('refuses JSON for an incident the server never confirmed, and says why', () => {
    open(bridge(), { committed: null });
    choose('Format', 'json');
    expect(screen.getByTestId('json-summary').textContent).toMatch(/has not confirmed this incident yet/);
    expect((screen.getByRole('button', { name: 'Save…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('prints the HTML postmortem to PDF through the bridge', async () => {
    const { b } = open();
    choose('Format', 'pdf');
    fireEvent.click(screen.getByRole('button', { name: 'Print to PDF…' }));
    await screen.findByText('Saved to /home/lea/pm.pdf');
    const req = b.printToPdf.mock.calls[0]![0];
    expect(req.suggestedName).toBe('postmortem-black-friday-2026-11-30.pdf');
    expect(req.html).toMatch(/^<!DOCTYPE html>/);
    expect(req.html).toContain('<h1>Search indexing crashes cluster-wide after Black Friday deploy</h1>');
  });

  it('shows the bridge\'s sentence when saving fails, and nothing when the user cancels', async () => {
    open(bridge({ ok: false, cancelled: false, message: 'The disk is full.' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The disk is full.');
    cleanup();
    const cancelled = bridge({ ok: false, cancelled: true, message: 'cancelled' });
    open(cancelled);
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    await waitFor(() => expect(cancelled.saveFile).toHaveBeenCalled());
    await waitFor(() => expect((screen.getByRole('button', { name: 'Save…' }) as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('closes on Escape', () => {
    const { onClose } = open();
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledOnce();
  });
});
