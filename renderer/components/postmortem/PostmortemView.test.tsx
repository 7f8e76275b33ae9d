import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import axe from 'axe-core';
import type { ActionItem, Member, Postmortem } from '../../../shared/model.ts';
import { MemoryPersistence } from '../../persistence/memoryPersistence.ts';
import { WarRoomProvider } from '../../store/react.ts';
import { createWarRoomStore } from '../../store/index.ts';
import { FakeServer } from '../../sync/testing/fakeServer.ts';
import type { ActionCallbacks } from './ActionItems.tsx';
import { dueFromInput } from './ActionItems.tsx';
import { onOpenPostmortem } from './openPostmortem.ts';
import { parseCount, toLines } from './PostmortemFields.tsx';
import { PostmortemEditor, PostmortemPrompt, PostmortemView } from './PostmortemView.tsx';

afterEach(cleanup);

const members: Member[] = [
  { id: 'ravi', name: 'Ravi Iyer', timeZone: 'Asia/Kolkata', skills: [], workingHours: { start: '09:00', end: '17:00' }, availability: 'available', joinedAt: 0 },
];
const pm = (over: Partial<Postmortem> = {}): Postmortem => ({
  summary: 'It broke.', trigger: '', rootCause: '', contributingFactors: [], detection: '', whatWentWell: ['Fast help'], whatWentWrong: [],
  whereWeGotLucky: [], lessons: [], customersAffected: null, requestsFailed: 12, ordersLost: null, actionItems: [], ...over,
});
const item = (over: Partial<ActionItem> = {}): ActionItem => ({
  id: 'a-1', title: 'Alert on saturation', description: 'Page at 80%', ownerId: 'ravi', priority: 'P1', type: 'detect', dueAt: Date.UTC(2026, 10, 3, 23, 59),
  ticketUrl: 'https://tracker.example.com/PAY-1', status: 'open', createdAt: 0, createdBy: 'lea', updatedAt: 0, deletedAt: null, ...over,
});
const cbs = (): ActionCallbacks & { [k: string]: ReturnType<typeof vi.fn> } => ({ add: vi.fn(() => true), update: vi.fn(() => true), remove: vi.fn(), restore: vi.fn() });

function editor(p = pm(), canEdit = true) {
  const onUpdate = vi.fn();
  const actions = cbs();
  const view = render(<PostmortemEditor postmortem={p} members={members} status="resolved" canEdit={canEdit} onUpdate={onUpdate} actions={actions} />);
  return { onUpdate, actions, view };
}

