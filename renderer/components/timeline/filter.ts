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

/** The first index at which two lists hold different objects (a reference scan). */
function firstDifference<T>(a: readonly T[], b: readonly T[]): number {
  const lim = Math.min(a.length, b.length);
  let i = 0;
  while (i < lim && a[i] === b[i]) i++;
  return i;
}

/**
 * A list kept in place across updates (no copy per op: at 50k entries each copy is 400 KB of
 * garbage), with a short log of where each update started, so a consumer that saw version v can
 * ask from which index anything may differ since.
 */
export class ChangingList<T> {
  readonly list: T[] = [];
  version = 0;
  private readonly log: { v: number; from: number }[] = [];

  /** Records an update of `list` from index `from` on. */
  changed(from: number): void {
    this.version++;
    this.log.push({ v: this.version, from });
    if (this.log.length > 32) this.log.shift();
  }

  /** The first index that may differ from what a consumer saw at version `v` (0 when too old to tell). */
  changedSince(v: number): number {
    if (v === this.version) return this.list.length;
    const oldest = this.log[0];
    if (v > this.version || !oldest || oldest.v > v + 1) return 0;
    let from = Infinity;
    for (const e of this.log) if (e.v > v && e.from < from) from = e.from;
    return Math.min(from, this.list.length);
  }
}

/** What a consumer of a ChangingList remembers: the list object and the version it last saw. */
export interface ListView<T> { source: ChangingList<T>; version: number }

/**
 * filterEntries() kept incrementally for one filter: a new timeline that shares its first entries
 * with the previous one (a remote op appends one, an edit replaces one) keeps the filtered result
 * of that prefix and filters only the rest, in place. The timeline arrays from the store are
 * immutable, so comparing the new one with the previous one finds the first change.
 */
export class IncrementalFilter {
  private input: readonly TimelineEntry[] = [];
  private filter: TimelineFilter | null = null;
  readonly out = new ChangingList<TimelineEntry>();
  /** outBefore[i]: how many of input[0..i) passed. */
  private outBefore = new Int32Array(1);

  /** Updates `out` for these entries and this filter; returns its version. */
  run(entries: readonly TimelineEntry[], f: TimelineFilter): number {
    if (entries === this.input && f === this.filter) return this.out.version;
    const d = f === this.filter ? firstDifference(this.input, entries) : 0;
    this.filter = f;
    this.input = entries;
    if (this.outBefore.length < entries.length + 1) {
      const next = new Int32Array(Math.max(entries.length + 1, this.outBefore.length * 2));
      next.set(this.outBefore.subarray(0, d + 1));
      this.outBefore = next;
    }
    const list = this.out.list;
    const kept = d === 0 ? 0 : this.outBefore[d]!;
    list.length = kept;
    const rest = d === 0 ? entries : entries.slice(d);
    const passed = filterEntries(rest, f);
    let w = 0;
    for (let i = d; i < entries.length; i++) {
      this.outBefore[i] = kept + w;
      const e = entries[i]!;
      if (w < passed.length && passed[w] === e) {
        list.push(e);
        w++;
      }
    }
    this.outBefore[entries.length] = kept + w;
    this.out.changed(kept);
    return this.out.version;
  }
}

/**
 * withDateSeparators() kept incrementally for one zone, in place: keeps the items of the unchanged
 * prefix of the entries and interleaves separators only from the first changed entry on. The
 * entries come either as a ChangingList (which says where they changed) or as an immutable array
 * (compared with the previous one).
 */
export class IncrementalSeparators {
  private input: readonly TimelineEntry[] = [];
  private inputCopyOf: ChangingList<TimelineEntry> | null = null;
  private seen = -1;
  private zone = '';
  readonly out = new ChangingList<TimelineItem>();
  /** itemAt[i]: the index in out.list of entry i's item. */
  private itemAt = new Int32Array(1);
  /** The day state after the last entry of the previous run (an append continues from it). */
  private end = { at: -1, last: '', from: Infinity, until: -Infinity };

  /** Updates `out` for these entries (an array, or a ChangingList's list with its source); returns its version. */
  run(entries: readonly TimelineEntry[], zone: string, source?: ChangingList<TimelineEntry>): number {
    let d: number;
    if (zone !== this.zone) d = 0;
    else if (source) {
      if (source === this.inputCopyOf && source.version === this.seen) return this.out.version;
      d = source === this.inputCopyOf ? source.changedSince(this.seen) : 0;
    } else {
      if (entries === this.input && !this.inputCopyOf) return this.out.version;
      d = this.inputCopyOf ? 0 : firstDifference(this.input, entries);
    }
    this.zone = zone;
    this.input = entries;
    this.inputCopyOf = source ?? null;
    this.seen = source?.version ?? -1;
    if (this.itemAt.length < entries.length + 1) {
      const next = new Int32Array(Math.max(entries.length + 1, this.itemAt.length * 2));
      next.set(this.itemAt.subarray(0, d));
      this.itemAt = next;
    }
    const items = this.out.list;
    const kept = d === 0 ? 0 : this.itemAt[d - 1]! + 1;
    items.length = kept;
    let last = '';
    let from = Infinity;
    let until = -Infinity;
    if (d > 0 && d === this.end.at) ({ last, from, until } = this.end);
    else if (d > 0) {
      // The day of the last kept entry, as the full pass would have it at this point.
      const at = entries[d - 1]!.occurredAt;
      last = formatDate(at, zone);
      from = at;
      until = nextLocalMidnight(at, zone);
    }
    for (let i = d; i < entries.length; i++) {
      const entry = entries[i]!;
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
      this.itemAt[i] = items.length;
      items.push(itemOf(entry));
    }
    this.end = { at: entries.length, last, from, until };
    this.out.changed(kept);
    return this.out.version;
  }
}
