// The incremental timeline pipeline (filter → date separators → row layout) against the plain
// full passes, over a random sequence of the changes ops make: appends, edits, deletes, inserts of
// a backdated entry, and filter / zone changes.
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../shared/model.ts';
import { EMPTY_FILTER, IncrementalFilter, IncrementalSeparators, filterEntries, withDateSeparators, ChangingList, type TimelineFilter, type TimelineItem } from './filter.ts';
import { RowLayout } from './rowLayout.ts';

const t0 = Date.parse('2026-03-27T20:00:00Z');
const entry = (i: number, at: number, over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id: `e${i}`, seq: i + 1, kind: i % 7 === 0 ? 'system' : 'note', text: `entry ${i}`, authorId: i % 3 ? 'ana' : 'bo', occurredAt: at, loggedAt: at,
  pinned: i % 5 === 0, history: [], editedAt: null, editedBy: null, deletedAt: null, deletedBy: null, ref: i % 7 === 0 ? 'bo' : null, moment: null, alert: null,
  ...over,
});

/** A deterministic pseudo-random sequence (no flaky seeds). */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

describe('incremental timeline pipeline', () => {
  it('matches the full passes after every change', () => {
    const rand = rng(42);
    let timeline: TimelineEntry[] = Array.from({ length: 300 }, (_, i) => entry(i, t0 + i * 13 * 60_000));
    let next = 300;
    const filters: TimelineFilter[] = [EMPTY_FILTER, { ...EMPTY_FILTER, showJoins: true, showDeleted: true }, { ...EMPTY_FILTER, pinnedOnly: true }, { ...EMPTY_FILTER, search: '1' }];
    let filter = EMPTY_FILTER;
    let zone = 'Europe/Paris';
    const f = new IncrementalFilter();
    const sep = new IncrementalSeparators();
    const layout = new RowLayout<TimelineItem>((item) => (item.type === 'date' ? 30 : 50));
    const sizes = new Map<string, number>();
    for (let step = 0; step < 400; step++) {
      const r = rand(20);
      // Copy-on-write, as the reducer does: the old array is never changed.
      timeline = timeline.slice();
      if (r < 10) timeline.push(entry(next++, timeline.at(-1)!.occurredAt + rand(4) * 60 * 60_000));
      else if (r < 13) {
        const i = rand(timeline.length);
        timeline[i] = { ...timeline[i]!, text: `${timeline[i]!.text} edited` };
      } else if (r < 15) {
        const i = rand(timeline.length);
        timeline[i] = { ...timeline[i]!, deletedAt: 1 };
      } else if (r < 17) {
        // A backdated entry lands in the middle (sorted by occurredAt).
        const i = rand(timeline.length);
        timeline.splice(i, 0, entry(next++, timeline[i]!.occurredAt));
      } else if (r < 19) filter = filters[rand(filters.length)]!;
      else zone = zone === 'Europe/Paris' ? 'Asia/Singapore' : 'Europe/Paris';

      f.run(timeline, filter);
      const expectedEntries = filterEntries(timeline, filter);
      expect(f.out.list).toEqual(expectedEntries);
      sep.run(f.out.list, zone, f.out);
      const expectedItems = withDateSeparators(expectedEntries, zone);
      expect(sep.out.list.map((i) => i.key)).toEqual(expectedItems.map((i) => i.key));
      layout.sync(sep.out);
      // Some rows get measured, as the visible ones would.
      for (let k = 0; k < 3; k++) {
        const it = expectedItems[rand(expectedItems.length)];
        if (!it) continue;
        const h = 20 + rand(80);
        sizes.set(it.key, h);
        layout.setSize(it.key, h);
      }
      let y = 0;
      expectedItems.forEach((it, i) => {
        expect(layout.start(i)).toBe(y);
        y += sizes.get(it.key) ?? (it.type === 'date' ? 30 : 50);
      });
      expect(layout.total()).toBe(y);
      if (expectedItems.length > 0) {
        const i = rand(expectedItems.length);
        expect(layout.index(expectedItems[i]!.key)).toBe(i);
        expect(layout.rowAt(layout.start(i) + 1)).toBe(i);
      }
    }
  });

  it('a list kept in place tells a consumer where it changed, and 0 when it fell too far behind', () => {
    const l = new ChangingList<number>();
    l.list.push(1, 2, 3);
    l.changed(0);
    const seen = l.version;
    expect(l.changedSince(seen)).toBe(3);
    l.list.push(4);
    l.changed(3);
    l.list[1] = 9;
    l.changed(1);
    expect(l.changedSince(seen)).toBe(1);
    for (let i = 0; i < 40; i++) l.changed(4);
    expect(l.changedSince(seen)).toBe(0);
  });
});
