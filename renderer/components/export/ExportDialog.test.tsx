import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { SaveFileRequest, SaveFileResult } from '../../../shared/bridge.ts';
import { applyPending, formatCsv, importJson } from '../../../shared/export/index.ts';
import { stateHash } from '../../../shared/hash.ts';
import type { CommittedOp } from '../../../shared/ops.ts';
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
    expect(mdPreview()).toContain('Léa Martin · Update _(unsynced)_: Customer summary sent to support leads for review, "final" version due Tuesday.');
    expect(mdPreview()).toContain('## Key timestamps');
    expect(mdPreview()).toContain('| Reopened | 2026-11-28 01:50 UTC |');
    const highlights = screen.getByTestId('export-highlights').textContent ?? '';
    expect(highlights).toContain('Reopened once');
    expect(highlights).toContain('Time to mitigate: 2h 12m');
    expect(highlights).toMatch(/\d+ update gaps over the cadence/);
    expect(screen.getByTestId('export-note').textContent).toBe('The server is unreachable: exporting from this device’s copy of the incident. Includes 1 unsynced change, marked “unsynced”.');
  });

  it('updates the preview live as options change', async () => {
    open();
    expect(mdPreview()).not.toContain('Appendix: deleted entries');
    fireEvent.click(screen.getByLabelText('Include deleted entries'));
    await waitFor(() => expect(mdPreview()).toContain('## Appendix: deleted entries'));
    expect(mdPreview()).toContain('test entry, ignore');

    choose('Local time column', 'Asia/Singapore');
    await waitFor(() => expect(mdPreview()).toContain('| Moment | UTC | Asia/Singapore | Note |'));
    expect(mdPreview()).toContain('Times are UTC, with local time in Asia/Singapore alongside');

    expect(mdPreview()).not.toContain('Appendix: earlier versions of edited entries');
    fireEvent.click(screen.getByLabelText('Include edit history'));
    await waitFor(() => expect(mdPreview()).toContain('## Appendix: earlier versions of edited entries'));
    expect(mdPreview()).toContain('c3-eu repaired and indexing again, lag 40 min and falling.');

    fireEvent.click(screen.getByLabelText('Include system entries'));
    await waitFor(() => expect(mdPreview()).not.toContain('joined (Europe/Paris)'));
    expect(mdPreview()).toContain('_Filtered timeline: only note, update, decision, action, status, role, help, alert entries._');

    fireEvent.click(screen.getByLabelText('Pinned entries only'));
    await waitFor(() => expect(mdPreview()).not.toContain('Deploys frozen for the day.'));
    expect(mdPreview()).toContain('Note _(pinned)_: All 36 machines repaired.');
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
    expect(screen.getByTestId('json-summary').textContent).toBe('Offline: the file holds the incident as of change #82 plus your 1 unsynced change; export again online for the full history.');
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

  it('online, saves the server\'s full history for JSON although this device holds only the state', async () => {
    const fetchLog = vi.fn(async () => ({ ok: true as const, ops, headSeq: ops.length }));
    const { b } = open(bridge(), { online: true, fetchLog });
    choose('Format', 'json');
    expect(screen.getByTestId('json-summary').textContent).toMatch(/^The full history: every committed change, fetched from the server when you save, and your 1 unsynced change marked as such/);
    expect(screen.getByTestId('export-note').textContent).toMatch(/^The JSON file is built from the server’s full history\./);
    expect(fetchLog).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    expect(await screen.findByRole('status')).toHaveProperty('textContent', `Saved to /home/lea/postmortem: the full history, ${ops.length} committed changes and 1 unsynced.`);
    expect(fetchLog).toHaveBeenCalledOnce();
    const back = await importJson(b.saveFile.mock.calls[0]![0].data as string);
    if (!back.ok) throw new Error(back.message);
    expect(back.value.base).toBeNull();
    expect(back.value.ops).toEqual(ops);
    expect(back.value.pending).toEqual(pending);
    expect(stateHash(back.value.state)).toBe(stateHash(view));
  });

  it('does not repeat as unsynced an outbox op the server\'s log already holds', async () => {
    const acked = { ...pending[0]!, seq: ops.length + 1, serverTime: pending[0]!.clientTime } as CommittedOp;
    const log = [...ops, acked];
    const { b } = open(bridge(), { online: true, fetchLog: async () => ({ ok: true as const, ops: log, headSeq: log.length }) });
    choose('Format', 'json');
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    expect(await screen.findByRole('status')).toHaveProperty('textContent', `Saved to /home/lea/postmortem: the full history, ${log.length} committed changes.`);
    const back = await importJson(b.saveFile.mock.calls[0]![0].data as string);
    expect(back.ok && back.value.pending).toEqual([]);
    expect(back.ok && stateHash(back.value.state)).toBe(stateHash(fold(log)));
  });

  it('falls back to this device\'s copy, and says so, when the history cannot be fetched or has a hole', async () => {
    const unreachable = { ok: false as const, code: 'SERVER_UNREACHABLE' as const, message: 'The server cannot be reached.' };
    const withHole = ops.filter((o) => o.seq !== 3);
    for (const [answer, why] of [[unreachable, 'The server cannot be reached.'], [{ ok: true as const, ops: withHole, headSeq: ops.length }, 'The server’s log has gaps']] as const) {
      const { b } = open(bridge(), { online: true, fetchLog: async () => answer });
      choose('Format', 'json');
      fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
      const status = await screen.findByRole('status');
      expect(status.textContent).toMatch(/^Saved to \/home\/lea\/postmortem from this device’s copy: the file holds the incident as of change #82 plus your 1 unsynced change\. The server’s full history could not be fetched: /);
      expect(status.textContent).toContain(why);
      const back = await importJson(b.saveFile.mock.calls[0]![0].data as string);
      if (!back.ok) throw new Error(back.message);
      expect(back.value.base?.seq).toBe(82);
      expect(stateHash(back.value.state)).toBe(stateHash(view));
      cleanup();
    }
  });

  it('offline, does not ask the server and says what the JSON file holds', async () => {
    const fetchLog = vi.fn(async () => ({ ok: true as const, ops, headSeq: ops.length }));
    const { b } = open(bridge(), { online: false, fetchLog });
    choose('Format', 'json');
    expect(screen.getByTestId('json-summary').textContent).toBe('Offline: the file holds the incident as of change #82 plus your 1 unsynced change; export again online for the full history.');
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    await screen.findByText('Saved to /home/lea/postmortem');
    expect(fetchLog).not.toHaveBeenCalled();
    const back = await importJson(b.saveFile.mock.calls[0]![0].data as string);
    expect(back.ok && back.value.base?.seq).toBe(82);
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
