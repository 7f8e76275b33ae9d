/** The words and clock strings every export format shares. */
import { type EntryKind, type IncidentRole, type KeyMoment, type Status, type TaskColumn } from './deps.ts';
import { dateTime, utcWall, wall } from './clock.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS: Record<string, string> = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' };

export const STATUS_LABEL: Record<Status, string> = {
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved',
};
export const COLUMN_LABEL: Record<TaskColumn, string> = { todo: 'To do', doing: 'In progress', blocked: 'Blocked', done: 'Done' };
export const KIND_LABEL: Record<EntryKind, string> = {
  note: 'Note', update: 'Update', decision: 'Decision', action: 'Action', status: 'Status', role: 'Role', help: 'Help', system: 'System', alert: 'Alert',
};
export const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Incident commander', comms: 'Communications', scribe: 'Scribe', ops: 'Operations lead' };
export const MOMENT_LABEL: Record<KeyMoment, string> = {
  'impact-started': 'Impact started', detected: 'Detected', declared: 'Declared', acknowledged: 'Acknowledged', severity: 'Severity',
  handover: 'Hand-over', status: 'Status', mitigated: 'Mitigated', resolved: 'Resolved', reopened: 'Reopened',
};

/** "2026-11-27 13:02 UTC" */
export const utc = (at: number): string => `${dateTime(at, 'UTC')} UTC`;
/** "2026-11-27T13:02:00Z" */
export const isoUtc = (at: number): string => new Date(at).toISOString().replace(/\.000Z$/, 'Z');

export function dayLabel(at: number): string {
  const d = new Date(at);
  const w = utcWall(at).weekday;
  return `${WEEKDAYS[w] ?? w} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Local wall-clock time; prefixed with the weekday when the local date is not the UTC date. */
export function localClock(at: number, zone: string): string {
  const local = wall(at, zone);
  return local.date === utcWall(at).date ? local.clock : `${local.weekday} ${local.clock}`;
}
