/**
 * The War Room store's shape: one zustand store made of slices (CONVENTIONS rule 9). Each slice
 * file exports its state + actions type and a creator; this file only gathers the types.
 */
import type { ErrorCode, Refusal } from '../../shared/errors.ts';
import type {
  AccessRole, Availability, IncidentRole, IncidentState, IncidentSummary, Severity, Status, TaskColumn,
  Urgency, UserEntryKind, WorkingHours,
} from '../../shared/model.ts';
import type { Op, OpType, PayloadOf } from '../../shared/ops.ts';
import type { PresenceMember } from '../../shared/protocol.ts';
import type { AwaySummary } from './awaySummary.ts';
import type { OpLogResult } from '../sync/opLog.ts';
import type { TransportStatus } from '../sync/transport.ts';
import type { UnsentItem } from '../persistence/unsent.ts';

export type { OpLogResult } from '../sync/opLog.ts';

// ---------------------------------------------------------------- connection
/** What the connection indicator shows (the transport's own status); never claims "connected" when it is not. */
export type ConnectionStatus = TransportStatus;

/** Either an invite link pasted whole, or a server URL and a token. */
export type ConnectInput = { invite: string } | { serverUrl: string; token: string };

export interface ConnectionSlice {
  connection: ConnectionStatus;
  /** The human sentence of the last connection problem, if any. */
  lastConnectionError: string | null;
  /** Round-trip of the latest ack in ms; null before any. */
  rttMs: number | null;
  /**
   * Remembers the server and token (preferences) and connects. An invite that names an incident
   * also opens it. Refused only for an unparsable invite/URL; network refusals arrive as status.
   */
  connect(input: ConnectInput): { ok: true; incidentId: string | null } | { ok: false; code: 'INVITE_INVALID'; message: string };
  /** Connects with the remembered server and token, if any; false when none are remembered. */
  resume(): boolean;
  /** Goes offline on purpose (edits keep queuing in the outbox). */
  disconnect(): void;
  /** Reconnects after disconnect() or a refusal, with the remembered server and token. */
  reconnect(): void;
  /** Forgets server and token and disconnects (the outbox stays on disk). */
  signOut(): void;
}

// ---------------------------------------------------------------- incidents list
export interface DeclareInput {
  title: string;
  severity: Severity;
  summary?: string;
  impact?: string;
  /** Backdated detection time (UTC ms). */
  startedAt?: number;
}

export interface IncidentsSlice {
  /** Summaries keyed by id; use selectIncidentList for a sorted array. */
  incidents: Record<string, IncidentSummary>;
  incidentsLoaded: boolean;
  /**
   * Incidents declared on this device in this session: if the server refuses the create, closing
   * rolls the optimistic incident back (list and disk) instead of leaving a phantom.
   */
  declaredHere: Record<string, true>;
  refreshIncidents(): Promise<void>;
  /** Creates the incident (works offline: the create op waits in the outbox) and opens it. */
  declareIncident(input: DeclareInput): SubmitResult & { incidentId?: string };
}

// ---------------------------------------------------------------- open incident
/** loading: reading the local copy; local: shown from disk only; joining: catching up; live: following the server. */
export type SyncPhase = 'none' | 'loading' | 'local' | 'joining' | 'live' | 'not-found' | 'forbidden';

export interface IncidentSlice {
  incidentId: string | null;
  /** Last state the server confirmed (null before the incident's create op is committed). */
  committed: IncidentState | null;
  /** Seq of the last committed op folded in (0 for none). */
  headSeq: number;
  /**
   * What the UI shows: committed + the outbox applied optimistically with provisional seqs
   * (headSeq+1, +2, …). The very same object as `committed` when the outbox is empty.
   * An entry with `seq > headSeq` is pending (not yet confirmed).
   */
  view: IncidentState | null;
  /** The connection's access for this incident (null until joined). */
  access: AccessRole | null;
  syncPhase: SyncPhase;
  /** "Since you were away", computed once the first catch-up after opening lands. */
  awaySummary: AwaySummary | null;
  /** Loads the local copy (offline view), then joins when connected. */
  openIncident(incidentId: string): Promise<void>;
  closeIncident(): void;
  dismissAwaySummary(): void;
  /**
   * The open incident's whole committed log from the server (paged, seq order), for the lossless
   * JSON export. Needs a connection: offline it answers SERVER_UNREACHABLE. Never rejects.
   */
  fetchOpLog(): Promise<OpLogResult>;
}

