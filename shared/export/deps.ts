/**
 * Everything shared/export needs from shared/, in one place. The lint pattern '../*' that keeps
 * shared/*.ts from reaching outside shared/ also catches this subfolder importing its own parent;
 * these lines stay inside shared/, so the rule is lifted here and only here (the lead was asked to
 * narrow the pattern, after which this comment and the disable can go).
 */
/* eslint-disable no-restricted-imports */
export { MAX_IMPORT_CHARS, MAX_TEXT_CHARS } from '../constants.ts';
export { refuse, type Refusal } from '../errors.ts';
export { canonicalJson, stateHash } from '../hash.ts';
export {
  AVAILABILITIES, ENTRY_KINDS, HELP_STATUSES, ROLES, SEVERITIES, STATUSES, TASK_COLUMNS, URGENCIES,
  type EntryKind, type HelpRequest, type IncidentRole, type IncidentState, type Member, type Status, type Task,
  type TaskColumn, type TimelineEntry,
} from '../model.ts';
export { idSchema, parseCommittedOp, parseOp, timeSchema, type CommittedOp, type Op } from '../ops.ts';
export { apply, memberName, replay } from '../reducer.ts';
export { formatClock, formatDate, formatDateTime, formatDuration, formatOffset, isValidTimeZone, localParts } from '../time.ts';
/* eslint-enable no-restricted-imports */
