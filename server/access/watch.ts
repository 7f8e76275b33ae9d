/**
 * Ends live sockets whose token was revoked (on any node: the registry is shared) or has expired.
 * Polls every REVOCATION_POLL_MS, so a socket is gone well within the promised 5 s. Before the
 * disconnect the socket gets `session:ended` with the code and the sentence to show.
 */
import { REVOCATION_POLL_MS } from '../../shared/constants.ts';
import { ERROR_MESSAGES, type ErrorCode } from '../../shared/errors.ts';
import type { IO, WarSocket } from '../handlers/context.ts';
import type { Logger } from '../logger.ts';
import type { AccessRegistry } from './registry.ts';

/** PostgreSQL sequence values may commit out of order; re-reading a short window catches late ones. */
const REREAD_WINDOW = 100;

export function endSession(socket: WarSocket, code: ErrorCode): void {
  socket.emit('session:ended', { code, message: ERROR_MESSAGES[code] });
  socket.disconnect(true);
}

export function watchSessions(io: IO, registry: AccessRegistry, logger: Logger, pollMs = REVOCATION_POLL_MS) {
  let cursor = 0;
  const seen = new Set<string>();
  let running: Promise<void> | null = null;
  let stopped = false;

  async function tick(): Promise<void> {
    const now = Date.now();
    let fresh: string[] = [];
    try {
      const r = await registry.revokedSince(Math.max(0, cursor - REREAD_WINDOW));
      cursor = Math.max(cursor, r.cursor);
      fresh = r.jtis.filter((j) => !seen.has(j));
      for (const j of fresh) seen.add(j);
    } catch (err) {
      logger.warn({ err }, 'access registry: could not read revocations; will retry');
    }
    if (stopped) return;
    const revoked = new Set(fresh);
    for (const socket of io.of('/').sockets.values()) {
      const keys = socket.data.tokenKeys ?? [];
      if (keys.some((k) => revoked.has(k))) {
        logger.info({ clientId: socket.data.clientId, jti: socket.data.tokenJti }, 'session ended: token revoked');
        endSession(socket, 'TOKEN_REVOKED');
      } else if (socket.data.expiresAt !== null && socket.data.expiresAt !== undefined && socket.data.expiresAt <= now) {
        logger.info({ clientId: socket.data.clientId, jti: socket.data.tokenJti }, 'session ended: token expired');
        endSession(socket, 'TOKEN_EXPIRED');
      }
    }
  }

  // The first read only learns what was revoked before this start: those tokens cannot connect.
  const first = registry.revokedSince(0).then((r) => {
    cursor = r.cursor;
    for (const j of r.jtis) seen.add(j);
  }, (err: unknown) => logger.warn({ err }, 'access registry: could not read revocations'));
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = first.then(tick).finally(() => {
      running = null;
    });
  }, pollMs);
  timer.unref();
  return {
    async close() {
      stopped = true;
      clearInterval(timer);
      await first;
      await running;
    },
  };
}
