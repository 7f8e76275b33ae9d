/** Domain vocabulary shared by every runtime. Times are UTC epoch milliseconds. */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Status = (typeof STATUSES)[number];

export const ROLES = ['commander', 'comms', 'scribe', 'ops'] as const;
export type IncidentRole = (typeof ROLES)[number];

/** Kinds a person writes; the others are written by the reducer. */
export const USER_ENTRY_KINDS = ['note', 'update', 'decision', 'action'] as const;
export const ENTRY_KINDS = [...USER_ENTRY_KINDS, 'status', 'role', 'help', 'system'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export type UserEntryKind = (typeof USER_ENTRY_KINDS)[number];

export const TASK_COLUMNS = ['todo', 'doing', 'blocked', 'done'] as const;
export type TaskColumn = (typeof TASK_COLUMNS)[number];

export const AVAILABILITIES = ['available', 'busy', 'away', 'off'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const URGENCIES = ['now', 'soon', 'fyi'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const HELP_STATUSES = ['open', 'acknowledged', 'resolved', 'cancelled'] as const;
export type HelpStatus = (typeof HELP_STATUSES)[number];

/** Token roles (what a connection may do), distinct from incident roles (who does what). */
export const ACCESS_ROLES = ['lead', 'responder', 'viewer'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export interface EntryRevision {
  text: string;
  at: number;
  by: string;
}

export interface TimelineEntry {
  id: string;
  seq: number;
  kind: EntryKind;
  text: string;
  authorId: string;
  occurredAt: number;
  loggedAt: number;
  pinned: boolean;
  /** Earlier texts, oldest first; empty when never edited. */
  history: EntryRevision[];
  editedAt: number | null;
  editedBy: string | null;
  deletedAt: number | null;
  deletedBy: string | null;
  /** For system entries: what they refer to (a help request, a task…). */
  ref: string | null;
}

export interface Task {
  id: string;
  title: string;
  description: string;
  column: TaskColumn;
  assigneeId: string | null;
  /** Order within a column, ascending. Clients pick a number between neighbours. */
  rank: number;
  followUp: boolean;
  dueAt: number | null;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  doneAt: number | null;
  deletedAt: number | null;
}

export interface WorkingHours {
  /** Local wall-clock "HH:MM" in the member's time zone. */
  start: string;
  end: string;
}

export interface Member {
  id: string;
  name: string;
  timeZone: string;
  skills: string[];
  workingHours: WorkingHours;
  availability: Availability;
  joinedAt: number;
}

export interface HelpRequest {
  id: string;
  askedBy: string;
  askedAt: number;
  skills: string[];
  memberIds: string[];
  urgency: Urgency;
  text: string;
  status: HelpStatus;
  /** 0: the named skills/people; 1: everyone with one of the skills; 2: everyone. */
  escalation: 0 | 1 | 2;
  ackBy: string | null;
  ackAt: number | null;
  closedBy: string | null;
  closedAt: number | null;
}

export interface Postmortem {
  rootCause: string;
  whatWentWell: string[];
  whatWentWrong: string[];
  lessons: string[];
}

export interface IncidentState {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  summary: string;
  impact: string;
  createdBy: string;
  /** When the incident was detected (may be backdated at declaration). */
  startedAt: number;
  resolvedAt: number | null;
  roles: Record<IncidentRole, string | null>;
  /** Minutes between stakeholder updates; null means the severity's default. */
  cadenceMin: number | null;
  lastUpdateAt: number | null;
  /** Ordered by (occurredAt, seq): the order people read. */
  timeline: TimelineEntry[];
  tasks: Record<string, Task>;
  members: Record<string, Member>;
  help: Record<string, HelpRequest>;
  postmortem: Postmortem;
  /** Seq of the last op folded into this state (0 before any). */
  headSeq: number;
  updatedAt: number;
}

/** What the incident list shows without loading a whole incident. */
export interface IncidentSummary {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  startedAt: number;
  resolvedAt: number | null;
  headSeq: number;
  commanderId: string | null;
  memberCount: number;
  /** Members connected right now (presence). */
  online: number;
}