describe('postmortem fields', () => {
  it('has a labelled field for every section, and saves one when it is left', () => {
    const { onUpdate } = editor();
    for (const label of ['Summary', 'Trigger', 'Root cause', 'Detection', 'Contributing factors', 'What went well', 'What went wrong', 'Where we got lucky', 'Lessons', 'Customers affected', 'Requests failed', 'Orders lost']) {
      expect(screen.getByLabelText(new RegExp(`^${label}`))).toBeTruthy();
    }
    const root = screen.getByLabelText(/^Root cause/);
    fireEvent.change(root, { target: { value: 'Per-node limit.' } });
    expect(screen.getByText('(not saved yet)')).toBeTruthy();
    fireEvent.blur(root);
    expect(onUpdate).toHaveBeenCalledWith({ rootCause: 'Per-node limit.' });
    const lucky = screen.getByLabelText(/^Where we got lucky/);
    fireEvent.change(lucky, { target: { value: 'Low traffic\n\n  Ravi was awake  ' } });
    fireEvent.keyDown(lucky, { key: 'Enter', ctrlKey: true });
    expect(onUpdate).toHaveBeenLastCalledWith({ whereWeGotLucky: ['Low traffic', 'Ravi was awake'] });
  });

  it('saves what was typed when the view goes away without the field being left', () => {
    const { onUpdate, view } = editor();
    fireEvent.change(screen.getByLabelText(/^Detection/), { target: { value: 'Alert at 22:45' } });
    view.unmount();
    expect(onUpdate).toHaveBeenCalledWith({ detection: 'Alert at 22:45' });
  });

  it('does not save a field that was not changed', () => {
    const { onUpdate } = editor();
    fireEvent.blur(screen.getByLabelText(/^Summary/));
    fireEvent.change(screen.getByLabelText(/^Trigger/), { target: { value: '' } });
    fireEvent.blur(screen.getByLabelText(/^Trigger/));
    expect(onUpdate).not.toHaveBeenCalled();
  });

  it('quantified impact: whole numbers or empty (unknown); anything else is explained, not sent', () => {
    const { onUpdate } = editor();
    const customers = screen.getByLabelText('Customers affected');
    fireEvent.change(customers, { target: { value: '12 400' } });
    fireEvent.blur(customers);
    expect(onUpdate).toHaveBeenCalledWith({ customersAffected: 12400 });
    const failed = screen.getByLabelText('Requests failed');
    fireEvent.change(failed, { target: { value: 'lots' } });
    fireEvent.blur(failed);
    expect(screen.getByRole('alert').textContent).toMatch(/whole number/);
    expect(onUpdate).toHaveBeenCalledTimes(1);
    fireEvent.change(failed, { target: { value: '' } });
    fireEvent.blur(failed);
    expect(onUpdate).toHaveBeenLastCalledWith({ requestsFailed: null });
    expect([parseCount('1,000'), parseCount('-1').ok, toLines('a\r\nb\n')]).toEqual([{ ok: true, value: 1000 }, false, ['a', 'b']]);
  });

  it('is read-only for viewers: no buttons, no add form', () => {
    editor(pm({ actionItems: [item()] }), false);
    expect((screen.getByLabelText(/^Summary/) as HTMLTextAreaElement).readOnly).toBe(true);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText(/only responders and leads can change it/)).toBeTruthy();
  });
});

