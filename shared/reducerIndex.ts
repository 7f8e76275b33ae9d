/**
 * An id index for timeline arrays, kept beside them (a WeakMap keyed by the array), so apply()
 * finds an entry, or proves an id is new, in O(log n) instead of scanning the whole timeline.
 *
 * It is a cache, never state: apply() stays pure (no input changes; the index is invisible in the
 * result) and deterministic (a lookup answers exactly what a scan would). The index maps an id to
 * the entry's sort key (occurredAt, seq), which never changes for an id (edits, pins and deletes
 * keep both), and the timeline is kept sorted by that key, so a binary search finds the position.
 * Because a key does not depend on positions, every version derived from an indexed array (an
 * append, an insert anywhere, a replacement, a copy, an in-place fold) shares the same Map and
 * adds at most one key: deriving costs O(1), not a rebuild.
 *
 * Why lookups stay exact although versions and sibling branches share a Map: a key is written for
 * an id once per Map (a different key for the same id forks: the new array gets no index and
 * builds its own on first use), and every id in an indexed array got its key when that array or an
 * ancestor was indexed. So a hit is confirmed by reading the array, and a miss means absent. The
 * recorded length catches arrays changed in place behind the index's back (it is rebuilt); an
 * array found unsorted when built is answered by a scan.
 */
import type { TimelineEntry } from './model.ts';

type Timeline = readonly TimelineEntry[];

interface Indexed {
  /** id → the entry as first indexed: only its occurredAt and seq are read. */
  keys: Map<string, TimelineEntry>;
  length: number;
  sorted: boolean;
}

const indexes = new WeakMap<Timeline, Indexed>();

const before = (a: TimelineEntry, occurredAt: number, seq: number) => a.occurredAt < occurredAt || (a.occurredAt === occurredAt && a.seq < seq);

function build(timeline: Timeline): Indexed {
  const keys = new Map<string, TimelineEntry>();
  let sorted = true;
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i]!;
    keys.set(e.id, e);
    if (i > 0 && before(e, timeline[i - 1]!.occurredAt, timeline[i - 1]!.seq)) sorted = false;
  }
  const ix = { keys, length: timeline.length, sorted };
  indexes.set(timeline, ix);
  return ix;
}

function current(timeline: Timeline): Indexed | null {
  const ix = indexes.get(timeline);
  return ix && ix.length === timeline.length ? ix : null;
}

function scan(timeline: Timeline, id: string): number {
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.id === id) return i;
  return -1;
}

/** Position of the entry with this id, or -1. Same answer as a scan (ids are unique in a timeline). */
export function entryIndex(timeline: Timeline, id: string): number {
  const ix = current(timeline) ?? build(timeline);
  const key = ix.keys.get(id);
  if (key === undefined) return -1;
  if (!ix.sorted) return scan(timeline, id);
  let lo = 0;
  let hi = timeline.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(timeline[mid]!, key.occurredAt, key.seq)) lo = mid + 1;
    else hi = mid;
  }
  // Entries of one op share a key (system rows): look through the run of equal keys.
  for (let i = lo; i < timeline.length; i++) {
    const e = timeline[i]!;
    if (e.occurredAt !== key.occurredAt || e.seq !== key.seq) break;
    if (e.id === id) return i;
  }
  return -1;
}

/**
 * Records that `next` is `prev` with `entry` inserted or replaced (same id, same key) — or, with
 * no entry, an exact copy. `prev` may be `next` itself, changed in place (`prevLength` is then its
 * length before). When that cannot be recorded, `next` simply has no index until its first lookup.
 */
export function indexDerived(prev: Timeline, prevLength: number, next: Timeline, entry: TimelineEntry | null): void {
  const ix = indexes.get(prev);
  if (!ix || ix.length !== prevLength) {
    if (prev === next) indexes.delete(next);
    return;
  }
  if (entry) {
    const known = ix.keys.get(entry.id);
    if (known === undefined) ix.keys.set(entry.id, entry);
    else if (known.occurredAt !== entry.occurredAt || known.seq !== entry.seq) {
      if (prev === next) indexes.delete(next);
      return;
    }
  }
  indexes.set(next, { keys: ix.keys, length: next.length, sorted: ix.sorted });
}
