import { useCallback, useMemo, useRef, useState, type Ref, type RefObject } from 'react';
import type { UserEntryKind } from '../../../shared/model.ts';
import { selectCanEdit, selectMembers, selectTimeline } from '../../store/index.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { useShortcuts } from '../../hooks/useShortcuts.ts';
import { pushToast } from '../../hooks/toasts.ts';
import { Timeline, type TimelineCallbacks } from '../timeline/Timeline.tsx';
import { TimelineFilters } from '../timeline/TimelineFilters.tsx';
import { Composer } from '../timeline/Composer.tsx';
import { EMPTY_FILTER, IncrementalFilter, isNarrowed, type TimelineFilter } from '../timeline/filter.ts';
import { report } from './report.ts';

interface Props {
  /** Set from outside (e.g. "History in the timeline" in the overview). */
  filterRequest?: { filter: TimelineFilter; n: number } | null;
  composerRef: RefObject<HTMLInputElement | null>;
  searchRef: Ref<HTMLInputElement>;
  kind: UserEntryKind;
  onKind: (k: UserEntryKind) => void;
}

export function TimelineContainer({ filterRequest = null, composerRef, searchRef, kind, onKind }: Props) {
  const store = useWarRoomStore();
  const timeline = useWarRoom(selectTimeline);
  const members = useWarRoom(selectMembers);
  const canEdit = useWarRoom(selectCanEdit);
  const utc = useWarRoom((s) => s.prefs.showUtc);
  const zone = useWarRoom((s) => s.prefs.timeZone);
  const headSeq = useWarRoom((s) => s.headSeq);
  const [filter, setFilter] = useState<TimelineFilter>(EMPTY_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [seenRequest, setSeenRequest] = useState(0);
  if (filterRequest && filterRequest.n !== seenRequest) {
    setSeenRequest(filterRequest.n);
    setFilter(filterRequest.filter);
  }
  // Incremental: a remote op that appends an entry filters that entry, not the whole timeline again.
  const filtered = useRef<IncrementalFilter>(null);
  filtered.current ??= new IncrementalFilter();
  const entriesVersion = useMemo(() => filtered.current!.run(timeline, filter), [timeline, filter]);
  const entriesSource = filtered.current.out;
  const entries = entriesSource.list;

  // Keyed on names only: a roster edit that renames nobody (availability, skills, zone) keeps nameOf,
  // so the memoized rows, which all take it, do not re-render.
  const namesKey = useMemo(() => JSON.stringify(members.map((m) => [m.id, m.name])), [members]);
  const names = useMemo(() => new Map(JSON.parse(namesKey) as [string, string][]), [namesKey]);
  const nameOf = useCallback((id: string) => names.get(id) ?? 'someone who left', [names]);

  const callbacks = useMemo<TimelineCallbacks>(() => {
    const a = () => store.getState();
    return {
      pin: (id, pinned) => report(a().pinEntry(id, pinned)),
      edit: (id, text) => report(a().editEntry(id, text)),
      remove: (id) => {
        if (!report(a().deleteEntry(id))) return;
        pushToast({ text: 'Entry deleted.', tone: 'info', action: { label: 'Undo', run: () => report(a().restoreEntry(id)) } });
      },
      restore: (id) => report(a().restoreEntry(id)),
    };
  }, [store]);

  const selected = selectedId === null ? null : entries.find((e) => e.id === selectedId) ?? null;
  const step = (d: 1 | -1) => {
    if (entries.length === 0) return;
    const at = selected ? entries.indexOf(selected) : d === 1 ? -1 : entries.length;
    const next = entries[Math.max(0, Math.min(entries.length - 1, at + d))];
    if (next) setSelectedId(next.id);
  };
  const userEntry = selected && ['note', 'update', 'decision', 'action'].includes(selected.kind) && selected.deletedAt === null;
  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    p: () => { if (selected && canEdit && selected.deletedAt === null) callbacks.pin(selected.id, !selected.pinned); },
    x: () => { if (userEntry && canEdit) callbacks.remove(selected.id); },
    Delete: () => { if (userEntry && canEdit) callbacks.remove(selected.id); },
    r: () => { if (selected && selected.deletedAt !== null && canEdit) callbacks.restore(selected.id); },
    Enter: (e) => {
      // Enter edits only from the timeline itself (or nowhere in particular), never from a card or a button.
      const t = e.target as HTMLElement | null;
      if (t && t !== document.body && !t.closest('[data-testid=timeline]')) return;
      if (t instanceof HTMLButtonElement) return;
      if (userEntry && canEdit) setEditingId(selected.id);
    },
  });

  // Stable callbacks, so the memoized filters and composer skip the re-render a remote op causes here.
  const post = useCallback((k: UserEntryKind, text: string, occurredAt: number | undefined) => {
    if (report(store.getState().addEntry(k, text, occurredAt))) {
      setFilter((f) => (isNarrowed(f) ? { ...EMPTY_FILTER, showJoins: f.showJoins, showDeleted: f.showDeleted } : f));
      // The kind is chosen per entry: a decision posted must not turn the next finding into one.
      onKind('note');
    }
  }, [store, onKind]);
  const onTyping = useCallback((t: boolean) => store.getState().setTyping(t), [store]);
  const onToggleUtc = useCallback(() => store.getState().toggleUtc(), [store]);

  return (
    <>
      <TimelineFilters
        filter={filter}
        onChange={setFilter}
        members={members}
        utc={utc}
        zone={zone}
        onToggleUtc={onToggleUtc}
        searchRef={searchRef}
        shown={isNarrowed(filter) ? entries.length : 0}
      />
      <Timeline
        entries={entries}
        entriesSource={entriesSource}
        entriesVersion={entriesVersion}
        headSeq={headSeq}
        nameOf={nameOf}
        canEdit={canEdit}
        selectedId={selectedId}
        onSelect={setSelectedId}
        editingId={editingId}
        onEditing={setEditingId}
        callbacks={callbacks}
      />
      {canEdit ? (
        <Composer
          ref={composerRef}
          kind={kind}
          onKind={onKind}
          disabled={false}
          onPost={post}
          onTyping={onTyping}
        />
      ) : (
        <p className="readonly-bar" data-testid="readonly-bar" role="note">
          <strong>Read-only.</strong> Your invite lets you follow, search and export this incident; ask the incident lead for a responder invite to write.
        </p>
      )}
    </>
  );
}
