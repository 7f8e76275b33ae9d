/**
 * Row positions for the virtualized timeline, kept incrementally.
 *
 * Sizes are cached by row key (an entry's id, a date's key), so a row measured once keeps its
 * height when rows are added, filtered or re-rendered around it. Aligning with a new row list
 * costs a reference scan to the first key that changed plus work for the rows from there on: an
 * appended entry recomputes one start, not every row's (the library virtualizer rebuilt all of
 * them on every count change). A measurement recomputes the starts below the measured row only.
 *
 * A deviation from "use the library for virtualization", on purpose and measured (issue 15):
 * @tanstack/react-virtual 3's getMeasurements() starts again from row 0 whenever the count changes
 * (virtual-core `min = pendingMin ?? 0`), so each appended entry cost O(rows) in key lookups and
 * size estimates: one remote op went from 10.6 ms at 1k entries to 44 ms at 50k (4.15×). With this
 * layout the same bench measures 1.04× (docs/PERFORMANCE.md, renderer). It does one job only (row
 * starts from cached sizes); scrolling, measuring and rendering stay in Timeline.tsx.
 */
import type { ChangingList } from './filter.ts';

export interface LayoutItem { key: string }

export class RowLayout<T extends LayoutItem> {
  private keys: string[] = [];
  private sizes = new Float64Array(64);
  /** starts[i] is row i's top; starts[count] is the total height. */
  private starts = new Float64Array(65);
  private readonly measured = new Map<string, number>();
  private readonly indexOf = new Map<string, number>();
  /** First row whose start is stale (after measurements), or -1. */
  private dirtyFrom = -1;
  private items: readonly T[] = [];
  count = 0;

  private readonly estimate: (item: T) => number;

  constructor(estimate: (item: T) => number) {
    this.estimate = estimate;
  }

  /** Aligns with `items` (a no-op for the list already aligned with), finding the first change by a key scan. */
  setItems(items: readonly T[]): void {
    if (items === this.items && !this.source) return;
    const lim = Math.min(items.length, this.count);
    let d = 0;
    if (!this.source) while (d < lim && this.keys[d] === items[d]!.key) d++;
    this.source = null;
    this.align(items, d);
  }

  /** Aligns with a list kept in place, from where it says it changed since last seen (no scan). */
  sync(source: ChangingList<T>): void {
    if (source === this.source && source.version === this.seen) return;
    const d = source === this.source ? source.changedSince(this.seen) : 0;
    this.source = source;
    this.seen = source.version;
    this.align(source.list, d);
  }

  private source: ChangingList<T> | null = null;
  private seen = -1;

  private align(items: readonly T[], from: number) {
    const n = items.length;
    const d = Math.min(from, n, this.count);
    this.items = items;
    if (d === n && n === this.count) return;
    this.grow(n);
    const keys = this.keys;
    keys.length = n;
    for (let i = d; i < n; i++) {
      const item = items[i]!;
      keys[i] = item.key;
      this.sizes[i] = this.measured.get(item.key) ?? this.estimate(item);
      this.indexOf.set(item.key, i);
    }
    this.count = n;
    this.restart(d);
  }

  /** Records a row's measured height; true when it changed the layout. Call flush() after a batch. */
  setSize(key: string, size: number): boolean {
    if (!(size > 0)) return false;
    this.measured.set(key, size);
    const i = this.index(key);
    if (i < 0 || this.sizes[i] === size) return false;
    this.sizes[i] = size;
    this.restart(i);
    return true;
  }

  /** The row index of a key in the current list, or -1. */
  index(key: string): number {
    const i = this.indexOf.get(key);
    return i !== undefined && i < this.count && this.keys[i] === key ? i : -1;
  }

  start(i: number): number {
    this.flush();
    return this.starts[i] ?? 0;
  }

  size(i: number): number {
    return this.sizes[i] ?? 0;
  }

  total(): number {
    this.flush();
    return this.starts[this.count] ?? 0;
  }

  /** The first row whose bottom is below `y` (binary search). */
  rowAt(y: number): number {
    this.flush();
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid + 1]! <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rows [first, last] intersecting [top, top + height), widened by `overscan` rows each side. */
  range(top: number, height: number, overscan: number): { first: number; last: number } {
    if (this.count === 0) return { first: 0, last: -1 };
    const a = this.rowAt(Math.max(0, top));
    const b = this.rowAt(Math.max(0, top + Math.max(height, 1) - 0.5));
    return { first: Math.max(0, a - overscan), last: Math.min(this.count - 1, b + overscan) };
  }

  /** Recomputes stale starts (one pass from the first stale row). */
  flush(): void {
    const d = this.dirtyFrom;
    if (d < 0) return;
    this.dirtyFrom = -1;
    const { starts, sizes } = this;
    for (let i = d; i < this.count; i++) starts[i + 1] = starts[i]! + sizes[i]!;
  }

  private restart(i: number) {
    if (this.dirtyFrom < 0 || i < this.dirtyFrom) this.dirtyFrom = i;
  }

  private grow(n: number) {
    if (n <= this.sizes.length) return;
    let cap = this.sizes.length;
    while (cap < n) cap *= 2;
    const sizes = new Float64Array(cap);
    sizes.set(this.sizes.subarray(0, this.count));
    const starts = new Float64Array(cap + 1);
    starts.set(this.starts.subarray(0, this.count + 1));
    this.sizes = sizes;
    this.starts = starts;
  }
}
