import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import type { TimelineEntry } from '../../../shared/model.ts';
import { TimeFormatContext } from '../../hooks/timeFormat.ts';
import { Timeline, type TimelineCallbacks } from './Timeline.tsx';

// jsdom has no layout: give the scroller a viewport and every row a height so the virtualizer can work.
const restore: (() => void)[] = [];
function fakeLayout(prop: 'clientHeight' | 'clientWidth' | 'offsetHeight', value: (el: HTMLElement) => number) {
  const before = Object.getOwnPropertyDescriptor(HTMLElement.prototype, prop);
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get() { return value(this as HTMLElement); } });
  restore.push(() => { if (before) Object.defineProperty(HTMLElement.prototype, prop, before); });
}
beforeAll(() => {
  fakeLayout('clientHeight', (el) => (el.dataset.testid === 'timeline' ? 600 : 0));
  fakeLayout('clientWidth', (el) => (el.dataset.testid === 'timeline' ? 800 : 0));
  fakeLayout('offsetHeight', (el) => (el.dataset.index !== undefined ? 50 : 0));
  if (!('scrollTo' in HTMLElement.prototype)) Object.assign(HTMLElement.prototype, { scrollTo() {} });
});
afterAll(() => restore.forEach((r) => r()));
afterEach(cleanup);

const start = Date.parse('2026-11-27T20:00:00Z');
const entries: TimelineEntry[] = Array.from({ length: 2000 }, (_, i) => ({
  id: `e${i}`, seq: i + 1, kind: 'note', text: `entry ${i}`, authorId: 'tom', occurredAt: start + i * 60_000, loggedAt: start + i * 60_000,
  pinned: false, history: [], editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref: null, moment: null, alert: null,
}));
const callbacks: TimelineCallbacks = { pin: vi.fn(), edit: vi.fn(), remove: vi.fn(), restore: vi.fn() };

function renderTimeline(list: TimelineEntry[], zone: string) {
  return render(
    <TimeFormatContext value={{ zone, utc: false }}>
      <Timeline entries={list} headSeq={list.length} nameOf={() => 'Tom'} canEdit selectedId={null} onSelect={() => undefined}
        editingId={null} onEditing={() => undefined} callbacks={callbacks} />
    </TimeFormatContext>,
  );
}

describe('Timeline', () => {
  it('renders a window of rows, not all 2000', () => {
    const { container } = renderTimeline(entries, 'UTC');
    const rows = container.querySelectorAll('[data-testid=timeline-entry]').length;
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
  });

  it('starts a new date section where the viewer’s date changes', () => {
    // 20:00 UTC plus a few minutes is still the 27th in UTC but already the 28th in Singapore.
    const { container } = renderTimeline(entries.slice(0, 3), 'Asia/Singapore');
    const seps = [...container.querySelectorAll('[data-testid=date-separator]')];
    expect(seps.map((d) => d.getAttribute('data-date'))).toEqual(['2026-11-28']);
    // The day in the viewer's words and locale, with the zone and its offset that day.
    expect(seps[0]!.textContent).toContain(new Intl.DateTimeFormat(undefined, { day: 'numeric', timeZone: 'Asia/Singapore' }).format(entries[0]!.occurredAt));
    expect(seps[0]!.textContent).toContain('Asia/Singapore · UTC+08:00');
    cleanup();
    const utc = renderTimeline(entries.slice(0, 3), 'UTC');
    expect([...utc.container.querySelectorAll('[data-testid=date-separator]')].map((d) => d.getAttribute('data-date'))).toEqual(['2026-11-27']);
  });
});
