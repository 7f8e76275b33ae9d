/**
 * The client's timer: only a liveness ping now. Help escalation and the overdue-update reminder
 * run on the server (server/duties), which writes them as ops and sends `incident:notice`; the
 * client shows a notification when they arrive (renderer/sync/notify.ts), so there is one path.
 */
import type { StoreCtx } from './context.ts';
import type { WarRoomState } from './types.ts';

export function createTicker(_get: () => WarRoomState, ctx: StoreCtx): (now?: number) => void {
  return () => {
    void ctx.engine.ping();
  };
}
