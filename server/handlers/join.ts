/** incident:join and incident:leave: catch-up answers and room membership. */
import { z } from 'zod';
import { SNAPSHOT_PAGE_BYTES, SNAPSHOT_PAGE_TTL_MS } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import { idSchema } from '../../shared/ops.ts';
import { joinExtraTokens, shapeJoin } from '../cluster/joinAnswer.ts';
import type { PresenceSocketData } from '../presence.ts';
import { handle, incidentRoom, refusal, type Conn, type Ctx } from './context.ts';

const joinSchema = z.strictObject({ incidentId: idSchema, sinceSeq: z.number().int().min(0), snapshotPages: z.boolean().optional() });
const leaveSchema = z.strictObject({ incidentId: idSchema });
const pageSchema = z.strictObject({ incidentId: idSchema, seq: z.number().int().min(0), page: z.number().int().min(1) });

function dropOffer(conn: Conn, incidentId: string): void {
  const offer = conn.offers?.get(incidentId);
  if (!offer) return;
  clearTimeout(offer.timer);
  conn.offers!.delete(incidentId);
}

/**
 * A snapshot over SNAPSHOT_PAGE_BYTES, offered in pages: the answer carries page 0 and the count;
 * the socket fetches the others with incident:snapshot (each once, within SNAPSHOT_PAGE_TTL_MS).
 * The bytes are the shared serialization every joiner of this state gets (no copy per socket).
 */
function pagedSnapshot(conn: Conn, ctx: Ctx, incidentId: string, seq: number, state: IncidentState) {
  const json = ctx.snapshots ? ctx.snapshots.get(incidentId, state).json : Buffer.from(JSON.stringify(state));
  if (json.length <= SNAPSHOT_PAGE_BYTES) return null;
  dropOffer(conn, incidentId);
  const pages = Math.ceil(json.length / SNAPSHOT_PAGE_BYTES);
  const timer = setTimeout(() => dropOffer(conn, incidentId), SNAPSHOT_PAGE_TTL_MS);
  timer.unref();
  (conn.offers ??= new Map()).set(incidentId, { seq, json, pages, served: new Set(), timer });
  return { seq, pages, bytes: json.length, part: json.subarray(0, SNAPSHOT_PAGE_BYTES) };
}

/** Leaves the room and the presence list; shared by incident:leave and disconnect. */
export function leaveIncident(conn: Conn, ctx: Ctx, incidentId: string): void {
  dropOffer(conn, incidentId);
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
    const { incidentId, sinceSeq, snapshotPages } = parsed.data;
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
    const paged = snapshotPages && r.snapshot ? pagedSnapshot(conn, ctx, incidentId, r.snapshot.seq, r.snapshot.state) : null;
    if (paged) return { ...shaped.answer, snapshot: paged, access: conn.access };
    return { ...shaped.answer, access: conn.access };
  });
  // Pages of an offered snapshot are not charged again (the join paid for all of its bytes); any
  // other request for a page costs a token like every event, so it cannot be spammed for free.
  handle(conn, ctx, 'incident:snapshot', (payload) => {
    const parsed = pageSchema.safeParse(payload);
    const p = parsed.success ? parsed.data : null;
    const offer = p ? conn.offers?.get(p.incidentId) : undefined;
    if (!p || !offer || offer.seq !== p.seq || p.page >= offer.pages || offer.served.has(p.page)) {
      if (!conn.bucket.take()) return { ...refusal('RATE_LIMITED'), retryAfterMs: conn.bucket.waitMs(1) };
      if (!p) return refusal('INVALID_OP', `incident:snapshot takes { incidentId, seq, page }: ${parsed.error?.issues[0]?.message ?? 'invalid'}`);
      return refusal('SNAPSHOT_GONE', offer && offer.seq === p.seq ? `page ${p.page} of ${offer.pages} was already sent or does not exist` : `no snapshot at seq ${p.seq} offered to this connection`);
    }
    offer.served.add(p.page);
    const part = offer.json.subarray(p.page * SNAPSHOT_PAGE_BYTES, (p.page + 1) * SNAPSHOT_PAGE_BYTES);
    if (offer.served.size === offer.pages - 1) dropOffer(conn, p.incidentId);
    return { ok: true, seq: p.seq, page: p.page, part };
  }, { charged: false });
  handle(conn, ctx, 'incident:leave', (payload) => {
    const parsed = leaveSchema.safeParse(payload);
    if (!parsed.success) return refusal('INVALID_OP', 'incident:leave takes { incidentId }');
    leaveIncident(conn, ctx, parsed.data.incidentId);
    return { ok: true };
  });
}
