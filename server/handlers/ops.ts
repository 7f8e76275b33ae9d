/** op:submit and incident:create: parse, check permission, then hand to the ordering engine. */
import { parseOp } from '../../shared/ops.ts';
import type { SubmitAck } from '../engine.ts';
import { handle, refusal, type Conn, type Ctx } from './context.ts';
import { opPermission } from './permissions.ts';

async function submit(conn: Conn, ctx: Ctx, payload: unknown, createOnly: boolean): Promise<SubmitAck> {
  const parsed = parseOp(payload);
  if (!parsed.ok) return refusal(parsed.code, parsed.message);
  const op = parsed.value;
  if (createOnly && op.type !== 'incident.create') return refusal('INVALID_OP', 'incident:create takes an op of type incident.create');
  if (conn.access === 'viewer') return refusal('FORBIDDEN_ROLE');
  const denied = opPermission(conn.access, op);
  if (denied) return denied;
  if (conn.scope !== null && op.incidentId !== conn.scope) return refusal('FORBIDDEN_INCIDENT', `your invite is for ${conn.scope}`);
  // conn.clientId is the session's holder (bound at the invite's redemption), not what the client claimed.
  if (op.actorId !== conn.clientId) return refusal('ACTOR_MISMATCH', `actorId ${op.actorId} is not ${conn.clientId}, the holder of this connection's session`);
  if (op.type !== 'incident.create' && !conn.joined.has(op.incidentId)) return refusal('NOT_JOINED', op.incidentId);
  return ctx.engine.submit(op);
}

export function registerOps(conn: Conn, ctx: Ctx): void {
  handle(conn, ctx, 'op:submit', (payload) => submit(conn, ctx, payload, false));
  handle(conn, ctx, 'incident:create', async (payload) => {
    const r = await submit(conn, ctx, payload, true);
    if (!r.ok) return r;
    return { ok: true, seq: r.seq, incidentId: r.incidentId ?? (payload as { incidentId: string }).incidentId, ...(r.duplicate ? { duplicate: true } : {}) };
  });
}
