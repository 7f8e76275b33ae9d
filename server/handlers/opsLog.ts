/**
 * incident:ops: pages of the committed op log, read straight from the store. Joins answer a far
 * behind client with a snapshot, so this is how a client gets the full history (the lossless
 * JSON export). Read-only: viewers may use it; the token's incident scope applies.
 */
import { z } from 'zod';
import { OPS_PAGE_MAX } from '../../shared/constants.ts';
import { idSchema } from '../../shared/ops.ts';
import { handle, refusal, type Conn, type Ctx } from './context.ts';

const opsSchema = z.strictObject({
  incidentId: idSchema,
  afterSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

export function registerOpsLog(conn: Conn, ctx: Ctx): void {
  handle(conn, ctx, 'incident:ops', async (payload) => {
    const parsed = opsSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refusal('INVALID_OP', `incident:ops takes { incidentId, afterSeq, limit }: ${issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid'}`);
    }
    const { incidentId, afterSeq, limit } = parsed.data;
    if (conn.scope !== null && incidentId !== conn.scope) return refusal('FORBIDDEN_INCIDENT', `your invite is for ${conn.scope}`);
    // The store, not this node's cache: with several nodes, another one may have committed more.
    const head = await ctx.store.headSeq(incidentId);
    if (head === 0) return refusal('INCIDENT_NOT_FOUND', incidentId);
    const ops = afterSeq >= head ? [] : await ctx.store.readOps(incidentId, afterSeq, Math.min(limit, OPS_PAGE_MAX));
    // Ops committed between the two reads may follow head; never answer a head below the last op.
    return { ok: true, ops, headSeq: Math.max(head, ops[ops.length - 1]?.seq ?? 0) };
  });
}
