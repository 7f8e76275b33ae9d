/**
 * The head heartbeat: every HEAD_HEARTBEAT_MS this node tells the sockets it holds in each incident
 * room the incident's newest seq, read from the store. The fan-out between nodes is best-effort; a
 * client that missed a broadcast sees a head above its own and catches up, even when nobody writes
 * again. The head comes from the store, not this node's cache, because the op that was missed may
 * have been committed on another node. Cost: one indexed query per incident per beat per node
 * (never per socket) and one small message per joined socket; sent to local sockets only, so it
 * does not depend on the adapter it is there to back up.
 */
import { HEAD_HEARTBEAT_MS } from '../../shared/constants.ts';
import type { HeadNotice } from '../../shared/protocol.ts';
import { isStoreUnavailable } from '../storeFailure.ts';
import { incidentRoom, type Ctx } from './context.ts';

const ROOM_PREFIX = incidentRoom('');

export interface HeadHeartbeat {
  /** Sends one beat now (tests); resolves when it has gone out. */
  beat(): Promise<void>;
  stop(): void;
}

export function startHeadHeartbeat(ctx: Pick<Ctx, 'io' | 'store' | 'engine' | 'logger'>, everyMs = HEAD_HEARTBEAT_MS): HeadHeartbeat {
  let stopped = false;
  let running: Promise<void> | null = null;
  let wasDown = false;

  /** The notice for one incident; null when the query failed for a reason that is not an outage (logged). */
  async function headOf(incidentId: string): Promise<HeadNotice | null> {
    try {
      return { incidentId, headSeq: await ctx.store.headSeq(incidentId), storeAvailable: true };
    } catch (err) {
      if (!isStoreUnavailable(err)) {
        ctx.logger.error({ err, incidentId }, 'head heartbeat: reading the head failed');
        return null;
      }
      if (!wasDown) ctx.logger.warn({ err, incidentId }, 'head heartbeat: the store did not answer; telling clients it is unavailable');
      wasDown = true;
      return { incidentId, headSeq: ctx.engine.summary(incidentId)?.headSeq ?? 0, storeAvailable: false };
    }
  }

  async function once(): Promise<void> {
    // adapter.rooms holds this node's sockets only: each node beats for the clients it serves.
    const rooms = [...ctx.io.of('/').adapter.rooms].filter(([room, sockets]) => room.startsWith(ROOM_PREFIX) && sockets.size > 0);
    let down = false;
    for (const [room] of rooms) {
      const notice = await headOf(room.slice(ROOM_PREFIX.length));
      if (stopped) return;
      if (!notice) continue;
      down ||= !notice.storeAvailable;
      ctx.io.local.to(room).emit('incident:head', notice);
    }
    if (rooms.length > 0 && !down && wasDown) {
      wasDown = false;
      ctx.logger.info('head heartbeat: the store answers again');
    }
  }

  // A beat never overlaps the previous one: a slow store delays beats instead of piling up queries.
  const beat = () => (running ??= once().finally(() => {
    running = null;
  }));
  const timer = setInterval(() => void beat().catch((err: unknown) => ctx.logger.warn({ err }, 'head heartbeat failed')), everyMs);
  timer.unref();
  return {
    beat,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
