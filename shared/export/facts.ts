/**
 * The numbers a postmortem reader asks for first: the key timestamps, the response metrics, who held
 * each role when, and whether stakeholder updates kept to the cadence. Derived from the folded
 * state only, so every format (and the screen) says the same thing.
 */
import {
  cadenceMinutes, formatDuration, memberName, ROLES, type HelpRequest, type IncidentRole, type IncidentState, type TimelineEntry,
} from './deps.ts';

export interface KeyTime {
  label: string;
  at: number | null;
  /** Where the time comes from, or why it is missing. */
  note: string;
}

export interface Metric {
  label: string;
  /** "23m", or null when a time it needs is not recorded. */
  value: string | null;
  note: string;
}

export interface RoleHistoryRow {
  role: IncidentRole;
  name: string;
  from: number;
  to: number | null;
  held: string;
}

export interface UpdateGap {
  /** The update that closed the gap, or null for the gap still open at the end. */
  entry: TimelineEntry | null;
  from: number;
  to: number;
  /** Time the incident was not resolved inside the gap (a resolved stretch expects no updates). */
  openMs: number;
  late: boolean;
}

export interface UpdatesReport {
  cadenceMin: number;
  gaps: UpdateGap[];
  late: UpdateGap[];
}

/** Moments where the status went from resolved back to open. */
export function reopens(s: IncidentState): number[] {
  const out: number[] = [];
  for (let i = 1; i < s.statusHistory.length; i++) {
    if (s.statusHistory[i - 1]!.status === 'resolved' && s.statusHistory[i]!.status !== 'resolved') out.push(s.statusHistory[i]!.at);
  }
  return out;
}

/** Milliseconds in [from, to] during which the incident was not resolved. */
export function openMs(s: IncidentState, from: number, to: number): number {
  let total = 0;
  const h = s.statusHistory;
  for (let i = 0; i < h.length; i++) {
    if (h[i]!.status === 'resolved') continue;
    const a = Math.max(h[i]!.at, from);
    const b = Math.min(i + 1 < h.length ? h[i + 1]!.at : Number.POSITIVE_INFINITY, to);
    if (b > a) total += b - a;
  }
  // Before the first status (a backdated start) the incident was open too.
  const first = h[0]?.at ?? to;
  if (from < first) total += Math.min(first, to) - from;
  return total;
}

export function keyTimes(s: IncidentState): KeyTime[] {
  const backdated = s.startedAt < s.declaredAt;
  const rows: KeyTime[] = [
    { label: 'Impact started', at: s.startedAt, note: backdated ? 'backdated: entered after the fact' : 'the moment it was declared (no earlier start recorded)' },
    { label: 'Detected', at: s.detectedAt, note: s.detectedAt === null ? 'not recorded' : 'when someone noticed' },
    { label: 'Declared', at: s.declaredAt, note: 'when the incident was opened in War Room (never backdated)' },
    { label: 'Acknowledged', at: s.acknowledgedAt, note: s.acknowledgedAt === null ? 'no incident commander yet' : 'an incident commander took it on' },
    { label: 'Mitigated', at: s.mitigatedAt, note: s.mitigatedAt === null ? 'not recorded' : 'the impact was stopped' },
  ];
  if (s.impactEndedAt !== null) rows.push({ label: 'Impact ended', at: s.impactEndedAt, note: 'recorded by hand' });
  const again = reopens(s);
  if (again.length > 0) rows.push({ label: 'First resolved', at: s.firstResolvedAt, note: 'later reopened' });
  again.forEach((at, i) => rows.push({ label: again.length > 1 ? `Reopened (${i + 1})` : 'Reopened', at, note: 'status moved away from resolved' }));
  rows.push({
    label: again.length > 0 ? 'Resolved (final)' : 'Resolved', at: s.resolvedAt,
    note: s.resolvedAt === null ? (again.length > 0 ? 'reopened and not resolved again yet' : 'not resolved yet') : 'the incident was closed',
  });
  return chronological(rows);
}

/**
 * In the order they happened (a hand-set time may fall anywhere); a time not recorded keeps its
 * place after the moment that comes before it in the usual sequence.
 */
function chronological(rows: KeyTime[]): KeyTime[] {
  let last = Number.NEGATIVE_INFINITY;
  const keyed = rows.map((r, i) => {
    if (r.at !== null) last = r.at;
    return { r, at: r.at ?? last, i };
  });
  return keyed.sort((a, b) => a.at - b.at || a.i - b.i).map((k) => k.r);
}

