import type { IncidentState, KeyMoment, TimelineEntry } from '../../../shared/model.ts';
import { formatDuration } from '../../../shared/time.ts';
import { fullLabel, useTimeFormat, whenLabel } from '../../hooks/timeFormat.ts';

export const MOMENT_LABEL: Record<KeyMoment, string> = {
  'impact-started': 'Impact started', detected: 'Detected', declared: 'Declared', acknowledged: 'Acknowledged',
  severity: 'Severity', handover: 'Hand-over', status: 'Status', mitigated: 'Mitigated', resolved: 'Resolved', reopened: 'Reopened',
};

export interface OpenItems {
  tasks: number;
  help: number;
  actions: number;
}

export function openItemsOf(s: IncidentState): OpenItems {
  return {
    tasks: Object.values(s.tasks).filter((t) => t.deletedAt === null && t.column !== 'done').length,
    help: Object.values(s.help).filter((h) => h.status === 'open' || h.status === 'acknowledged').length,
    actions: s.postmortem.actionItems.filter((a) => a.deletedAt === null && a.status === 'open').length,
  };
}

export const keyMoments = (timeline: readonly TimelineEntry[]): TimelineEntry[] => timeline.filter((e) => e.moment !== null && e.deletedAt === null);

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

interface Props {
  state: IncidentState;
  onPostmortem: (() => void) | null;
  /** Viewers read the postmortem; the others write it. */
  canEdit?: boolean;
}

/** What a resolved incident amounts to: how long, the moments that mattered, and what is still open. */
export function ResolutionSummary({ state, onPostmortem, canEdit = true }: Props) {
  const fmt = useTimeFormat();
  const end = state.resolvedAt ?? state.firstResolvedAt;
  const moments = keyMoments(state.timeline);
  const open = openItemsOf(state);
  const mitigated = state.mitigatedAt !== null ? state.mitigatedAt - state.startedAt : null;
  return (
    <div className="resolution" data-testid="resolution-summary">
      <dl className="resolution-figures">
        <div><dt>Duration</dt><dd data-testid="resolution-duration">{end !== null ? formatDuration(end - state.startedAt) : '—'}</dd></div>
        <div><dt>Time to mitigate</dt><dd>{mitigated !== null && mitigated >= 0 ? formatDuration(mitigated) : '—'}</dd></div>
        <div><dt>Responders</dt><dd>{Object.keys(state.members).length}</dd></div>
      </dl>
      <h3>Key moments</h3>
      <ol className="moments" data-testid="resolution-moments">
        {moments.map((e) => (
          <li key={e.id}>
            <time dateTime={new Date(e.occurredAt).toISOString()} title={fullLabel(e.occurredAt, fmt)}>{whenLabel(e.occurredAt, fmt, state.startedAt)}</time>
            <span className="moment-tag">{MOMENT_LABEL[e.moment!]}</span>
            <span className="grow">{e.text}</span>
          </li>
        ))}
      </ol>
      <h3>Still open</h3>
      <p data-testid="resolution-open">
        {open.tasks + open.help + open.actions === 0 ? 'Nothing: every task is done and every help request closed.'
          : [open.tasks > 0 && plural(open.tasks, 'task'), open.help > 0 && plural(open.help, 'help request'), open.actions > 0 && plural(open.actions, 'action item')]
            .filter(Boolean).join(', ') + ' still open.' + (open.tasks + open.help > 0 ? ' Carry what matters into the postmortem’s action items.' : '')}
      </p>
      {onPostmortem && (
        <button className="primary" onClick={onPostmortem} data-testid="resolution-postmortem">{canEdit ? 'Write the postmortem' : 'Read the postmortem'}</button>
      )}
    </div>
  );
}
