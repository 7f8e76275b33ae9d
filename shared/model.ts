/** Domain vocabulary shared by every runtime. Times are UTC epoch milliseconds. */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Status = (typeof STATUSES)[number];

export const ROLES = ['commander', 'comms', 'scribe', 'ops'] as const;
export type IncidentRole = (typeof ROLES)[number];

/** Kinds a person writes; the others are written by the reducer. */
export const USER_ENTRY_KINDS = ['note', 'update', 'decision', 'action'] as const;
/** `alert`: written by the server from monitoring (Alertmanager, Grafana). */
export const ENTRY_KINDS = [...USER_ENTRY_KINDS, 'status', 'role', 'help', 'system', 'alert'] as const;
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

/**
 * Moments a reader of the postmortem looks for first. Set by the reducer on the system entry that
 * records them, so the UI and every export mark the same rows.
 */
export const KEY_MOMENTS = [
  'impact-started', 'detected', 'declared', 'acknowledged', 'severity', 'handover', 'status', 'mitigated', 'resolved', 'reopened',
] as const;
export type KeyMoment = (typeof KEY_MOMENTS)[number];

export const ACTION_PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];
export const ACTION_TYPES = ['prevent', 'detect', 'mitigate', 'process'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const ACTION_STATUSES = ['open', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The actor id of ops the server writes itself (escalations, reminders, alerts). No member has it. */
export const SERVER_ACTOR_ID = 'warroom-server';

/** Token roles (what a connection may do), distinct from incident roles (who does what). */
export const ACCESS_ROLES = ['lead', 'responder', 'viewer', 'integration'] as const;
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
  /** Set on the entry that records a key moment (declared, severity, hand-over, mitigated…). */
  moment: KeyMoment | null;
  /** For `alert` entries: what monitoring sent. */
  alert: AlertInfo | null;
}

export interface AlertLabel {
  name: string;
  value: string;
}

export interface AlertInfo {
  source: 'alertmanager' | 'grafana';
  status: AlertStatus;
  name: string;
  fingerprint: string;
  labels: AlertLabel[];
  summary: string;
  description: string;
  startsAt: number;
  endsAt: number | null;
  generatorUrl: string;
}

export interface OverviewLink {
  label: string;
  url: string;
}

/** One continuous holding of an incident role. */
export interface RoleSpan {
  role: IncidentRole;
  memberId: string;
  from: number;
  /** Null while it is held. */
  to: number | null;
}

export interface StatusChange {
  status: Status;
  at: number;
  by: string;
  seq: number;
}

export interface ActionItem {
  id: string;
  title: string;
  description: string;
  ownerId: string | null;
  priority: ActionPriority;
  type: ActionType;
  dueAt: number | null;
  ticketUrl: string;
  status: ActionStatus;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  deletedAt: number | null;
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
  /** What happened, in a paragraph, for a reader who was not there. */
  summary: string;
  /** What set it off (the change, the event). */
  trigger: string;
  rootCause: string;
  contributingFactors: string[];
  /** How we found out, and how we could have sooner. */
  detection: string;
  whatWentWell: string[];
  whatWentWrong: string[];
  whereWeGotLucky: string[];
  lessons: string[];
  /** Quantified impact; null when unknown. */
  customersAffected: number | null;
  requestsFailed: number | null;
  ordersLost: number | null;
  /** In creation order; deleted ones keep their place with deletedAt set. */
  actionItems: ActionItem[];
}

export interface IncidentState {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  summary: string;
  impact: string;
  customerImpact: string;
  services: string[];
  links: OverviewLink[];
  createdBy: string;
  /** When the impact started (may be backdated at declaration or later). */
  startedAt: number;
  /** When someone noticed (may be backdated); null when not recorded. */
  detectedAt: number | null;
  /** When the incident was created in War Room: the create op's time, never backdated. */
  declaredAt: number;
  /** When a commander took it on (the first commander assignment unless set by hand). */
  acknowledgedAt: number | null;
  /** When the impact was stopped (first move to monitoring unless set by hand). */
  mitigatedAt: number | null;
  /** When the impact ended, if it differs from mitigation; null when not recorded. */
  impactEndedAt: number | null;
  /** First time it was resolved; stays set through a reopen. */
  firstResolvedAt: number | null;
  /** Final resolution: null while open (a reopen clears it). */
  resolvedAt: number | null;
  /** Every status it has had, oldest first (declared as investigating). */
  statusHistory: StatusChange[];
  roles: Record<IncidentRole, string | null>;
  /** Who held each role, when, oldest first. */
  roleHistory: RoleSpan[];
  /** Archived incidents leave the active lists; the archive is soft and undoable. */
  archivedAt: number | null;
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
  declaredAt: number;
  resolvedAt: number | null;
  archivedAt: number | null;
  /** When the last stakeholder update was posted, null before the first. */
  lastUpdateAt: number | null;
  headSeq: number;
  commanderId: string | null;
  /** The commander's display name, when known. */
  commanderName: string | null;
  memberCount: number;
  /** Members connected right now (presence). */
  online: number;
}

/** An own property of a keyed collection, or undefined: ids like `constructor` or `__proto__` are just ids. */
export function own<T>(record: Readonly<Record<string, T>>, id: string | null | undefined): T | undefined {
  return id != null && Object.hasOwn(record, id) ? record[id] : undefined;
}

/** A copy of a keyed collection with one id set; a computed key defines an own property even for `__proto__`. */
export function withKey<T>(record: Readonly<Record<string, T>>, id: string, value: T): Record<string, T> {
  return { ...record, [id]: value };
}
