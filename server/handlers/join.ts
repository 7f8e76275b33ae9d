/** incident:join and incident:leave: catch-up answers and room membership. */
import { z } from 'zod';
import { idSchema } from '../../shared/ops.ts';
import { joinExtraTokens, shapeJoin } from '../cluster/joinAnswer.ts';
import type { PresenceSocketData } from '../presence.ts';
import { handle, incidentRoom, refusal, type Conn, type Ctx } from './context.ts';

const joinSchema = z.strictObject({ incidentId: idSchema, sinceSeq: z.number().int().min(0) });
const leaveSchema = z.strictObject({ incidentId: idSchema });

/** Leaves the room and the presence list; shared by incident:leave and disconnect. */
export function leaveIncident(conn: Conn, ctx: Ctx, incidentId: string): void {
  if (!conn.joined.delete(incidentId)) return;
  void conn.socket.leave(incidentRoom(incidentId));
  const data = conn.socket.data as PresenceSocketData;
  if (data.typing) data.typing = data.typing.filter((id) => id !== incidentId);
  const before = ctx.presence.online(incidentId);
  ctx.presence.remove(incidentId, conn.clientId, conn.socket.id);
  ctx.publishPresence(incidentId);
  if (ctx.presence.online(incidentId) !== before) ctx.publishOnline(incidentId);
}

export function registerJoin(conn: Conn, ctx: Ctx): void {
  handle(conn, ctx, 'incident:join', async (payload) => {
    const parsed = joinSchema.safeParse(payload);
    if (!parsed.success) return refusal('INVALID_OP', `incident:join takes { incidentId, sinceSeq }: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const { incidentId, sinceSeq } = parsed.data;
    if (conn.scope !== null && incidentId !== conn.scope) return refusal('FORBIDDEN_INCIDENT', `your invite is for ${conn.scope}`);
    let onlineBefore = 0;
    let added = false;
    const r = await ctx.engine.join(incidentId, sinceSeq, () => {
      void conn.socket.join(incidentRoom(incidentId));
      conn.joined.add(incidentId);
      onlineBefore = ctx.presence.online(incidentId);
      added = ctx.presence.add(incidentId, conn.clientId, conn.socket.id);
    });
    if (!r.ok) return r;
    if (!conn.socket.connected) {
      leaveIncident(conn, ctx, incidentId);
      return r;
    }
    // Big answers cost rate-limit tokens by size (the bucket may go into debt, down to -burst), so
    // one socket cannot ask for the same 32 MB snapshot again and again; ops past JOIN_MAX_OPS_BYTES are paged.
    const shaped = shapeJoin(r, incidentId, ctx.snapshots);
    const extra = joinExtraTokens(shaped.bytes);
    if (extra > 0 && !conn.bucket.charge(extra)) {
      leaveIncident(conn, ctx, incidentId);
      return { ...refusal('RATE_LIMITED', `a join answer of ${shaped.bytes} bytes`), retryAfterMs: conn.bucket.waitMs(1) };
    }
    ctx.metrics.joinBytes.inc(shaped.bytes);
    if (sinceSeq > 0) ctx.metrics.catchUps.inc({ kind: shaped.kind });
    // The joiner gets who is here now, just before its ack; the room hears of it coalesced.
    ctx.sendPresenceTo(conn.socket, incidentId);
    if (added) ctx.publishPresence(incidentId);
    if (ctx.presence.online(incidentId) !== onlineBefore) ctx.publishOnline(incidentId);
    return { ...shaped.answer, access: conn.access };
  });
  handle(conn, ctx, 'incident:leave', (payload) => {
    const parsed = leaveSchema.safeParse(payload);
    if (!parsed.success) return refusal('INVALID_OP', 'incident:leave takes { incidentId }');
    leaveIncident(conn, ctx, parsed.data.incidentId);
    return { ok: true };
  });
}
