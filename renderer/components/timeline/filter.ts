import type { EntryKind, TimelineEntry } from '../../../shared/model.ts';
import { formatDate, nextLocalMidnight } from '../../../shared/time.ts';

export interface TimelineFilter {
  kind: EntryKind | 'all';
  pinnedOnly: boolean;
  authorId: string | null;
  showDeleted: boolean;
  search: string;
  /** "X joined (zone)" rows: noise once everyone is in, so hidden unless asked for. */
  showJoins: boolean;
  /** Status, role, help and other system rows (key moments always show). */
  showSystem: boolean;
}

/** What a reader sees first: findings and key moments; joins hidden. */
export const EMPTY_FILTER: TimelineFilter = { kind: 'all', pinnedOnly: false, authorId: null, showDeleted: false, search: '', showJoins: false, showSystem: true };

/** True when any filter narrows the timeline beyond the default signal-first view. */
export const isNarrowed = (f: TimelineFilter): boolean => Boolean(f.search || f.kind !== 'all' || f.pinnedOnly || f.authorId || !f.showSystem);

const SYSTEM = new Set(['status', 'role', 'help', 'system']);

/** A member's "joined" row (written by member.join: a system row referring to its own author). */
export const isJoinRow = (e: TimelineEntry): boolean => e.kind === 'system' && e.moment === null && e.ref !== null && e.ref === e.authorId;

export function filterEntries(entries: readonly TimelineEntry[], f: TimelineFilter): readonly TimelineEntry[] {
  const q = f.search.trim().toLowerCase();
  const plain = f.kind === 'all' && !f.pinnedOnly && !f.authorId && !q && f.showJoins && f.showSystem;
  if (plain && f.showDeleted) return entries;
  // A kind filter asking for system rows explicitly shows them whatever the toggles say.
  const askedKind = f.kind !== 'all';
  return entries.filter((e) =>
    (f.showDeleted || e.deletedAt === null)
    && (askedKind || f.showJoins || !isJoinRow(e))
    && (askedKind || f.showSystem || !SYSTEM.has(e.kind) || e.moment !== null)
    && (f.kind === 'all' || e.kind === f.kind)
    && (!f.pinnedOnly || e.pinned)
    && (!f.authorId || e.authorId === f.authorId)
    && (!q || e.text.toLowerCase().includes(q)));
}

export type TimelineItem =
  | { type: 'date'; key: string; label: string; at: number }
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
        items.push({ type: 'date', key: `date-${date}`, label: date, at });
        last = date;
      }
    }
    items.push(itemOf(entry));
  }
  return items;
}
