import type { EntryKind, TimelineEntry } from '../../../shared/model.ts';
import { formatDate, nextLocalMidnight } from '../../../shared/time.ts';

export interface TimelineFilter {
  kind: EntryKind | 'all';
  pinnedOnly: boolean;
  authorId: string | null;
  showDeleted: boolean;
  search: string;
}

export const EMPTY_FILTER: TimelineFilter = { kind: 'all', pinnedOnly: false, authorId: null, showDeleted: false, search: '' };

export function filterEntries(entries: readonly TimelineEntry[], f: TimelineFilter): readonly TimelineEntry[] {
  const q = f.search.trim().toLowerCase();
  const plain = f.kind === 'all' && !f.pinnedOnly && !f.authorId && !q;
  if (plain && f.showDeleted) return entries;
  return entries.filter((e) =>
    (f.showDeleted || e.deletedAt === null)
    && (f.kind === 'all' || e.kind === f.kind)
    && (!f.pinnedOnly || e.pinned)
    && (!f.authorId || e.authorId === f.authorId)
    && (!q || e.text.toLowerCase().includes(q)));
}

export type TimelineItem =
  | { type: 'date'; key: string; label: string }
  | { type: 'entry'; key: string; entry: TimelineEntry };

// Entry objects are immutable and reused across ops, so each one's row item is too (fewer objects
// per op, and the virtualizer and rows see the same item for an unchanged entry).
const itemCache = new WeakMap<TimelineEntry, TimelineItem>();
function itemOf(entry: TimelineEntry): TimelineItem {
  let item = itemCache.get(entry);
  if (!item) {
    item = { type: 'entry', key: entry.id, entry };
    itemCache.set(entry, item);
  }
  return item;
}

/**
 * Interleaves a date separator wherever the local date changes (and before the first entry).
 * Entries are sorted by occurredAt, so this compares numbers against the current day's bounds and
 * formats a date (Intl, slow) only when an entry leaves them: once per day, not once per entry.
 */
export function withDateSeparators(entries: readonly TimelineEntry[], zone: string): TimelineItem[] {
  const items: TimelineItem[] = [];
  let last = '';
  // The day [from, until) in which every instant has the local date `last`.
  let from = Infinity;
  let until = -Infinity;
  for (const entry of entries) {
    const at = entry.occurredAt;
    if (at < from || at >= until) {
      const date = formatDate(at, zone);
      from = at;
      until = nextLocalMidnight(at, zone);
      if (date !== last) {
        items.push({ type: 'date', key: `date-${date}`, label: date });
        last = date;
      }
    }
    items.push(itemOf(entry));
  }
  return items;
}
