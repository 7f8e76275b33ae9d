import type { EntryKind, TimelineEntry } from '../../../shared/model.ts';
import { formatDate } from '../../../shared/time.ts';

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

// Entry objects are immutable and reused across ops, so their local date is cached per object and zone.
const dateCache = new WeakMap<TimelineEntry, { zone: string; date: string }>();
function dateOf(e: TimelineEntry, zone: string): string {
  const hit = dateCache.get(e);
  if (hit && hit.zone === zone) return hit.date;
  const date = formatDate(e.occurredAt, zone);
  dateCache.set(e, { zone, date });
  return date;
}

/** Interleaves a date separator wherever the local date changes (and before the first entry). */
export function withDateSeparators(entries: readonly TimelineEntry[], zone: string): TimelineItem[] {
  const items: TimelineItem[] = [];
  let last = '';
  for (const entry of entries) {
    const date = dateOf(entry, zone);
    if (date !== last) {
      items.push({ type: 'date', key: `date-${date}`, label: date });
      last = date;
    }
    items.push({ type: 'entry', key: entry.id, entry });
  }
  return items;
}
