/**
 * Slow consumers: a socket that stops reading keeps every broadcast for it in this process's
 * memory (engine.io's write buffer, then ws and the kernel). A socket found over
 * SOCKET_MAX_BUFFERED_BYTES unsent at two checks in a row, not shrinking in between, is cut at once
 * (terminate: no close handshake, which a non-reading peer would stall for ~30 s), and its memory
 * is released. A big answer to a healthy client (a snapshot) drains between checks and is spared.
 * The node remembers why, and tells that clientId once when it reconnects ('session:dropped').
 */
import { DROP_NOTICE_TTL_MS, SOCKET_BUFFER_CHECK_MS, SOCKET_MAX_BUFFERED_BYTES } from '../../shared/constants.ts';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { DropNotice } from '../../shared/protocol.ts';
import type { IO, WarSocket } from '../handlers/context.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

interface EnginePacket { data?: string | Buffer; options?: { wsPreEncodedFrame?: Buffer[] } }
interface EngineConn {
  writeBuffer?: EnginePacket[];
  transport?: { name?: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
}

const sizeOf = (p: EnginePacket): number => {
  const frame = p.options?.wsPreEncodedFrame;
  if (frame) return frame.reduce((n, b) => n + b.length, 0);
  if (typeof p.data === 'string') return p.data.length;
  return p.data?.length ?? 0;
};

/** Bytes written to this socket that the peer has not taken yet (engine.io's queue plus ws's). */
export function bufferedBytes(socket: WarSocket): number {
  const conn = socket.conn as unknown as EngineConn;
  let n = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of conn.writeBuffer ?? []) n += sizeOf(p);
  return n;
}

export interface SlowConsumerOptions {
  maxBufferedBytes?: number;
  checkMs?: number;
}

const MAX_NOTICES = 10_000;

export function watchSlowConsumers(io: IO, deps: { logger: Logger; metrics: Metrics }, options: SlowConsumerOptions = {}) {
  const max = options.maxBufferedBytes ?? SOCKET_MAX_BUFFERED_BYTES;
  const last = new WeakMap<WarSocket, number>();
  const notices = new Map<string, DropNotice>();

  const drop = (socket: WarSocket, bytes: number) => {
    const clientId = socket.data.clientId;
    notices.delete(clientId);
    if (notices.size >= MAX_NOTICES) notices.delete(notices.keys().next().value!);
    notices.set(clientId, { code: 'SLOW_CONSUMER', message: ERROR_MESSAGES.SLOW_CONSUMER, at: Date.now(), bufferedBytes: bytes });
    deps.metrics.slowConsumerDrops.inc();
    deps.logger.warn({ clientId, socketId: socket.id, bufferedBytes: bytes, limit: max }, 'slow consumer disconnected');
    const conn = socket.conn as unknown as EngineConn;
    // Unsent packets go with it; the client catches up from its seq when it reconnects.
    if (conn.writeBuffer) conn.writeBuffer.length = 0;
    const ws = conn.transport?.socket;
    if (ws?.terminate) ws.terminate();
    else socket.disconnect(true);
  };

  const check = () => {
    let largest = 0;
    for (const socket of io.of('/').sockets.values()) {
      const bytes = bufferedBytes(socket);
      largest = Math.max(largest, bytes);
      const before = last.get(socket) ?? 0;
      last.set(socket, bytes);
      if (bytes > max && before > max && bytes >= before) drop(socket, bytes);
    }
    deps.metrics.socketBufferedMaxBytes.set(largest);
  };
  const timer = setInterval(check, options.checkMs ?? SOCKET_BUFFER_CHECK_MS).unref();

  return {
    check,
    /** The notice for a reconnecting clientId, once. */
    takeNotice(clientId: string): DropNotice | null {
      const n = notices.get(clientId);
      if (!n) return null;
      notices.delete(clientId);
      return Date.now() - n.at <= DROP_NOTICE_TTL_MS ? n : null;
    },
    close: () => clearInterval(timer),
  };
}
