/** presence:typing: ephemeral, broadcast to the room, never stored. */
import { z } from 'zod';
import { idSchema } from '../../shared/ops.ts';
import type { PresenceSocketData } from '../presence.ts';
import { handle, refusal, type Conn, type Ctx } from './context.ts';

const typingSchema = z.strictObject({ incidentId: idSchema, typing: z.boolean() });

export function registerPresence(conn: Conn, ctx: Ctx): void {
  handle(conn, ctx, 'presence:typing', (payload) => {
    const parsed = typingSchema.safeParse(payload);
    if (!parsed.success) return refusal('INVALID_OP', 'presence:typing takes { incidentId, typing }');
    const { incidentId, typing } = parsed.data;
    if (!conn.joined.has(incidentId)) return refusal('NOT_JOINED', incidentId);
    if (ctx.presence.setTyping(incidentId, conn.clientId, conn.socket.id, typing)) {
      const data = conn.socket.data as PresenceSocketData;
      const others = (data.typing ?? []).filter((id) => id !== incidentId);
      data.typing = typing ? [...others, incidentId] : others;
      ctx.publishPresence(incidentId);
    }
    return { ok: true };
  });
}