// ---------------------------------------------------------------- outbox + notices
export interface Notice {
  id: string;
  kind: 'refused' | 'error' | 'info';
  code: ErrorCode | 'INVITE_INVALID' | null;
  message: string;
  /** The op type refused, when a refusal. */
  opType: OpType | null;
  at: number;
}

/** submit() answer: refused at once when the op is malformed, not allowed, or does not apply. */
export type SubmitResult =
  | {
      ok: true;
      opId: string;
      /** The id of what was created (entryId, taskId, helpId), when the op creates something. */
      id?: string;
      /** Resolves once the op is on disk (outbox persisted): the edit is kept from then on. */
      kept: Promise<void>;
    }
  | Refusal;

/** An op as the UI describes it; the store adds opId, incidentId, actorId and clientTime. */
export type OpDraft = { [T in OpType]: { type: T; payload: PayloadOf<T> } }[OpType];

export interface OutboxSlice {
  /** Ops of the open incident not yet confirmed by the server, in submission order. */
  outbox: Op[];
  notices: Notice[];
  submit(draft: OpDraft): SubmitResult;
  dismissNotice(id: string): void;
  pushNotice(n: Omit<Notice, 'id' | 'at'>): void;
}

// ---------------------------------------------------------------- delivery (deliverySlice.ts)
/** Why the server keeps refusing transiently right now: from a submit's refusal or from its head heartbeat. */
export interface ServerTrouble {
  code: ErrorCode;
  message: string;
  source: 'submit' | 'head';
  /** The op at the head of the outbox being refused, and how many times in a row (submit only). */
  opId?: string;
  attempts?: number;
}

export interface DeliverySlice {
  /** Set while the server refuses changes transiently (they stay queued and are resent); null when it takes them. */
  serverTrouble: ServerTrouble | null;
  /** Changes the server refused for good, kept with its sentence (persisted; oldest first). */
  unsent: UnsentItem[];
  unsentLoaded: boolean;
  /** Reads the tray from disk (the store does it once at start). */
  loadUnsent(): Promise<void>;
  /** Puts refused ops in the tray; resolves once it is on disk. */
  keepUnsent(ops: readonly Op[], refusal: Refusal): Promise<void>;
  dismissUnsent(id: string): void;
  /** Sends the change again as a new op (with its main text replaced by `editedText`); leaves the tray when queued. */
  retryUnsent(id: string, editedText?: string): SubmitResult;
  setServerTrouble(trouble: ServerTrouble | null): void;
  /**
   * Takes a change the server keeps failing on out of the outbox into the unsent tray (with the
   * server's last sentence), so the changes queued behind it can go. The person's choice, never automatic.
   */
  setAside(opId: string): Promise<void>;
}

// ---------------------------------------------------------------- op convenience actions
export interface TaskInput {
  title: string;
  description?: string;
  column?: TaskColumn;
  assigneeId?: string | null;
  rank?: number;
  followUp?: boolean;
  dueAt?: number | null;
}

export interface HelpInput {
  skills: string[];
  memberIds: string[];
  urgency: Urgency;
  text: string;
}

