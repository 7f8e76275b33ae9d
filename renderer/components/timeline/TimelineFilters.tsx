import { memo, type Ref } from 'react';
import { ENTRY_KINDS, type EntryKind, type Member } from '../../../shared/model.ts';
import { isNarrowed, type TimelineFilter } from './filter.ts';

interface Props {
  filter: TimelineFilter;
  onChange: (f: TimelineFilter) => void;
  members: Member[];
  utc: boolean;
  onToggleUtc: () => void;
  zone: string;
  searchRef?: Ref<HTMLInputElement>;
  shown: number;
}

/** Memoized: with stable callbacks a remote op does not re-render (and re-set) the filter inputs. */
export const TimelineFilters = memo(function TimelineFilters({ filter, onChange, members, utc, onToggleUtc, zone, searchRef, shown }: Props) {
  const set = (patch: Partial<TimelineFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="timeline-filters" data-testid="timeline-filters">
      <input
        ref={searchRef}
        type="search"
        placeholder="Search (/)"
        aria-label="Search the timeline"
        data-testid="timeline-search"
        value={filter.search}
        onChange={(e) => set({ search: e.target.value })}
        onKeyDown={(e) => { if (e.key === 'Escape') { set({ search: '' }); e.currentTarget.blur(); } }}
      />
      <select aria-label="Filter by kind" data-testid="filter-kind" value={filter.kind} onChange={(e) => set({ kind: e.target.value as EntryKind | 'all' })}>
        <option value="all">all kinds</option>
        {ENTRY_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
      </select>
      <select aria-label="Filter by author" data-testid="filter-author" value={filter.authorId ?? ''} onChange={(e) => set({ authorId: e.target.value || null })}>
        <option value="">everyone</option>
        {members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
      </select>
      <label className="inline"><input type="checkbox" data-testid="filter-pinned" checked={filter.pinnedOnly} onChange={(e) => set({ pinnedOnly: e.target.checked })} /> pinned</label>
      <label className="inline" title="Status, role and help rows (key moments always show)"><input type="checkbox" data-testid="filter-system" checked={filter.showSystem} onChange={(e) => set({ showSystem: e.target.checked })} /> system</label>
      <label className="inline" title="“… joined” rows"><input type="checkbox" data-testid="filter-joins" checked={filter.showJoins} onChange={(e) => set({ showJoins: e.target.checked })} /> joins</label>
      <label className="inline"><input type="checkbox" data-testid="filter-deleted" checked={filter.showDeleted} onChange={(e) => set({ showDeleted: e.target.checked })} /> deleted</label>
      <span className="grow" />
      {isNarrowed(filter) && <span className="muted" data-testid="filter-count">{shown} shown</span>}
      <button onClick={onToggleUtc} data-testid="utc-toggle" aria-pressed={utc} title={utc ? `Showing UTC; press u for ${zone}` : 'Showing your time zone; press u for UTC'}>
        {utc ? 'UTC' : zone.split('/').pop()!.replace(/_/g, ' ')}
      </button>
    </div>
  );
});
