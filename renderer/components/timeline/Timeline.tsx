import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TimelineEntry } from '../../../shared/model.ts';
import { dayHeading, useTimeFormat, displayZone } from '../../hooks/timeFormat.ts';
import { formatOffset } from '../../../shared/time.ts';
import { TimelineRow, type RowActions } from './TimelineRow.tsx';
import { withDateSeparators, type TimelineItem } from './filter.ts';

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

/**
 * The virtualized timeline, newest at the bottom. When the reader is at the bottom it follows new
 * entries; when they scrolled up, the entry at the top of the view stays put (even when an entry
 * is inserted above it) and a pill counts what arrived below.
 */
export function Timeline({ entries, headSeq, nameOf, canEdit, selectedId, onSelect, editingId, onEditing, callbacks }: Props) {
  const fmt = useTimeFormat();
  const zone = displayZone(fmt);
  const items = useMemo(() => withDateSeparators(entries, zone), [entries, zone]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const prevCount = useRef(items.length);
  const [newBelow, setNewBelow] = useState(0);

  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]?.type === 'date' ? 34 : 54),
    getItemKey: (i) => items[i]?.key ?? i,
    overscan: 10,
  });

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

  const rememberAnchor = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (atBottom.current) setNewBelow(0);
    const first = v.getVirtualItems().find((it) => it.end > el.scrollTop);
    anchor.current = first ? { key: String(first.key), offset: first.start - el.scrollTop } : null;
  }, [v]);

  // Our own anchoring below replaces the library's size-change adjustment, so they never both apply.
  v.shouldAdjustScrollPositionOnItemSizeChange = () => false;

  const restoreAnchor = useCallback(() => {
    const a = anchor.current;
    const el = scrollRef.current;
    if (!a || !el) return;
    const index = items.findIndex((it) => it.key === a.key);
    const m = index >= 0 ? v.measurementsCache[index] : undefined;
    if (m && Math.abs(el.scrollTop - (m.start - a.offset)) >= 1) el.scrollTop = m.start - a.offset;
  }, [items, v]);

  useLayoutEffect(() => {
    const grew = items.length - prevCount.current;
    prevCount.current = items.length;
    if (items.length === 0 || atBottom.current) return;
    if (grew > 0) setNewBelow((n) => n + grew);
  }, [items]);

  // After new items or new row measurements: follow the end, or keep the reader's top row in place.
  const total = v.getTotalSize();
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || items.length === 0) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    else restoreAnchor();
  }, [total, items, restoreAnchor]);

  // Follow the selection made with j / k (only when it changes: new entries must not pull the view back to it).
  const latestItems = useRef(items);
  latestItems.current = items;
  useEffect(() => {
    if (!selectedId) return;
    const index = latestItems.current.findIndex((it) => it.key === selectedId);
    if (index >= 0) v.scrollToIndex(index, { align: 'auto' });
  }, [selectedId, v]);

  const jumpToEnd = () => {
    atBottom.current = true;
    setNewBelow(0);
    v.scrollToIndex(items.length - 1, { align: 'end' });
  };

  return (
    <div ref={scrollRef} className="timeline-scroll" data-testid="timeline" onScroll={rememberAnchor} tabIndex={0} role="region" aria-label="Timeline (j / k select an entry)">
      {items.length === 0 && <p className="muted" style={{ padding: 16 }}>No entries match.</p>}
      <div style={{ height: v.getTotalSize(), position: 'relative', width: '100%' }}>
        {v.getVirtualItems().map((vi) => {
          const item = items[vi.index] as TimelineItem;
          return (
            <div
              key={vi.key}
              data-index={vi.index}
              ref={v.measureElement}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${vi.start}px)` }}
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
            </div>
          );
        })}
      </div>
      {newBelow > 0 && (
        <button className="new-below" data-testid="new-below" onClick={jumpToEnd}>
          {newBelow} new ↓
        </button>
      )}
    </div>
  );
}