function span(from: number | null, to: number | null): string | null {
  if (from === null || to === null) return null;
  return to >= from ? formatDuration(to - from) : `-${formatDuration(from - to)}`;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : Math.round((v[mid - 1]! + v[mid]!) / 2);
}

function helpMetric(help: readonly HelpRequest[]): Metric {
  const acked = help.filter((h) => h.ackAt !== null).map((h) => h.ackAt! - h.askedAt);
  const never = help.length - acked.length;
  if (help.length === 0) return { label: 'Time to acknowledge help', value: null, note: 'no one was asked for help' };
  if (acked.length === 0) return { label: 'Time to acknowledge help', value: null, note: `none of ${help.length} request${help.length === 1 ? ' was' : 's were'} acknowledged` };
  return {
    label: 'Time to acknowledge help', value: formatDuration(median(acked)),
    note: `median of ${acked.length} acknowledged request${acked.length === 1 ? '' : 's'}; slowest ${formatDuration(Math.max(...acked))}${never ? `; ${never} never acknowledged` : ''}`,
  };
}

/** Response metrics; `end` is the final resolution or, while open, the export time. */
export function metrics(s: IncidentState, exportedAt: number): Metric[] {
  const start = s.startedAt;
  const end = s.resolvedAt ?? exportedAt;
  const again = reopens(s);
  const detectFrom = s.detectedAt ?? start;
  const impactEnd = s.impactEndedAt ?? s.mitigatedAt;
  const total = formatDuration(end - start);
  let duration = s.resolvedAt === null ? `${total} so far (not resolved)` : total;
  if (again.length > 0) {
    const open = formatDuration(openMs(s, start, end));
    duration += `, reopened ${again.length === 1 ? 'once' : `${again.length} times`}: open for ${open} of it, resolved in between for ${formatDuration(end - start - openMs(s, start, end))}`;
  }
  return [
    { label: 'Time to detect', value: span(start, s.detectedAt), note: 'impact started → detected' },
    { label: 'Time to declare', value: span(detectFrom, s.declaredAt), note: s.detectedAt === null ? 'impact started → declared' : 'detected → declared' },
    { label: 'Time to acknowledge', value: span(s.declaredAt, s.acknowledgedAt), note: 'declared → incident commander assigned' },
    helpMetric(Object.values(s.help)),
    { label: 'Time to mitigate', value: span(start, s.mitigatedAt), note: 'impact started → mitigated' },
    { label: 'Duration of impact', value: span(start, impactEnd), note: s.impactEndedAt !== null ? 'impact started → impact ended' : 'impact started → mitigated' },
    { label: 'Time to resolve', value: span(start, s.firstResolvedAt), note: again.length > 0 ? 'impact started → first resolved' : 'impact started → resolved' },
    { label: 'Duration', value: duration, note: again.length > 0 ? 'impact started → final resolution' : 'impact started → resolved' },
  ];
}

export function roleHistory(s: IncidentState, exportedAt: number): RoleHistoryRow[] {
  const order = (r: IncidentRole) => ROLES.indexOf(r);
  return [...s.roleHistory]
    .sort((a, b) => order(a.role) - order(b.role) || a.from - b.from)
    .map((r) => ({
      role: r.role, name: memberName(s, r.memberId), from: r.from, to: r.to,
      held: `${formatDuration((r.to ?? s.resolvedAt ?? exportedAt) - r.from)}${r.to === null && s.resolvedAt === null ? ' so far' : ''}`,
    }));
}

/** Gaps between stakeholder updates (from the declaration), measured in time the incident was open. */
export function updateGaps(s: IncidentState, exportedAt: number): UpdatesReport {
  const cadenceMin = cadenceMinutes(s);
  const limit = cadenceMin * 60_000;
  const updates = s.timeline.filter((e) => e.kind === 'update' && e.deletedAt === null);
  const gaps: UpdateGap[] = [];
  let from = s.declaredAt;
  for (const e of updates) {
    const to = Math.max(e.occurredAt, from);
    const open = openMs(s, from, to);
    gaps.push({ entry: e, from, to, openMs: open, late: open > limit });
    from = to;
  }
  const end = s.resolvedAt ?? exportedAt;
  if (end > from) {
    const open = openMs(s, from, end);
    gaps.push({ entry: null, from, to: end, openMs: open, late: open > limit });
  }
  return { cadenceMin, gaps, late: gaps.filter((g) => g.late) };
}
