/** Everything shared/export needs from shared/, in one place. */
export { EXPORT_BACKDATED_AFTER_MS, MAX_IMPORT_CHARS, MAX_TEXT_CHARS } from '../constants.ts';
export { refuse, type Refusal } from '../errors.ts';
export { canonicalJson, stateHash } from '../hash.ts';
export {
  ACTION_PRIORITIES, ACTION_STATUSES, ACTION_TYPES, ALERT_STATUSES, KEY_MOMENTS, SERVER_ACTOR_ID, own, AVAILABILITIES, ENTRY_KINDS, HELP_STATUSES, ROLES, SEVERITIES, STATUSES, TASK_COLUMNS, URGENCIES,
  type ActionItem, type EntryKind, type HelpRequest, type KeyMoment, type RoleSpan, type IncidentRole, type IncidentState, type Member, type Status, type Task,
  type TaskColumn, type TimelineEntry,
} from '../model.ts';
export { idSchema, parseCommittedOp, parseOp, timeSchema, type CommittedOp, type Op } from '../ops.ts';
export { apply, cadenceMinutes, memberName, replay } from '../reducer.ts';
export { formatClock, formatDate, formatDateTime, formatDuration, formatOffset, isValidTimeZone, localParts, zoneOffsetMin } from '../time.ts';
