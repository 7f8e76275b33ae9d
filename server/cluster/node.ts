/**
 * What makes one server a good cluster member: the admission gate in front of every handler,
 * slow-consumer cut-off, shared snapshot acks, the dependency health behind /readyz and
 * /metrics, and the SIGTERM drain. createServer attaches it before the feature handlers, so its
 * middlewares run first.
 */
import { DRAIN_RECONNECT_SPREAD_MS, PROTOCOL_VERSION } from '../../shared/constants.ts';
import { refuse, type ErrorCode } from '../../shared/errors.ts';
import type { ConnectRefusal } from '../../shared/protocol.ts';
import type { FanoutHealth } from '../fanout.ts';
import type { IO, WarSocket } from '../handlers/context.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { TxRetryCounts } from '../store/pgRetry.ts';
import { createAdmission, type AdmissionOptions, type OverloadReason } from './admission.ts';
import { installSharedAcks } from './sharedSnapshot.ts';
import { bufferedBytes, watchSlowConsumers, type SlowConsumerOptions } from './slowConsumers.ts';

export interface ClusterOptions {
  admission?: Partial<AdmissionOptions>;
  slowConsumers?: SlowConsumerOptions;
}

/** Requests that start new work; the rest (whoami, leave, typing) stay cheap and always pass. */
const WORK = new Set(['op:submit', 'incident:create', 'incident:join', 'incident:ops', 'incident:list']);
const DRAIN_POLL_MS = 20;
const REASON_TEXT: Record<OverloadReason, string> = { lag: 'event loop delayed', inflight: 'too many requests in progress', heap: 'memory nearly full' };

function connectRefusal(code: ErrorCode, retryAfterMs: number): Error & { data: ConnectRefusal } {
  const r = refuse(code);
  return Object.assign(new Error(r.message), { data: { code, message: r.message, serverProtocol: PROTOCOL_VERSION, retryAfterMs } });
}

async function until(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
  }
  return true;
}

export function attachCluster(io: IO, deps: { logger: Logger; metrics: Metrics; txRetries?: TxRetryCounts }, options: ClusterOptions = {}) {
  const { logger, metrics } = deps;
  const countedRetries: TxRetryCounts = { deadlock: 0, serialization: 0 };
  const admission = createAdmission(options.admission, (reason, s) => {
    metrics.overloaded.set(reason ? 1 : 0);
    if (reason) logger.warn({ reason, ...s, thresholds: admission.options }, 'overloaded: refusing new work');
    else logger.info({ ...s }, 'load back to normal: admitting work');
  });
  const slow = watchSlowConsumers(io, deps, options.slowConsumers);
  let draining = false;
  let fanout: (() => FanoutHealth) | null = null;
  let countedErrors: Partial<Record<string, number>> = {};

  io.use((_socket, next) => {
    if (draining) {
      next(connectRefusal('SHUTTING_DOWN', DRAIN_RECONNECT_SPREAD_MS));
      return;
    }
    const why = admission.overloaded();
    if (why) {
      metrics.admissionRefused.inc({ reason: why });
      next(connectRefusal('OVERLOADED', admission.retryAfterMs()));
      return;
    }
    next();
  });

  io.on('connection', (socket: WarSocket) => {
    installSharedAcks(socket);
    socket.use((packet, next) => {
      const event = String(packet[0]);
      if (!WORK.has(event)) {
        next();
        return;
      }
      const i = packet.length - 1;
      const ack = typeof packet[i] === 'function' ? (packet[i] as (r: unknown) => void) : null;
      if (draining) {
        ack?.(refuse('SHUTTING_DOWN'));
        return;
      }
      const why = admission.overloaded();
      if (why) {
        metrics.admissionRefused.inc({ reason: why });
        metrics.opsRejected.inc({ code: 'OVERLOADED' });
        ack?.({ ...refuse('OVERLOADED', REASON_TEXT[why]), retryAfterMs: admission.retryAfterMs() });
        return;
      }
      if (ack) {
        const done = admission.admit();
        packet[i] = (r: unknown) => {
          done();
          ack(r);
        };
      }
      next();
    });
    const notice = slow.takeNotice(socket.data.clientId);
    if (notice) socket.emit('session:dropped', notice);
  });

  /** Brings the fan-out gauge and error counter up to date (before every scrape and readiness answer). */
  const refresh = (): FanoutHealth | null => {
    for (const reason of ['deadlock', 'serialization'] as const) {
      const n = deps.txRetries?.[reason] ?? 0;
      if (n > countedRetries[reason]) metrics.storeRetries.inc({ reason }, n - countedRetries[reason]);
      countedRetries[reason] = n;
    }
    const h = fanout?.() ?? null;
    metrics.fanoutUp.set(h === null || h.up ? 1 : 0);
    if (h) {
      for (const [kind, n] of Object.entries(h.errors)) {
        const delta = (n ?? 0) - (countedErrors[kind] ?? 0);
        if (delta > 0) metrics.fanoutErrors.inc({ kind }, delta);
      }
      countedErrors = h.errors;
    }
    return h;
  };

  return {
    admission,
    slowConsumers: slow,
    draining: () => draining,
    setFanout(health: (() => FanoutHealth) | undefined) {
      fanout = health ?? null;
      refresh();
    },
    refresh,

    /**
     * The drain: /readyz answers 503 from here on; new work is refused SHUTTING_DOWN; requests
     * already admitted are answered (the engine commits them and their acks go out); then every
     * socket hears 'server:draining' and its connection closes, so clients reconnect elsewhere.
     * Bounded by timeoutMs overall; resolves with what was left undone.
     */
    async drain(timeoutMs: number, finishQueued: () => Promise<void>, readyGraceMs = 0): Promise<{ unanswered: number; unsentBytes: number }> {
      draining = true;
      metrics.draining.set(1);
      const deadline = Date.now() + timeoutMs;
      logger.info({ inflight: admission.inflight(), sockets: io.of('/').sockets.size, timeoutMs, readyGraceMs }, 'draining');
      // A load balancer polling /readyz needs a moment to stop sending people here.
      if (readyGraceMs > 0) await new Promise((r) => setTimeout(r, Math.min(readyGraceMs, timeoutMs)));
      await Promise.race([finishQueued(), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
      await until(() => admission.inflight() === 0, deadline);
      const local = [...io.of('/').sockets.values()];
      const r = refuse('SHUTTING_DOWN');
      for (const s of local) s.emit('server:draining', { code: 'SHUTTING_DOWN', message: r.message, reconnectWithinMs: DRAIN_RECONNECT_SPREAD_MS });
      await until(() => local.every((s) => !s.connected || bufferedBytes(s) === 0), deadline);
      // Close the transports (not a server disconnect, which socket.io clients do not reconnect from).
      for (const s of local) s.conn.close();
      await until(() => io.of('/').sockets.size === 0, deadline);
      const left = { unanswered: admission.inflight(), unsentBytes: local.reduce((n, s) => n + (s.connected ? bufferedBytes(s) : 0), 0) };
      logger.info(left, 'drained');
      return left;
    },

    close() {
      admission.close();
      slow.close();
    },
  };
}

export type ClusterNode = ReturnType<typeof attachCluster>;
