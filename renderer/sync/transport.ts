/**
 * The renderer's only view of the network (CONVENTIONS rule 4). The store and the sync engine
 * talk to this interface; socketTransport.ts implements it on socket.io-client and tests use an
 * in-memory fake. Every inbound payload is already parsed when a listener sees it.
 */
import type { ErrorCode, Refusal } from '../../shared/errors.ts';
import type { IncidentSummary } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { ClientToServerEvents, HeadNotice, IncidentNotice, PresenceState, SessionTokenGrant } from '../../shared/protocol.ts';

/** Where the connection is; `refused` is terminal until connect() is called again. */
export type TransportStatus =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; lastError: string | null }
  | { kind: 'offline'; reason: string }
  | { kind: 'refused'; code: ErrorCode; message: string };

export interface TransportAuth {
  /** An invite or a session token. */
  token: string;
  clientId: string;
  /** With an invite: the session already held for clientId on this server (see HandshakeAuth.session). */
  session?: string;
  /** Called when the server redeemed an invite into a session token; the transport reconnects with it already. */
  onSessionToken?: (grant: SessionTokenGrant) => void;
}

type Last<T extends unknown[]> = T extends [...unknown[], infer L] ? L : never;
type Init<T extends unknown[]> = T extends [...infer I, unknown] ? I : never;

/** Client events answered with an ack. */
export type RequestEvent =
  | 'session:whoami' | 'incident:list' | 'incident:create' | 'incident:join' | 'incident:leave' | 'incident:ops' | 'incident:snapshot' | 'op:submit';

/** The arguments of a request event, without its ack callback. */
export type RequestArgs<K extends RequestEvent> = Init<Required<Parameters<ClientToServerEvents[K]>>>;

/** What the ack callback of a request event receives. */
export type RequestResult<K extends RequestEvent> =
  Last<Required<Parameters<ClientToServerEvents[K]>>> extends (res: infer R) => void ? R : never;

export interface Transport {
  /** Starts (or restarts) a connection; status changes are reported through onStatus. */
  connect(serverUrl: string, auth: TransportAuth): void;
  /** Closes the connection on purpose; status becomes offline until connect() again. */
  disconnect(): void;
  readonly status: TransportStatus;
  /**
   * Emits an event and waits for its ack, at most ACK_TIMEOUT_MS. Never rejects: a timeout is a
   * TIMEOUT refusal and a missing or dropped connection is SERVER_UNREACHABLE.
   */
  request<K extends RequestEvent>(event: K, ...args: RequestArgs<K>): Promise<RequestResult<K> | Refusal>;
  /** Fire-and-forget (presence only); dropped when not connected. */
  send(event: 'presence:typing', payload: { incidentId: string; typing: boolean }): void;
  onOp(listener: (op: CommittedOp) => void): () => void;
  onPresence(listener: (state: PresenceState) => void): () => void;
  onSummary(listener: (summary: IncidentSummary) => void): () => void;
  /** The server's periodic 'incident:head' for incidents this connection joined. */
  onHead(listener: (notice: HeadNotice) => void): () => void;
  onStatus(listener: (status: TransportStatus) => void): () => void;
  /** The server's duty notices (incident:notice); optional so minimal transports need not offer it. */
  onNotice?(listener: (notice: IncidentNotice) => void): () => void;
  /** Round-trip time of the latest ack, in ms (null before any). */
  readonly rttMs: number | null;
}

/** A tiny listener set, shared by transports. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const l of [...this.set]) l(value);
  }
}
