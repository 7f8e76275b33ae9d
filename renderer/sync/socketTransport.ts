/**
 * The Transport on socket.io-client: the only file that imports it (CONVENTIONS rule 4).
 * Parses every inbound push before listeners see it and turns handshake refusals, timeouts and
 * dropped connections into the shared refusals with their human sentence.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { ACK_TIMEOUT_MS, PROTOCOL_VERSION } from '../../shared/constants.ts';
import { ERROR_MESSAGES, refuse, type ErrorCode, type Refusal } from '../../shared/errors.ts';
import type { IncidentSummary } from '../../shared/model.ts';
import { parseCommittedOp, type CommittedOp } from '../../shared/ops.ts';
import type { ClientToServerEvents, HandshakeAuth, HeadNotice, IncidentNotice, PresenceState, ServerToClientEvents } from '../../shared/protocol.ts';
import { parseHead, parseNotice, parsePresence, parseSummary } from './inbound.ts';
import {
  Listeners, type RequestArgs, type RequestEvent, type RequestResult, type Transport, type TransportAuth, type TransportStatus,
} from './transport.ts';

const refusalSchema = z.object({
  code: z.string().refine((c): c is ErrorCode => c in ERROR_MESSAGES),
  message: z.string().max(2_000),
});

const grantSchema = z.object({
  token: z.string().min(10).max(2_048),
  clientId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  expiresAt: z.number().int(),
});

/** Checks the common ack shape; event-specific payloads are parsed by the caller (inbound.ts). */
function readAck(event: RequestEvent, res: unknown): unknown {
  if (typeof res !== 'object' || res === null || typeof (res as { ok?: unknown }).ok !== 'boolean') {
    return refuse('INTERNAL', 'the server sent an unreadable answer');
  }
  const r = res as Record<string, unknown>;
  if (r.ok === false) {
    const p = refusalSchema.safeParse(r);
    return p.success ? { ok: false, code: p.data.code as ErrorCode, message: p.data.message } : refuse('INTERNAL', 'the server sent an unreadable refusal');
  }
  if ((event === 'op:submit' || event === 'incident:create') && !(Number.isInteger(r.seq) && (r.seq as number) >= 1)) {
    return refuse('INTERNAL', 'the server acknowledged without a seq');
  }
  return res;
}

/** Options mostly for tests: shorter reconnection delays. */
export interface SocketTransportOptions {
  reconnectionDelayMs?: number;
  reconnectionDelayMaxMs?: number;
  ackTimeoutMs?: number;
}

type AnySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class SocketTransport implements Transport {
  status: TransportStatus = { kind: 'idle' };
  rttMs: number | null = null;
  private socket: AnySocket | null = null;
  private attempt = 0;
  private readonly pending = new Map<number, { resolve: (r: Refusal) => void; timer: ReturnType<typeof setTimeout> }>();
  private nextId = 0;
  private readonly ops = new Listeners<CommittedOp>();
  private readonly presence = new Listeners<PresenceState>();
  private readonly summaries = new Listeners<IncidentSummary>();
  private readonly notices = new Listeners<IncidentNotice>();
  private readonly statuses = new Listeners<TransportStatus>();
  private readonly heads = new Listeners<HeadNotice>();
  private readonly options: SocketTransportOptions;

  constructor(options: SocketTransportOptions = {}) {
    this.options = options;
  }

  connect(serverUrl: string, auth: TransportAuth): void {
    this.closeSocket();
    this.attempt = 0;
    const handshake: HandshakeAuth = {
      token: auth.token, protocol: PROTOCOL_VERSION, clientId: auth.clientId, ...(auth.session ? { session: auth.session } : {}),
    };
    const socket: AnySocket = io(serverUrl, {
      auth: handshake,
      transports: ['websocket', 'polling'],
      reconnection: true,
      reconnectionDelay: this.options.reconnectionDelayMs ?? 500,
      reconnectionDelayMax: this.options.reconnectionDelayMaxMs ?? 5_000,
      forceNew: true,
    });
    this.socket = socket;
    this.setStatus({ kind: 'connecting' });
    let ended: { code: ErrorCode; message: string } | null = null;
    socket.on('session:token', (raw: unknown) => {
      const g = grantSchema.safeParse(raw);
      if (!g.success) return;
      // Reconnects must present the session, not the invite: the invite cannot claim a bound id again.
      socket.auth = { token: g.data.token, protocol: PROTOCOL_VERSION, clientId: handshake.clientId };
      auth.onSessionToken?.(g.data);
    });
    socket.on('session:ended', (raw: unknown) => {
      const r = refusalSchema.safeParse(raw);
      if (r.success) ended = { code: r.data.code as ErrorCode, message: r.data.message };
    });
    socket.on('connect', () => {
      this.attempt = 0;
      this.setStatus({ kind: 'connected' });
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      const data = refusalSchema.safeParse(err.data);
      if (data.success) {
        // A refusal from the server's middleware: retrying with the same token cannot help.
        socket.disconnect();
        this.setStatus({ kind: 'refused', code: data.data.code as ErrorCode, message: data.data.message });
      } else if (!socket.active) {
        this.setStatus({ kind: 'offline', reason: ERROR_MESSAGES.SERVER_UNREACHABLE });
      } else {
        this.setStatus({ kind: 'reconnecting', attempt: this.attempt, lastError: ERROR_MESSAGES.SERVER_UNREACHABLE });
      }
    });
    socket.io.on('reconnect_attempt', (n) => {
      this.attempt = n;
      if (this.status.kind !== 'refused') {
        this.setStatus({ kind: 'reconnecting', attempt: n, lastError: this.status.kind === 'reconnecting' ? this.status.lastError : null });
      }
    });
    socket.on('disconnect', (reason) => {
      this.failPending();
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect' && ended) {
        // Revoked or expired: reconnecting with the same token cannot help.
        this.setStatus({ kind: 'refused', ...ended });
        return;
      }
      if (reason === 'io server disconnect') {
        // The server closed us (a restart, a deploy). socket.io leaves this to us: try again with
        // backoff; a server that really refuses us says so in the handshake and we stop there.
        this.setStatus({ kind: 'reconnecting', attempt: this.attempt, lastError: 'The server closed the connection.' });
        socket.connect();
      } else {
        this.setStatus({ kind: 'reconnecting', attempt: this.attempt, lastError: ERROR_MESSAGES.SERVER_UNREACHABLE });
      }
    });
    socket.on('op:committed', (raw: unknown) => {
      const r = parseCommittedOp(raw);
      if (r.ok) this.ops.emit(r.value);
    });
    socket.on('presence:state', (raw: unknown) => {
      const p = parsePresence(raw);
      if (p) this.presence.emit(p);
    });
    socket.on('incident:summary', (raw: unknown) => {
      const s = parseSummary(raw);
      if (s) this.summaries.emit(s);
    });
    socket.on('incident:head', (raw: unknown) => {
      const h = parseHead(raw);
      if (h) this.heads.emit(h);
    });
    socket.on('incident:notice', (raw: unknown) => {
      const n = parseNotice(raw);
      if (n) this.notices.emit(n);
    });
  }

  disconnect(): void {
    this.closeSocket();
    this.setStatus({ kind: 'offline', reason: 'You are offline. Changes you make are kept and sent when you reconnect.' });
  }

  request<K extends RequestEvent>(event: K, ...args: RequestArgs<K>): Promise<RequestResult<K> | Refusal> {
    const socket = this.socket;
    if (!socket || !socket.connected) return Promise.resolve(refuse('SERVER_UNREACHABLE'));
    return new Promise((resolve) => {
      const id = ++this.nextId;
      const started = Date.now();
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(refuse('TIMEOUT'));
      }, this.options.ackTimeoutMs ?? ACK_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      const emit = socket.emit.bind(socket) as unknown as (ev: string, ...a: unknown[]) => void;
      emit(event, ...args, (res: unknown) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        this.rttMs = Date.now() - started;
        resolve(readAck(event, res) as RequestResult<K> | Refusal);
      });
    });
  }

  send(event: 'presence:typing', payload: { incidentId: string; typing: boolean }): void {
    if (this.socket?.connected) this.socket.emit(event, payload);
  }

  onOp(listener: (op: CommittedOp) => void): () => void {
    return this.ops.add(listener);
  }

  onPresence(listener: (state: PresenceState) => void): () => void {
    return this.presence.add(listener);
  }

  onSummary(listener: (summary: IncidentSummary) => void): () => void {
    return this.summaries.add(listener);
  }

  onNotice(listener: (notice: IncidentNotice) => void): () => void {
    return this.notices.add(listener);
  }

  onStatus(listener: (status: TransportStatus) => void): () => void {
    return this.statuses.add(listener);
  }

  onHead(listener: (notice: HeadNotice) => void): () => void {
    return this.heads.add(listener);
  }

  private setStatus(status: TransportStatus) {
    this.status = status;
    this.statuses.emit(status);
  }

  /** Acks lost with the connection: answer them now so the caller keeps the op and moves on. */
  private failPending() {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve(refuse('SERVER_UNREACHABLE'));
    }
  }

  private closeSocket() {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
    this.failPending();
  }
}
