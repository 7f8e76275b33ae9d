import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import type { TimelineEntry } from '../../../shared/model.ts';
import { dayHeading, useTimeFormat, displayZone } from '../../hooks/timeFormat.ts';
import { formatOffset } from '../../../shared/time.ts';
import { TimelineRow, type RowActions } from './TimelineRow.tsx';
import { IncrementalSeparators, type TimelineItem } from './filter.ts';
import { RowLayout } from './rowLayout.ts';

export interface TimelineCallbacks {
  pin: (id: string, pinned: boolean) => void;
  edit: (id: string, text: string) => void;
  remove: (id: string) => void;
  restore: (id: string) => void;
}

interface Props {
  entries: readonly TimelineEntry[];
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
const OVERSCAN = 8;
/** Close to the real heights (app.css): a note row with one line of text and its meta line; a system row; a date. */
const estimateSize = (item: TimelineItem): number => (item.type === 'date' ? 34 : item.entry.kind === 'status' || item.entry.kind === 'role' || item.entry.kind === 'system' || item.entry.kind === 'help' ? 26 : 54);

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
export function Timeline({ entries, headSeq, nameOf, canEdit, selectedId, onSelect, editingId, onEditing, callbacks }: Props) {
  const fmt = useTimeFormat();
  const zone = displayZone(fmt);
  const separators = useRef<IncrementalSeparators>(null);
  separators.current ??= new IncrementalSeparators();
  const items = useMemo(() => separators.current!.run(entries, zone), [entries, zone]);
  const layoutRef = useRef<RowLayout<TimelineItem>>(null);
  layoutRef.current ??= new RowLayout<TimelineItem>(estimateSize);
  const layout = layoutRef.current;
  layout.setItems(items);
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
  const { first, last } = layout.range(top, height || 600, OVERSCAN);
  const rendered = useRef({ first, last });
  rendered.current = { first, last };

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
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((records) => {
      if (measure(records.map((r) => r.target as HTMLElement))) relayout();
    });
    observer.current = ro;
    return () => {
      ro.disconnect();
      observer.current = null;
    };
  }, [measure]);
  const rowRef = useCallback((el: HTMLDivElement | null) => {
    if (!el) return;
    fresh.current.push(el);
    observer.current?.observe(el);
  }, []);

  const rememberAnchor = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
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
  }, [items]);

  // After every render: measure the rows that mounted, then follow the end or keep the reader's top row in place.
  useLayoutEffect(() => {
    const els = fresh.current;
    fresh.current = [];
    if (els.length > 0 && measure(els)) {
      relayout();
      return;
    }
    const el = scrollRef.current;
    if (!el || items.length === 0) return;
    if (atBottom.current) {
      if (el.scrollHeight - el.scrollTop - el.clientHeight >= 1) el.scrollTop = el.scrollHeight;
    } else if (Math.abs(el.scrollTop - top) >= 1) el.scrollTop = top;
    if (!view.height && el.clientHeight) setView({ top: el.scrollTop, height: el.clientHeight });
  });

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
    rows.push(
      <div
        key={item.key}
        data-index={index}
        data-key={item.key}
        ref={rowRef}
        className="timeline-row"
        style={{ transform: `translateY(${layout.start(index)}px)` }}
      >
        {item.type === 'date' ? (
          <div className="date-sep" data-testid="date-separator" data-date={item.label}>
            <span>{dayHeading(item.at, fmt)}</span>
            <span className="date-zone">{fmt.utc ? 'UTC' : `${zone} · ${formatOffset(item.at, zone)}`}</span>
          </div>
        ) : (
          <TimelineRow
            entry={item.entry}
            authorName={nameOf(item.entry.authorId)}
            nameOf={nameOf}
            zone={fmt.zone}
            utc={fmt.utc}
            selected={item.entry.id === selectedId}
            editing={item.entry.id === editingId}
            pending={item.entry.seq > headSeq}
            canEdit={canEdit}
            actions={actions}
          />
        )}
      </div>,
    );
  }

  return (
    <div ref={scrollRef} className="timeline-scroll" data-testid="timeline" onScroll={rememberAnchor} tabIndex={0} role="region" aria-label="Timeline (j / k select an entry)">
      {items.length === 0 && <p className="muted" style={{ padding: 16 }}>No entries match.</p>}
      <div className="timeline-rows" style={{ height: total }}>
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
