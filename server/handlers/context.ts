/** What every feature handler gets: the shared services and the connection it serves. */
import type { Server, Socket } from 'socket.io';
import { refuse, type ErrorCode, type Refusal } from '../../shared/errors.ts';
import type { AccessRole } from '../../shared/model.ts';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../shared/protocol.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { SnapshotCache } from '../cluster/sharedSnapshot.ts';
import type { Presence } from '../presence.ts';
import type { TokenBucket } from '../rateLimit.ts';
import type { Store } from '../store/store.ts';
import { storeRefusal } from '../storeFailure.ts';

export type IO = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type WarSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface Ctx {
  io: IO;
  engine: Engine;
  /** Read-only use by handlers (the op log pages); writes go through the engine. */
  store: Pick<Store, 'headSeq' | 'readOps'>;
  presence: Presence;
  logger: Logger;
  metrics: Metrics;
  /** Sends the incident's list entry to every socket allowed to see it, at once. */
  publishSummary(incidentId: string): void;
  /** Presence of the incident changed: its room gets 'presence:state', coalesced (PRESENCE_BROADCAST_MS). */
  publishPresence(incidentId: string): void;
  /** The incident's online count changed: the lobby gets its summary, coalesced like presence. */
  publishOnline(incidentId: string): void;
  /** Sends the incident's current presence to one socket only (a join's answer). */
  sendPresenceTo(socket: WarSocket, incidentId: string): void;
  /** Serialized snapshots shared between joiners (server/cluster/sharedSnapshot.ts). */
  snapshots?: SnapshotCache;
}

export interface Conn {
  socket: WarSocket;
  clientId: string;
  access: AccessRole;
  scope: string | null;
  /** The session token this handshake issued (it redeemed an invite), for session:whoami. */
  sessionToken: string | null;
  joined: Set<string>;
  bucket: TokenBucket;
  /** Paged snapshots a join offered this socket, by incident (server/handlers/join.ts). */
  offers?: Map<string, SnapshotOffer>;
}

/** A snapshot being fetched in pages: the bytes are shared with every joiner of that state. */
export interface SnapshotOffer {
  seq: number;
  json: Buffer;
  pages: number;
  served: Set<number>;
  timer: ReturnType<typeof setTimeout>;
}

export const incidentRoom = (incidentId: string) => `incident:${incidentId}`;
/** Sockets that may see every incident's summary, and those scoped to one incident. */
export const lobbyRoom = (scope: string | null) => (scope === null ? 'lobby' : `lobby:${scope}`);

type Reply = ({ ok: true } & Record<string, unknown>) | Refusal;
type RawOn = (event: string, listener: (...args: unknown[]) => void) => void;

/**
 * Registers a handler that never throws: the payload arrives untyped (it is parsed by the
 * handler's zod schema first), the rate limit is charged, and any failure becomes a refusal.
 */
export function handle(conn: Conn, ctx: Ctx, event: string, fn: (payload: unknown) => Promise<Reply> | Reply, options: { charged?: boolean } = {}): void {
  const on = conn.socket.on.bind(conn.socket) as unknown as RawOn;
  on(event, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (r: Reply) => void) : null;
    if (ack) args.pop();
    const answer = (r: Reply) => {
      if (!r.ok) ctx.metrics.opsRejected.inc({ code: r.code });
      ack?.(r);
    };
    // `charged: false`: the handler charges itself (snapshot pages were paid for by their join).
    if (options.charged !== false && !conn.bucket.take()) {
      answer({ ...refuse('RATE_LIMITED'), retryAfterMs: conn.bucket.waitMs(1) });
      return;
    }
    Promise.resolve()
      .then(() => fn(args[0]))
      .then(answer, (err: unknown) => {
        ctx.logger.error({ err, event, clientId: conn.clientId }, 'handler failed');
        answer(storeRefusal(err));
      });
  });
}

export const refusal = (code: ErrorCode, detail?: string): Refusal => refuse(code, detail);
