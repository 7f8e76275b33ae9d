/** The handshake middleware, the per-message size check, and wiring each feature to a socket. */
import { refuse } from '../../shared/errors.ts';
import type { ConnectRefusal } from '../../shared/protocol.ts';
import type { Access } from '../access/access.ts';
import { revocationKeys } from '../access/registry.ts';
import { connectRefusal } from '../auth.ts';
import type { Limits } from '../config.ts';
import { createTokenBucket } from '../rateLimit.ts';
import { handshakeRefusal, integrationRefusal } from './permissions.ts';
import { lobbyRoom, type Conn, type Ctx, type IO, type WarSocket } from './context.ts';
import { registerIncidents } from './incidents.ts';
import { leaveIncident, registerJoin } from './join.ts';
import { registerOps } from './ops.ts';
import { registerOpsLog } from './opsLog.ts';
import { registerPresence } from './presence.ts';

const KNOWN_EVENTS = new Set(['session:whoami', 'incident:list', 'incident:create', 'incident:join', 'incident:leave', 'incident:ops', 'incident:snapshot', 'op:submit', 'presence:typing']);

export interface ConnectionOptions {
  access: Access;
  limits: Limits;
  maxPayloadBytes: number;
}

/** socket.io hands `data` of a middleware error to the client's connect_error. */
function refusalError(refusal: ConnectRefusal): Error & { data: ConnectRefusal } {
  return Object.assign(new Error(refusal.message), { data: refusal });
}

export function attachConnections(io: IO, ctx: Ctx, options: ConnectionOptions): void {
  const grants = new WeakMap<object, string>();
  io.use((socket, next) => {
    const refused = (refusal: ConnectRefusal) => {
      ctx.metrics.connectionsRefused.inc({ code: refusal.code });
      // Never the auth itself: it holds the token.
      ctx.logger.info({ code: refusal.code, address: socket.handshake.address }, 'connection refused');
      next(refusalError(refusal));
    };
    const early = handshakeRefusal(socket.handshake.auth);
    if (early) return refused(connectRefusal(early.code, early.detail));
    options.access.admit(socket.handshake.auth).then((r) => {
      if (!r.ok) return refused(r.refusal);
      const barred = integrationRefusal(r.claims.role, r.clientId);
      if (barred) return refused(connectRefusal(barred.code, barred.detail));
      socket.data.clientId = r.clientId;
      socket.data.access = r.claims.role;
      socket.data.scope = r.claims.incidentId;
      socket.data.tokenJti = r.claims.jti;
      socket.data.tokenKeys = revocationKeys(r.claims);
      socket.data.expiresAt = r.claims.exp;
      // Not in socket.data: that travels to other nodes through the adapter (fetchSockets).
      if (r.sessionToken) grants.set(socket, r.sessionToken);
      // A session presented with another clientId (e.g. an admin-issued one pasted into a fresh
      // install): tell the client who it acts as, or every op it signs would be ACTOR_MISMATCH.
      else if ((socket.handshake.auth as { clientId?: unknown }).clientId !== r.clientId) {
        grants.set(socket, String((socket.handshake.auth as { token?: unknown }).token));
      }
      if (r.sessionToken) ctx.logger.info({ clientId: r.clientId, session: r.claims.jti, invite: r.claims.inv }, 'invite redeemed');
      next();
    }, (err: unknown) => {
      ctx.logger.error({ err }, 'access registry failed during a handshake');
      refused(connectRefusal('STORE_UNAVAILABLE', 'the access registry did not answer'));
    });
  });

  io.on('connection', (socket: WarSocket) => {
    const conn: Conn = {
      socket, clientId: socket.data.clientId, access: socket.data.access, scope: socket.data.scope, sessionToken: grants.get(socket) ?? null,
      joined: new Set(), bucket: createTokenBucket(options.limits.rateLimitPerSec, options.limits.rateLimitBurst),
    };
    ctx.metrics.connectedClients.inc();
    void socket.join(lobbyRoom(conn.scope));
    grants.delete(socket);
    if (conn.sessionToken && socket.data.expiresAt !== null) {
      socket.emit('session:token', { token: conn.sessionToken, clientId: conn.clientId, expiresAt: socket.data.expiresAt });
    }

    // socket.io already cut anything past maxHttpBufferSize; this answers the merely too large with a sentence.
    socket.use((packet, next) => {
      const last = packet[packet.length - 1];
      const ack = typeof last === 'function' ? (last as (r: unknown) => void) : null;
      const body = ack ? packet.slice(0, -1) : packet;
      let size: number;
      try {
        size = Buffer.byteLength(JSON.stringify(body));
      } catch {
        size = Number.POSITIVE_INFINITY;
      }
      if (size <= options.maxPayloadBytes) {
        next();
        return;
      }
      ctx.metrics.opsRejected.inc({ code: 'PAYLOAD_TOO_LARGE' });
      ctx.logger.info({ clientId: conn.clientId, event: String(packet[0]), bytes: size }, 'message too large');
      ack?.(refuse('PAYLOAD_TOO_LARGE', `${size} bytes; the limit is ${options.maxPayloadBytes}`));
    });

    registerOps(conn, ctx);
    registerJoin(conn, ctx);
    registerOpsLog(conn, ctx);
    registerIncidents(conn, ctx);
    registerPresence(conn, ctx);
    // An event nobody handles would leave the sender waiting for its ack timeout; answer it now.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (KNOWN_EVENTS.has(String(event))) return;
      const last = args[args.length - 1];
      if (typeof last !== 'function') return;
      const ack = last as (r: unknown) => void;
      ack(conn.bucket.take() ? refuse('INVALID_OP', `unknown event "${String(event).slice(0, 40)}"`) : refuse('RATE_LIMITED'));
    });

    socket.on('disconnect', () => {
      ctx.metrics.connectedClients.dec();
      for (const id of [...conn.joined]) leaveIncident(conn, ctx, id);
    });
  });
}
