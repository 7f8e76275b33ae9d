/**
 * Slow consumers: a socket that stops reading keeps every broadcast for it in this process's
 * memory (engine.io's write buffer, then ws and the kernel). Every check (SOCKET_BUFFER_CHECK_MS),
 * a socket is cut at once when
 *  - it has more than SOCKET_MAX_BUFFERED_BYTES unsent and the kernel took none of its bytes for
 *    SOCKET_STALL_MS (it stopped reading; a client busy parsing a big answer for a moment is spared), or
 *  - it has more than SOCKET_HARD_MAX_BUFFERED_BYTES unsent, reading or not (it reads too slowly
 *    to ever catch up; the bound is high enough for one large snapshot answer).
 * Cut means terminate: no close handshake, which a non-reading peer would stall for ~30 s; the
 * memory is released with it. The node remembers why and tells that clientId once when it
 * reconnects ('session:dropped').
  */
import {
  DROP_NOTICE_TTL_MS, SOCKET_BUFFER_CHECK_MS, SOCKET_HARD_MAX_BUFFERED_BYTES, SOCKET_MAX_BUFFERED_BYTES, SOCKET_STALL_MS,
} from '../../shared/constants.ts';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { DropNotice } from '../../shared/protocol.ts';
import type { IO, WarSocket } from '../handlers/context.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

interface EnginePacket { data?: string | Buffer; options?: { wsPreEncodedFrame?: Buffer[] } }
interface TcpSocket { bytesWritten?: number; writableLength?: number }
interface EngineConn {
  writeBuffer?: EnginePacket[];
  transport?: { name?: string; socket?: { bufferedAmount?: number; terminate?: () => void; _socket?: TcpSocket } };
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

/** Bytes the kernel took from this socket so far: grows only while the peer reads (once its buffers are full). */
export function deliveredBytes(socket: WarSocket): number {
  const tcp = (socket.conn as unknown as EngineConn).transport?.socket?._socket;
  return (tcp?.bytesWritten ?? 0) - (tcp?.writableLength ?? 0);
}

export interface SlowConsumerOptions {
  maxBufferedBytes?: number;
  /** Past this many unsent bytes a socket is cut even while it still reads (slowly). */
  hardMaxBufferedBytes?: number;
  /** How long a socket over the cap may take nothing before it is cut (ms). */
  stallMs?: number;
  checkMs?: number;
}

const MAX_NOTICES = 10_000;

export function watchSlowConsumers(io: IO, deps: { logger: Logger; metrics: Metrics }, options: SlowConsumerOptions = {}) {
  const max = options.maxBufferedBytes ?? SOCKET_MAX_BUFFERED_BYTES;
  const hardMax = options.hardMaxBufferedBytes ?? SOCKET_HARD_MAX_BUFFERED_BYTES;
  const stallMs = options.stallMs ?? SOCKET_STALL_MS;
  /** Per socket: bytes the kernel had taken at the last check, and since when it is over the cap without progress. */
  const last = new WeakMap<WarSocket, { delivered: number; stalledSince: number | null }>();
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
      const delivered = deliveredBytes(socket);
      largest = Math.max(largest, bytes);
      const before = last.get(socket);
      const progress = before === undefined || delivered > before.delivered;
      const stalledSince = bytes > max && !progress ? (before?.stalledSince ?? Date.now()) : null;
      last.set(socket, { delivered, stalledSince });
      if (bytes > hardMax || (stalledSince !== null && Date.now() - stalledSince >= stallMs)) drop(socket, bytes);
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