describe('action items', () => {
  it('adds one with owner, priority, type, due date (end of day UTC), ticket and description', () => {
    const { actions } = editor();
    const form = screen.getByRole('form', { name: 'Add action item' });
    const f = within(form);
    fireEvent.change(f.getByLabelText('Title'), { target: { value: '  Alert on pgbouncer saturation ' } });
    fireEvent.change(f.getByLabelText('Owner'), { target: { value: 'ravi' } });
    fireEvent.change(f.getByLabelText('Priority'), { target: { value: 'P0' } });
    fireEvent.change(f.getByLabelText('Type'), { target: { value: 'detect' } });
    fireEvent.change(f.getByLabelText('Due date (UTC)'), { target: { value: '2026-11-03' } });
    fireEvent.change(f.getByLabelText('Ticket link'), { target: { value: 'https://tracker.example.com/PAY-101' } });
    fireEvent.change(f.getByLabelText('Description'), { target: { value: 'Page at 80%.' } });
    fireEvent.click(f.getByRole('button', { name: 'Add action item' }));
    expect(actions.add).toHaveBeenCalledWith({
      title: 'Alert on pgbouncer saturation', description: 'Page at 80%.', ownerId: 'ravi', priority: 'P0', type: 'detect',
      dueAt: Date.UTC(2026, 10, 3, 23, 59), ticketUrl: 'https://tracker.example.com/PAY-101',
    });
    expect((f.getByLabelText('Title') as HTMLInputElement).value).toBe('');
  });

  it('explains what is wrong instead of sending: no title, a ticket link that is not http(s)', () => {
    const { actions } = editor();
    const f = within(screen.getByRole('form', { name: 'Add action item' }));
    fireEvent.click(f.getByRole('button', { name: 'Add action item' }));
    expect(f.getByRole('alert').textContent).toBe('Give the action item a title.');
    fireEvent.change(f.getByLabelText('Title'), { target: { value: 'X' } });
    fireEvent.change(f.getByLabelText('Ticket link'), { target: { value: 'javascript:alert(1)' } });
    fireEvent.submit(f.getByLabelText('Title'));
    expect(f.getByRole('alert').textContent).toBe('A ticket link must start with http:// or https://.');
    expect(actions.add).not.toHaveBeenCalled();
  });

  it('edits, marks done, deletes and restores', () => {
    const { actions } = editor(pm({ actionItems: [item(), item({ id: 'a-old', title: 'Old idea', deletedAt: 5 })] }));
    expect(screen.getByText('P1 · Detect · Alert on saturation')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'https://tracker.example.com/PAY-1' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Mark done: “Alert on saturation”' }));
    expect(actions.update).toHaveBeenCalledWith('a-1', { status: 'done' });
    fireEvent.click(screen.getByRole('button', { name: 'Edit action item “Alert on saturation”' }));
    const f = within(screen.getByRole('form', { name: 'Save “Alert on saturation”' }));
    expect((f.getByLabelText('Due date (UTC)') as HTMLInputElement).value).toBe('2026-11-03');
    fireEvent.change(f.getByLabelText('Priority'), { target: { value: 'P2' } });
    fireEvent.click(f.getByRole('button', { name: 'Save “Alert on saturation”' }));
    expect(actions.update).toHaveBeenLastCalledWith('a-1', expect.objectContaining({ priority: 'P2', title: 'Alert on saturation', ownerId: 'ravi' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete action item “Alert on saturation”' }));
    expect(actions.remove).toHaveBeenCalledWith(expect.objectContaining({ id: 'a-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Restore action item “Old idea”' }));
    expect(actions.restore).toHaveBeenCalledWith('a-old');
    expect(dueFromInput('nope')).toBeNull();
  });

  it('has no accessibility violations (axe)', async () => {
    const { view } = editor(pm({ actionItems: [item(), item({ id: 'a-old', title: 'Old idea', deletedAt: 5 })] }));
    // jsdom cannot compute colours: contrast is checked by the UI helper in Chromium.
    const r = await axe.run(view.container, { rules: { 'color-contrast': { enabled: false } } });
    expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});

describe('PostmortemView with the store', () => {
  it('writes action items and sections as ops through the outbox, offline', () => {
    const store = createWarRoomStore({ transport: new FakeServer().transport(), persistence: new MemoryPersistence(), timers: false });
    const r = store.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    expect(r.ok).toBe(true);
    expect(store.getState().view).not.toBeNull();
    render(<WarRoomProvider store={store}><PostmortemView /></WarRoomProvider>);
    const f = within(screen.getByRole('form', { name: 'Add action item' }));
    fireEvent.change(f.getByLabelText('Title'), { target: { value: 'Alert on disk usage' } });
    fireEvent.change(f.getByLabelText('Priority'), { target: { value: 'P1' } });
    fireEvent.click(f.getByRole('button', { name: 'Add action item' }));
    const items = store.getState().view!.postmortem.actionItems;
    expect(items.map((a) => [a.title, a.priority])).toEqual([['Alert on disk usage', 'P1']]);
    fireEvent.change(screen.getByLabelText(/^Trigger/), { target: { value: 'Log rotation stopped' } });
    fireEvent.blur(screen.getByLabelText(/^Trigger/));
    expect(store.getState().view!.postmortem.trigger).toBe('Log rotation stopped');
    fireEvent.click(screen.getByRole('button', { name: 'Delete action item “Alert on disk usage”' }));
    expect(store.getState().view!.postmortem.actionItems[0]!.deletedAt).not.toBeNull();
    expect(store.getState().outbox.map((o) => o.type)).toEqual(expect.arrayContaining(['postmortem.action.add', 'postmortem.update', 'postmortem.action.delete']));
  });

  it('prompts for the postmortem once resolved, and openPostmortem reaches the layout', () => {
    const store = createWarRoomStore({ transport: new FakeServer().transport(), persistence: new MemoryPersistence(), timers: false });
    store.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    const opened = vi.fn();
    const off = onOpenPostmortem(opened);
    render(<WarRoomProvider store={store}><PostmortemPrompt /></WarRoomProvider>);
    expect(screen.queryByTestId('postmortem-prompt')).toBeNull();
    act(() => { store.getState().setStatus('resolved'); });
    fireEvent.click(screen.getByRole('button', { name: 'Write the postmortem' }));
    expect(opened).toHaveBeenCalledTimes(1);
    off();
  });
});
