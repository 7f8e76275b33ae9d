import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { TimelineEntry } from '../../../shared/model.ts';
import { TimelineRow, type RowActions } from './TimelineRow.tsx';
import { EMPTY_FILTER, filterEntries, withDateSeparators } from './filter.ts';

afterEach(cleanup);

const at = Date.parse('2026-11-27T13:02:00Z');
const entry = (over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id: 'e1', seq: 3, kind: 'note', text: 'Nodes crash on start', authorId: 'tom', occurredAt: at, loggedAt: at,
  pinned: false, history: [], editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref: null, moment: null, alert: null, ...over,
});
const actions = (): RowActions => ({
  select: vi.fn(), pin: vi.fn(), startEdit: vi.fn(), saveEdit: vi.fn(), cancelEdit: vi.fn(), remove: vi.fn(), restore: vi.fn(),
});
const names: Record<string, string> = { tom: "Tom O'Brien", camille: 'Camille Durand' };
const nameOf = (id: string) => names[id] ?? id;

function row(e: TimelineEntry, zone: string, utc = false, a = actions()) {
  render(<TimelineRow entry={e} authorName={nameOf(e.authorId)} nameOf={nameOf} zone={zone} utc={utc} selected={false} editing={false} canEdit actions={a} />);
  return a;
}

describe('TimelineRow', () => {
  // Local times follow the browser's locale (12- or 24-hour); the hour must be the zone's.
  const local = (t: number, zone: string) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(t);
  it.each([
    ['Europe/Paris', false, '14:02'],
    ['America/Los_Angeles', false, '05:02'],
    ['Asia/Singapore', false, '21:02'],
    ['Asia/Singapore', true, '13:02Z'],
  ])('shows the time in %s (utc=%s) as %s', (zone, utc, clock) => {
    row(entry(), zone, utc);
    const shown = screen.getByTestId('entry-time').textContent;
    expect(shown).toBe(utc ? clock : local(at, zone));
    expect(shown!.replace(/\D/g, '').slice(0, 2)).toMatch(utc ? /^13$/ : new RegExp(`^(${clock.slice(0, 2)}|${String(Number(clock.slice(0, 2)) % 12 || 12).padStart(2, '0')})$`));
  });

  it('shows when a backdated entry was logged', () => {
    row(entry({ loggedAt: at + 20 * 60_000 }), 'Europe/Paris');
    expect(screen.getByText(new RegExp(`logged ${local(at + 20 * 60_000, 'Europe/Paris')}`))).toBeTruthy();
  });

  it('marks a key moment and shows seconds with the offset on hover', () => {
    row(entry({ kind: 'status', moment: 'mitigated', occurredAt: at + 7_000, text: 'Status changed to monitoring' }), 'Europe/Paris');
    const el = screen.getByTestId('timeline-entry');
    expect(el.getAttribute('data-moment')).toBe('mitigated');
    expect(el.textContent).toContain('Mitigated');
    expect(screen.getByTestId('entry-time').getAttribute('title')).toMatch(/07.*UTC\+01:00.*13:02:07 UTC/);
    expect(el.hasAttribute('aria-selected')).toBe(false);
  });

  it('reveals the edit history on demand', () => {
    const e = entry({ text: 'v2', history: [{ text: 'v1', at, by: 'tom' }], editedAt: at + 60_000, editedBy: 'camille' });
    row(e, 'UTC');
    expect(screen.queryByTestId('entry-history')).toBeNull();
    fireEvent.click(screen.getByTestId('entry-history-toggle'));
    expect(screen.getByTestId('entry-history').textContent).toContain('v1');
    expect(screen.getByTestId('entry-history-toggle').textContent).toContain('Camille Durand');
  });

  it('offers restore instead of edit for a deleted entry', () => {
    const a = row(entry({ deletedAt: at, deletedBy: 'tom' }), 'UTC');
    expect(screen.queryByTestId('entry-edit')).toBeNull();
    fireEvent.click(screen.getByTestId('entry-restore'));
    expect(a.restore).toHaveBeenCalledWith('e1');
  });

  it('does not offer editing of system entries', () => {
    row(entry({ kind: 'status', text: 'Status changed' }), 'UTC');
    expect(screen.queryByTestId('entry-edit')).toBeNull();
    expect(screen.getByTestId('entry-pin')).toBeTruthy();
  });
});

describe('timeline items', () => {
  // 23:30 UTC on the 27th is already the 28th in Singapore but still the 27th in Los Angeles.
  const late = Date.parse('2026-11-27T23:30:00Z');
  const entries = [entry(), entry({ id: 'e2', seq: 4, occurredAt: late, deletedAt: late })];

  it('puts a date separator where the local date changes', () => {
    const sg = withDateSeparators(entries, 'Asia/Singapore').filter((i) => i.type === 'date').map((i) => i.key);
    const la = withDateSeparators(entries, 'America/Los_Angeles').filter((i) => i.type === 'date').map((i) => i.key);
    expect(sg).toEqual(['date-2026-11-27', 'date-2026-11-28']);
    expect(la).toEqual(['date-2026-11-27']);
  });

  it('hides deleted entries unless asked', () => {
    expect(filterEntries(entries, EMPTY_FILTER).map((e) => e.id)).toEqual(['e1']);
    expect(filterEntries(entries, { ...EMPTY_FILTER, showDeleted: true }).map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(filterEntries(entries, { ...EMPTY_FILTER, search: 'CRASH' }).map((e) => e.id)).toEqual(['e1']);
    expect(filterEntries(entries, { ...EMPTY_FILTER, authorId: 'camille' })).toEqual([]);
  });
});

describe('signal-first filtering', () => {
  const e = (id: string, over: Partial<TimelineEntry>): TimelineEntry => ({
    id, seq: 1, kind: 'note', text: id, authorId: 'tom', occurredAt: at, loggedAt: at, pinned: false, history: [], editedAt: null,
    editedBy: null, deletedAt: null, deletedBy: null, ref: null, moment: null, alert: null, ...over,
  });
  const list = [
    e('joined', { kind: 'system', ref: 'tom', text: "Tom O'Brien joined (UTC)" }),
    e('cadence', { kind: 'system', text: 'Update cadence set to every 10 min' }),
    e('declared', { kind: 'status', moment: 'declared', text: 'Incident declared' }),
    e('finding', {}),
  ];
  it('hides joins by default and shows them on request', () => {
    expect(filterEntries(list, EMPTY_FILTER).map((x) => x.id)).toEqual(['cadence', 'declared', 'finding']);
    expect(filterEntries(list, { ...EMPTY_FILTER, showJoins: true }).map((x) => x.id)).toEqual(['joined', 'cadence', 'declared', 'finding']);
  });
  it('keeps key moments when system rows are hidden', () => {
    expect(filterEntries(list, { ...EMPTY_FILTER, showSystem: false }).map((x) => x.id)).toEqual(['declared', 'finding']);
  });
});
