import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import type { TimelineEntry } from '../../../shared/model.ts';
import { dayHeading, useTimeFormat, displayZone, type TimeFormat } from '../../hooks/timeFormat.ts';
import { formatOffset } from '../../../shared/time.ts';
import { TimelineRow, type RowActions } from './TimelineRow.tsx';
import { IncrementalSeparators, type ChangingList, type TimelineItem } from './filter.ts';
import { RowLayout } from './rowLayout.ts';

export interface TimelineCallbacks {
  pin: (id: string, pinned: boolean) => void;
  edit: (id: string, text: string) => void;
  remove: (id: string) => void;
  restore: (id: string) => void;
}

interface Props {
  entries: readonly TimelineEntry[];
  /**
   * When `entries` is a list kept in place (IncrementalFilter), its ChangingList and version: the
   * timeline then updates from where it changed. Without them `entries` must be a new array per change.
   */
  entriesSource?: ChangingList<TimelineEntry>;
  entriesVersion?: number;
  /** Entries with a seq above this are still pending (optimistic). */
  headSeq: number;
  nameOf: (id: string) => string;
  canEdit: boolean;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  editingId: string | null;
  onEditing: (id: string | null) => void;
  callbacks: TimelineCallbacks;
}

/** Within this many pixels of the end counts as "at the bottom": new entries then scroll into view. */
const STICK_PX = 48;
/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 5;
const SYSTEM_ROWS = new Set(['status', 'role', 'system', 'help']);
/**
 * Close to the real heights (app.css at a desktop width): a date heading 31 px; a system row 44 px;
 * a user row 31 px of padding and meta plus 20 px per line of text at about 72 characters a line.
 * Measuring corrects each row once, so a close guess mostly saves a second layout per new row.
 */
const estimateSize = (item: TimelineItem): number => {
  if (item.type === 'date') return 31.4;
  if (SYSTEM_ROWS.has(item.entry.kind)) return 43.7;
  return 31.4 + 20.3 * Math.max(1, Math.ceil(item.entry.text.length / 72));
};

/** A date heading (Intl formatting: memoized, so an op re-renders none of them). */
const DateSeparator = memo(function DateSeparator({ label, at, zone, fmt }: { label: string; at: number; zone: string; fmt: TimeFormat }) {
  return (
    <div className="date-sep" data-testid="date-separator" data-date={label}>
      <span>{dayHeading(at, fmt)}</span>
      <span className="date-zone">{fmt.utc ? 'UTC' : `${zone} · ${formatOffset(at, zone)}`}</span>
    </div>
  );
});

interface VirtualRowProps {
  item: TimelineItem;
  index: number;
  start: number;
  rowRef: (el: HTMLDivElement) => () => void;
  fmt: TimeFormat;
  zone: string;
  authorName: string;
  nameOf: (id: string) => string;
  selected: boolean;
  editing: boolean;
  pending: boolean;
  canEdit: boolean;
  actions: RowActions;
}

/** One positioned row of the window. Memoized: an op re-renders the rows it moved or changed only. */
const VirtualRow = memo(function VirtualRow({ item, index, start, rowRef, fmt, zone, authorName, nameOf, selected, editing, pending, canEdit, actions }: VirtualRowProps) {
  return (
    <div data-index={index} data-key={item.key} ref={rowRef} className="timeline-row" style={{ transform: `translateY(${start}px)` }}>
      {item.type === 'date' ? (
        <DateSeparator label={item.label} at={item.at} zone={zone} fmt={fmt} />
      ) : (
        <TimelineRow
          entry={item.entry}
          authorName={authorName}
          nameOf={nameOf}
          zone={fmt.zone}
          utc={fmt.utc}
          selected={selected}
          editing={editing}
          pending={pending}
          canEdit={canEdit}
          actions={actions}
        />
      )}
    </div>
  );
});

const heightOf = (el: HTMLElement): number => el.getBoundingClientRect().height || el.offsetHeight;

/**
 * The virtualized timeline, newest at the bottom. When the reader is at the bottom it follows new
 * entries; when they scrolled up, the entry at the top of the view stays put (even when an entry
 * is inserted above it) and a pill counts what arrived below.
 *
 * Rows are positioned from a RowLayout: heights measured once per row key (a ResizeObserver
 * reports later changes), starts updated from the first changed row only, so a remote op that
 * appends an entry costs the rows it adds, not a pass over the whole timeline.
 */