export interface ActionsSlice {
  addEntry(kind: UserEntryKind, text: string, occurredAt?: number): SubmitResult;
  editEntry(entryId: string, text: string): SubmitResult;
  deleteEntry(entryId: string): SubmitResult;
  restoreEntry(entryId: string): SubmitResult;
  pinEntry(entryId: string, pinned: boolean): SubmitResult;
  addTask(input: TaskInput): SubmitResult;
  /** Moves a task to a column at a rank (see rankBetween in selectors). */
  moveTask(taskId: string, column: TaskColumn, rank: number): SubmitResult;
  updateTask(taskId: string, patch: Omit<PayloadOf<'task.update'>, 'taskId'>): SubmitResult;
  deleteTask(taskId: string): SubmitResult;
  restoreTask(taskId: string): SubmitResult;
  setStatus(status: Status, note?: string): SubmitResult;
  setSeverity(severity: Severity, note?: string): SubmitResult;
  /** memberId null clears the role; assigning commander to someone else is a handover. */
  assignRole(role: IncidentRole, memberId: string | null): SubmitResult;
  updateIncident(patch: PayloadOf<'incident.update'>): SubmitResult;
  /** Sets key times by hand (impact start, detection, acknowledgement, mitigation, end of impact). */
  setTimes(patch: PayloadOf<'incident.times'>): SubmitResult;
  /** Joins the open incident as a member with the identity in preferences (done automatically on open). */
  joinAsMember(): SubmitResult;
  updateMember(patch: PayloadOf<'member.update'>): SubmitResult;
  askHelp(input: HelpInput): SubmitResult;
  ackHelp(helpId: string, text?: string): SubmitResult;
  resolveHelp(helpId: string, text?: string): SubmitResult;
  cancelHelp(helpId: string): SubmitResult;
  updatePostmortem(patch: PayloadOf<'postmortem.update'>): SubmitResult;
  /** Postmortem action items (issue 14): the id is made here; delete is soft and restore undoes it. */
  addActionItem(input: Omit<PayloadOf<'postmortem.action.add'>, 'actionId'>): SubmitResult;
  updateActionItem(actionId: string, patch: Omit<PayloadOf<'postmortem.action.update'>, 'actionId'>): SubmitResult;
  deleteActionItem(actionId: string): SubmitResult;
  restoreActionItem(actionId: string): SubmitResult;
  /** Tells others this member is typing (throttled; presence only, never logged). */
  setTyping(typing: boolean): void;
}

// ---------------------------------------------------------------- presence
export interface PresenceSlice {
  /** Who is connected to the open incident now, keyed by member (client) id. */
  presence: Record<string, PresenceMember>;
}

// ---------------------------------------------------------------- preferences
export interface LastSeen {
  seq: number;
  /** Server time of that seq (UTC ms). */
  at: number;
  /** Open tasks assigned to me then, so newly assigned ones stand out (tasks carry no seq). */
  myTaskIds?: string[];
}

export interface Preferences {
  serverUrl: string | null;
  token: string | null;
  /** This install's member id: made once with crypto.randomUUID(). */
  clientId: string;
  name: string;
  timeZone: string;
  skills: string[];
  workingHours: WorkingHours;
  availability: Availability;
  showUtc: boolean;
  /** Minutes before an unacknowledged help request I asked widens (then the same again to everyone). */
  helpEscalateAfterMin: number;
  /** Desktop/browser notifications for help requests and due updates. */
  notifications: boolean;
  lastIncidentId: string | null;
  /** Keyed by `${serverUrl}|${incidentId}`. */
  lastSeen: Record<string, LastSeen>;
}

export interface PreferencesSlice {
  prefs: Preferences;
  setPreferences(patch: Partial<Omit<Preferences, 'clientId' | 'lastSeen'>>): void;
  /**
   * The server redeemed our invite into a personal session token (`session:token`): keep it in
   * place of the invite, so every later connection acts as the member it names.
   */
  adoptSessionToken(token: string, clientId: string): void;
  toggleUtc(): void;
}

// ---------------------------------------------------------------- the whole store
export type WarRoomState = ConnectionSlice & IncidentsSlice & IncidentSlice & OutboxSlice & ActionsSlice & PresenceSlice & PreferencesSlice
  & DeliverySlice;
