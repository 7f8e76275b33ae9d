/** incident:list and session:whoami: what this connection may see and who it is. */
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { handle, type Conn, type Ctx } from './context.ts';

export function registerIncidents(conn: Conn, ctx: Ctx): void {
  handle(conn, ctx, 'incident:list', async () => {
    const all = await ctx.engine.list();
    const visible = conn.scope === null ? all : all.filter((s) => s.id === conn.scope);
    return { ok: true, incidents: visible.map((s) => ({ ...s, online: ctx.presence.online(s.id) })) };
  });
  handle(conn, ctx, 'session:whoami', () => {
    return {
      ok: true, clientId: conn.clientId, access: conn.access, incidentId: conn.scope, serverProtocol: PROTOCOL_VERSION,
      expiresAt: conn.socket.data.expiresAt, ...(conn.sessionToken ? { sessionToken: conn.sessionToken } : {}),
    };
  });
}