export function Timeline({ entries, entriesSource, entriesVersion, headSeq, nameOf, canEdit, selectedId, onSelect, editingId, onEditing, callbacks }: Props) {
  const fmt = useTimeFormat();
  const zone = displayZone(fmt);
  const separators = useRef<IncrementalSeparators>(null);
  separators.current ??= new IncrementalSeparators();
  // entriesVersion is a dependency on purpose: a list kept in place changes without a new identity.
  const itemsVersion = useMemo(() => separators.current!.run(entries, zone, entriesSource), [entries, zone, entriesSource, entriesVersion]);
  const items = separators.current.out.list;
  const layoutRef = useRef<RowLayout<TimelineItem>>(null);
  layoutRef.current ??= new RowLayout<TimelineItem>(estimateSize);
  const layout = layoutRef.current;
  layout.sync(separators.current.out);
  const latestItems = useRef(items);
  latestItems.current = items;
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const prevCount = useRef(items.length);
  const [newBelow, setNewBelow] = useState(0);
  // What the scroller last reported (scrollTop, clientHeight); a change of the rendered range re-renders.
  const [view, setView] = useState({ top: 0, height: 0 });
  const [, relayout] = useReducer((x: number) => x + 1, 0);

  // Where the view will be once the layout effect below has scrolled: the end, the anchor, or as is.
  const total = layout.total();
  const height = view.height || scrollRef.current?.clientHeight || 0;
  let top = view.top;
  if (atBottom.current) top = Math.max(0, total - height);
  else if (anchor.current) {
    const i = layout.index(anchor.current.key);
    if (i >= 0) top = Math.max(0, layout.start(i) - anchor.current.offset);
  }
  const need = layout.range(top, height || 600, OVERSCAN);
  // Keep rows that are already mounted while they stay within another OVERSCAN of the view: an
  // appended entry then mounts one row and unmounts none, most of the time.
  const rendered = useRef({ first: 0, last: -1, height: 0 });
  const prev = rendered.current;
  const first = prev.last >= prev.first && prev.first <= need.first && need.first - prev.first <= 2 * OVERSCAN ? prev.first : need.first;
  const last = need.last;
  rendered.current = { first, last, height };

  const cb = useRef(callbacks);
  cb.current = callbacks;
  const actions = useMemo<RowActions>(() => ({
    select: (id) => onSelect(id),
    pin: (id, pinned) => cb.current.pin(id, pinned),
    startEdit: (id) => onEditing(id),
    saveEdit: (id, text) => { onEditing(null); cb.current.edit(id, text); },
    cancelEdit: () => onEditing(null),
    remove: (id) => cb.current.remove(id),
    restore: (id) => cb.current.restore(id),
  }), [onSelect, onEditing]);

  // Row measuring: new rows are measured in the layout effect (one layout read for all of them);
  // later size changes (an edit, the history opened, a narrower window) come from a ResizeObserver.
  const fresh = useRef<HTMLElement[]>([]);
  const observer = useRef<ResizeObserver | null>(null);
  const measure = useCallback((els: readonly HTMLElement[]): boolean => {
    const l = layoutRef.current!;
    let changed = false;
    for (const el of els) {
      const key = el.dataset.key;
      if (key !== undefined && el.isConnected) changed = l.setSize(key, heightOf(el)) || changed;
    }
    return changed;
  }, []);
  const mounted = useRef(new Set<HTMLElement>());
  const inner = useRef<HTMLDivElement>(null);
  /** The total height the view last followed to the end of, and the scrollTop last seen or set. */
  const followed = useRef(-1);
  const lastTop = useRef(0);
  /** The scroller's clientHeight, read on scroll and when it resizes (reading it here would force a layout). */
  const viewHeight = useRef(0);
  /**
   * Scrolls to the end (when the reader is there) or keeps the anchor row in place, writing
   * scrollTop only when the target moved: every write forces a layout.
   */
  const follow = useCallback(() => {
    const el = scrollRef.current;
    const l = layoutRef.current!;
    if (!el || l.count === 0) return;
    const total = l.total();
    if (atBottom.current) {
      if (followed.current !== total) {
        followed.current = total;
        const want = Math.max(0, total - viewHeight.current);
        el.scrollTop = want;
        lastTop.current = want;
      }
      return;
    }
    followed.current = -1;
    const a = anchor.current;
    const i = a ? l.index(a.key) : -1;
    if (!a || i < 0) return;
    const want = Math.max(0, l.start(i) - a.offset);
    if (Math.abs(want - lastTop.current) >= 1) {
      el.scrollTop = want;
      lastTop.current = want;
    }
  }, []);
  const observe = useCallback((el: HTMLElement) => {
    if (typeof ResizeObserver === 'undefined') return;
    observer.current ??= new ResizeObserver((records) => {
      const l = layoutRef.current!;
      let changed = false;
      for (const r of records) {
        const el = r.target as HTMLElement;
        if (el === scrollRef.current) {
          viewHeight.current = el.clientHeight;
          if (el.clientHeight !== rendered.current.height) flushSync(() => setView({ top: el.scrollTop, height: el.clientHeight }));
          continue;
        }
        const key = el.dataset.key;
        const size = r.borderBoxSize?.[0]?.blockSize ?? heightOf(el);
        if (key !== undefined && el.isConnected) changed = l.setSize(key, size) || changed;
      }
      if (changed) {
        // Before paint, straight in the DOM (no React render): the rows below a measured one move,
        // the content height follows. React's next render writes the same values.
        for (const row of mounted.current) {
          const i = l.index(row.dataset.key ?? '');
          if (i < 0) continue;
          const t = `translateY(${l.start(i)}px)`;
          if (row.style.transform !== t) row.style.transform = t;
        }
        if (inner.current) inner.current.style.height = `${l.total()}px`;
      }
      follow();
      if (changed) {
        // Rows that shrank may leave a gap in the window: render the rows that now fit.
        const sc = scrollRef.current;
        const shown = rendered.current;
        const r = sc ? l.range(lastTop.current, sc.clientHeight, 0) : shown;
        if (r.first < shown.first || r.last > shown.last) flushSync(relayout);
      }
    });
    observer.current.observe(el);
  }, [follow]);
  useEffect(() => () => {
    observer.current?.disconnect();
    observer.current = null;
  }, []);
  const rowRef = useCallback((el: HTMLDivElement) => {
    fresh.current.push(el);
    mounted.current.add(el);
    observe(el);
    return () => {
      mounted.current.delete(el);
      observer.current?.unobserve(el);
    };
  }, [observe]);

  const rememberAnchor = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    lastTop.current = el.scrollTop;
    viewHeight.current = el.clientHeight;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (atBottom.current) setNewBelow(0);
    const l = layoutRef.current!;
    const i = l.rowAt(el.scrollTop);
    const item = i >= 0 ? latestItems.current[i] : undefined;
    anchor.current = item ? { key: item.key, offset: l.start(i) - el.scrollTop } : null;
    const r = l.range(el.scrollTop, el.clientHeight || 600, OVERSCAN);
    const shown = rendered.current;
    // Re-render only when rows must enter (or may leave) the window.
    if (r.first < shown.first || r.last > shown.last || r.first > shown.first + OVERSCAN || r.last < shown.last - OVERSCAN || el.clientHeight !== view.height) {
      setView({ top: el.scrollTop, height: el.clientHeight });
    }
  }, [view.height]);

  useLayoutEffect(() => {
    const grew = items.length - prevCount.current;
    prevCount.current = items.length;
    if (items.length === 0 || atBottom.current) return;
    if (grew > 0) setNewBelow((n) => n + grew);
  }, [items, itemsVersion]);

  // After every render: measure the rows that mounted, then follow the end or keep the reader's top row in place.
  useLayoutEffect(() => {
    const els = fresh.current;
    fresh.current = [];
    // With a ResizeObserver the new rows are measured by it after the browser's own layout (no
    // forced layout here); without one (tests) they are read now.
    if (els.length > 0 && !observer.current && measure(els)) {
      relayout();
      return;
    }
    // New rows: the observer measures them after the browser's layout and follows from there.
    if (els.length === 0 || !observer.current) follow();
  });
  // The scroller: its height once, then from the observer when it resizes.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    viewHeight.current = el.clientHeight;
    if (el.clientHeight) setView({ top: el.scrollTop, height: el.clientHeight });
    followed.current = -1;
    follow();
    if (typeof ResizeObserver !== 'undefined') observe(el);
  }, [follow, observe]);

  // Follow the selection made with j / k (only when it changes: new entries must not pull the view back to it).
  useEffect(() => {
    if (!selectedId) return;
    const l = layoutRef.current!;
    const index = l.index(selectedId);
    const el = scrollRef.current;
    if (index < 0 || !el) return;
    const a = l.start(index);
    const b = a + l.size(index);
    if (a < el.scrollTop) el.scrollTop = a;
    else if (b > el.scrollTop + el.clientHeight) el.scrollTop = b - el.clientHeight;
  }, [selectedId]);

  const jumpToEnd = () => {
    atBottom.current = true;
    setNewBelow(0);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    relayout();
  };

  const rows: ReactNode[] = [];
  for (let index = first; index <= last; index++) {
    const item = items[index]!;
    const entry = item.type === 'entry' ? item.entry : null;
    rows.push(
      <VirtualRow
        key={item.key}
        item={item}
        index={index}
        start={layout.start(index)}
        rowRef={rowRef}
        fmt={fmt}
        zone={zone}
        authorName={entry ? nameOf(entry.authorId) : ''}
        nameOf={nameOf}
        selected={entry !== null && entry.id === selectedId}
        editing={entry !== null && entry.id === editingId}
        pending={entry !== null && entry.seq > headSeq}
        canEdit={canEdit}
        actions={actions}
      />,
    );
  }

  return (
    <div ref={scrollRef} className="timeline-scroll" data-testid="timeline" onScroll={rememberAnchor} tabIndex={0} role="region" aria-label="Timeline (j / k select an entry)">
      {items.length === 0 && <p className="muted" style={{ padding: 16 }}>No entries match.</p>}
      <div ref={inner} className="timeline-rows" style={{ height: total }}>
        {rows}
      </div>
      {newBelow > 0 && (
        <button className="new-below" data-testid="new-below" onClick={jumpToEnd}>
          {newBelow} new ↓
        </button>
      )}
    </div>
  );
}
