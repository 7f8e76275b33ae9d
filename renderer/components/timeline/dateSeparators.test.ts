import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TimelineEntry } from '../../../shared/model.ts';
import { formatDate } from '../../../shared/time.ts';
import { withDateSeparators, type TimelineItem } from './filter.ts';

const entry = (i: number, occurredAt: number): TimelineEntry => ({
  id: `e${i}`, seq: i + 1, kind: 'note', text: `entry ${i}`, authorId: 'ana', occurredAt, loggedAt: occurredAt,
  pinned: false, history: [], editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref: null, moment: null, alert: null,
});

/** The obvious definition: format every entry's date. */
function reference(entries: readonly TimelineEntry[], zone: string): string[] {
  const out: string[] = [];
  let last = '';
  for (const e of entries) {
    const d = formatDate(e.occurredAt, zone);
    if (d !== last) out.push(`date-${d}`);
    last = d;
    out.push(e.id);
  }
  return out;
}
const keys = (items: TimelineItem[]) => items.map((i) => i.key);

// 2000 entries every 7 minutes from 20:00 UTC on 26 March 2026: ~10 days across Europe's DST start (29 March).
const start = Date.parse('2026-03-26T20:00:00Z');
const sorted = Array.from({ length: 2000 }, (_, i) => entry(i, start + i * 7 * 60_000));

afterEach(() => void vi.restoreAllMocks());

describe('date separators', () => {
  it.each(['UTC', 'Europe/Paris', 'America/Los_Angeles', 'Asia/Kathmandu', 'Pacific/Chatham'])('match formatting every entry in %s', (zone) => {
    expect(keys(withDateSeparators(sorted, zone))).toEqual(reference(sorted, zone));
  });

  it('stay right when entries are out of order', () => {
    const shuffled = sorted.slice(0, 400).reverse().concat(sorted.slice(0, 50));
    expect(keys(withDateSeparators(shuffled, 'Europe/Paris'))).toEqual(reference(shuffled, 'Europe/Paris'));
  });

  it('format once per day, not once per entry', () => {
    const spy = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    withDateSeparators(sorted, 'Europe/Paris');
    // ~10 local days; a handful of Intl calls per day boundary.
    expect(spy.mock.calls.length).toBeGreaterThan(0);
    expect(spy.mock.calls.length).toBeLessThan(100);
  });

  it('reuse the row item of an unchanged entry across calls', () => {
    const before = withDateSeparators(sorted, 'UTC');
    const after = withDateSeparators([...sorted, entry(2000, start + 2000 * 7 * 60_000)], 'UTC');
    const find = (items: TimelineItem[], id: string) => items.find((i) => i.key === id);
    expect(find(after, 'e5')).toBe(find(before, 'e5'));
  });
});

describe('the Singapore 23:50 boundary', () => {
  // 23:50 on 2 December in Singapore (UTC+8) is 15:50 UTC; the next entries cross local midnight.
  const sg = Date.parse('2026-12-02T15:50:00Z');
  const around = [sg - 3_600_000, sg, sg + 5 * 60_000, sg + 9 * 60_000 + 59_000, sg + 10 * 60_000, sg + 40 * 60_000].map((t, i) => entry(i, t));
  it('gives one separator per local date, each once', () => {
    const items = withDateSeparators(around, 'Asia/Singapore');
    const dates = items.filter((i) => i.type === 'date').map((i) => i.key);
    expect(dates).toEqual(['date-2026-12-02', 'date-2026-12-03']);
    expect(keys(items)).toEqual(['date-2026-12-02', 'e0', 'e1', 'e2', 'e3', 'date-2026-12-03', 'e4', 'e5']);
  });
});
