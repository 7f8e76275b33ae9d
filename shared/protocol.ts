/**
 * The wire protocol: socket.io event maps, payloads, acks and handshake. Server, renderer and
 * main import these; nobody re-declares them. See docs/PROTOCOL.md.
 */
import type { ErrorCode, Refusal } from './errors.ts';
import type { AccessRole, IncidentState, IncidentSummary } from './model.ts';
import type { CommittedOp, Op } from './ops.ts';

export { PROTOCOL_VERSION } from './constants.ts';

/** socket.io `auth` on connect. */
export interface HandshakeAuth {
  /** An invite (redeemed into a session at this handshake) or the session token it gave. */
  token: string;
  protocol: number;
  /**
   * The member id to bind when redeeming an invite. With a session token the server ignores it:
   * the acting identity is the session's holder (see `session:whoami`).
   */
  clientId: string;
  /**
   * Optional, with an invite only: the session token this install already holds for clientId.
   * It lets the same person redeem another invite (another incident or role) for their own id.
   */
  session?: string;
}

/** `session:token`: the personal token an invite was redeemed into; use it from now on. */
export interface SessionTokenGrant {
  token: string;
  clientId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** `session:ended`: sent just before the server disconnects a socket whose token was revoked or expired. */
export interface SessionEnded {
  code: ErrorCode;
  message: string;
}

/** Sent as the connect_error `data` when the middleware refuses a connection. */
export interface ConnectRefusal {
  code: ErrorCode;
  message: string;
  serverProtocol: number;
  /** OVERLOADED and SHUTTING_DOWN: when to try again (ms). */
  retryAfterMs?: number;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | Refusal;

export interface JoinRequest {
  incidentId: string;
  /** Highest seq the client already folded; 0 for none. */
  sinceSeq: number;
  /**
   * The client can take a snapshot in pages (shared/snapshotPages.ts): a snapshot over
   * SNAPSHOT_PAGE_BYTES then comes as PagedSnapshot, the rest with incident:snapshot.
   */
  snapshotPages?: boolean;
}

/** A snapshot sent in pages: the UTF-8 bytes of the state's JSON, `part` is page 0. */
export interface PagedSnapshot {
  seq: number;
  pages: number;
  bytes: number;
  part: Uint8Array | ArrayBuffer;
}

export interface SnapshotPageRequest {
  incidentId: string;
  /** The seq of the PagedSnapshot the join offered. */
  seq: number;
  /** 1 … pages − 1 (page 0 came with the join); each page once. */
  page: number;
}

export interface SnapshotPage {
  seq: number;
  page: number;
  part: Uint8Array | ArrayBuffer;
}

export interface JoinResult {
  /** Present when the client was too far behind: the state at snapshot.seq. */
  snapshot?: { seq: number; state: IncidentState };
  /** Committed ops after sinceSeq (or after snapshot.seq), in seq order. */
  ops: CommittedOp[];
  headSeq: number;
  /** The connection's access for this incident. */
  access: AccessRole;
}

export interface OpsPageRequest {
  incidentId: string;
  /** Answer the ops with seq > afterSeq; 0 for the log from its start. */
  afterSeq: number;
  /** At most this many ops (the server serves at most OPS_PAGE_MAX). */
  limit: number;
}

export interface OpsPage {
  /** Committed ops after afterSeq in seq order (a quarantined seq may be missing). */
  ops: CommittedOp[];
  /** The incident's newest seq when the server answered: page on while afterSeq < headSeq. */
  headSeq: number;
}

export interface PresenceMember {
  clientId: string;
  connections: number;
  typing: boolean;
}

export interface PresenceState {
  incidentId: string;
  members: PresenceMember[];
}

export interface WhoAmI {
  /** The member id this connection acts as (a session's holder). */
  clientId: string;
  /** Expiry of the connection's session (epoch ms); null only for a pre-session token. */
  expiresAt: number | null;
  /** Present when this connection redeemed an invite: the same token `session:token` carried. */
  sessionToken?: string;
  access: AccessRole;
  /** Incident scope of the token, or null for every incident. */
  incidentId: string | null;
  serverProtocol: number;
}

/**
 * 'incident:head': every HEAD_HEARTBEAT_MS each node tells the sockets it holds in an incident's room
 * the newest seq the store has for it. A client whose own head is lower missed a broadcast and
 * catches up (joins again with its head). `storeAvailable: false` means the node could not read its
 * store just now (headSeq is then the last one it knew): writes will be refused as STORE_UNAVAILABLE.
 */
export interface HeadNotice {
  incidentId: string;
  headSeq: number;
  storeAvailable: boolean;
}

/** What the server asks people to do about an incident (written by its duties, see docs/PROTOCOL.md). */
export type NoticeKind = 'update-overdue' | 'postmortem-due';

/**
 * `incident:notice`: sent to the incident's room and to the lobby; the renderer shows it as a
 * notification when its own clientId is in memberIds (null: everyone in the incident).
 */
export interface IncidentNotice {
  incidentId: string;
  kind: NoticeKind;
  memberIds: string[] | null;
  title: string;
  body: string;
  /** The committed op behind it (the reminder, or the resolve). */
  seq: number;
  /** True when the server was down when it was due and sent it on start. */
  late: boolean;
}

export interface ClientToServerEvents {
  'session:whoami': (ack: (res: Ack<WhoAmI>) => void) => void;
  'incident:list': (ack: (res: Ack<{ incidents: IncidentSummary[] }>) => void) => void;
  /** The op must be of type incident.create; same path as op:submit. */
  'incident:create': (op: Op, ack: (res: Ack<{ seq: number; incidentId: string }>) => void) => void;
  'incident:join': (req: JoinRequest, ack: (res: Ack<JoinResult>) => void) => void;
  'incident:leave': (req: { incidentId: string }, ack?: (res: Ack) => void) => void;
  /** One page of the committed op log (the full history, e.g. for a lossless export). Viewers may read it. */
  'incident:ops': (req: OpsPageRequest, ack: (res: Ack<OpsPage>) => void) => void;
  /** A page of the snapshot a join offered in pages (JoinRequest.snapshotPages). */
  'incident:snapshot': (req: SnapshotPageRequest, ack: (res: Ack<SnapshotPage>) => void) => void;
  /** Sent again with the same opId after a lost ack: answered with the original seq. */
  'op:submit': (op: Op, ack: (res: Ack<{ seq: number; duplicate?: boolean; /** On duplicates: the original op's incident. */ incidentId?: string }>) => void) => void;
  'presence:typing': (req: { incidentId: string; typing: boolean }) => void;
}

export interface ServerToClientEvents {
  /** Every committed op of every incident this socket joined, in seq order per incident. */
  'op:committed': (op: CommittedOp) => void;
  'presence:state': (state: PresenceState) => void;
  /** A change to the incident list (creation, status, severity…). */
  'incident:summary': (summary: IncidentSummary) => void;
  /**
   * This node is shutting down: every op it acked is stored; reconnect (to any node) after a
   * random pause of up to reconnectWithinMs. The connection closes right after (reason
   * "transport close", which socket.io clients reconnect from by themselves).
   */
  'server:draining': (notice: DrainNotice) => void;
  /** Sent once after connecting when this node closed this clientId's previous connection on purpose. */
  'session:dropped': (notice: DropNotice) => void;
  /** The incident's head seq, sent periodically to each joined socket (see HeadNotice). */
  'incident:head': (notice: HeadNotice) => void;
  /** A duty's notice: stakeholder update overdue (commander and comms), postmortem due after a resolve. */
  'incident:notice': (notice: IncidentNotice) => void;
  /** Right after a handshake that redeemed an invite. */
  'session:token': (grant: SessionTokenGrant) => void;
  'session:ended': (ended: SessionEnded) => void;
}

export interface DrainNotice {
  code: 'SHUTTING_DOWN';
  message: string;
  reconnectWithinMs: number;
}

export interface DropNotice {
  code: 'SLOW_CONSUMER';
  message: string;
  /** When the connection was closed (ms since epoch) and how many bytes were waiting for it. */
  at: number;
  bufferedBytes: number;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  clientId: string;
  access: AccessRole;
  scope: string | null;
  tokenJti: string;
  /** The jtis whose revocation ends this socket (its token's and, for a session, its invite's). */
  tokenKeys: string[];
  expiresAt: number | null;
}
