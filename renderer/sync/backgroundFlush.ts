/**
 * Sends edits queued in incidents that are not open (made offline, then the user moved on), so
 * they reach the server without reopening each incident. Same rules as the engine: join with the
 * stored head, resend in order with the same opIds, fold what comes back, move refusals to the
 * unsent tray with the server's sentence. Stops as soon as the user opens that incident (the engine takes over).
 */
import { apply } from '../../shared/reducer.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { StoreCtx } from '../store/context.ts';
import type { WarRoomState } from '../store/types.ts';
import { parseJoinResult } from './inbound.ts';
import { assembleJoin } from '../../shared/snapshotPages.ts';
import type { RequestResult } from './transport.ts';
import type { Refusal } from '../../shared/errors.ts';
import { transient } from './refusals.ts';

function foldInto(state: IncidentState | null, head: number, ops: readonly CommittedOp[]) {
  let s = state;
  let h = head;
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.seq <= h) continue;
    if (op.seq !== h + 1) break;
    const r = apply(s, op);
    if (!r.ok) break;
    s = r.state;
    h = op.seq;
    seen.add(op.opId);
  }
  return { state: s, head: h, seen };
}

/**
 * Returns how many queued edits were confirmed. `onTransient` hears of a transient refusal (other than
 * the connection going away) that left edits queued, so the caller can try again later.
 */
export async function flushOtherIncidents(get: () => WarRoomState, ctx: StoreCtx, stillValid: () => boolean,
  onTransient: (res: Refusal) => void = () => undefined): Promise<number> {
  const serverUrl = get().prefs.serverUrl;
  if (!serverUrl) return 0;
  const { transport, persistence } = ctx;
  let confirmed = 0;
  const local = await persistence.listIncidents(serverUrl).catch(() => []);
  for (const item of local) {
    const id = item.incidentId;
    const busy = () => !stillValid() || get().incidentId === id;
    if (item.outboxCount === 0 || busy()) continue;
    const record = await persistence.loadIncident(serverUrl, id).catch(() => null);
    if (!record || record.outbox.length === 0 || busy()) continue;
    // A create still queued is sent by the engine when the incident is opened; keep it simple here.
    if (record.outbox[0]!.type === 'incident.create') continue;
    let { state, headSeq: head } = record;
    let outbox = record.outbox;
    const join = async () => {
      const res = (await assembleJoin((e, req) => transport.request(e, req), id,
        await transport.request('incident:join', { incidentId: id, sinceSeq: head, snapshotPages: true }))) as RequestResult<'incident:join'> | Refusal;
      if (!res.ok) {
        if (transient(res.code) && res.code !== 'SERVER_UNREACHABLE') onTransient(res);
        return false;
      }
      const parsed = parseJoinResult(res, id);
      if (!parsed.ok || parsed.value.access === 'viewer') return false;
      if (parsed.value.snapshot && parsed.value.snapshot.seq > head) {
        state = parsed.value.snapshot.state;
        head = parsed.value.snapshot.seq;
      }
      const f = foldInto(state, head, parsed.value.ops);
      state = f.state;
      head = f.head;
      confirmed += outbox.filter((o) => f.seen.has(o.opId)).length;
      outbox = outbox.filter((o) => !f.seen.has(o.opId));
      return true;
    };
    if (!(await join()) || busy()) continue;
    for (const op of [...outbox]) {
      if (busy()) break;
      const res = await transport.request('op:submit', op);
      if (res.ok) continue;
      if (transient(res.code)) {
        if (res.code !== 'SERVER_UNREACHABLE') onTransient(res);
        break;
      }
      // What the person wrote goes to the unsent tray (on disk) before it leaves the outbox.
      if (op.type !== 'help.escalate') await get().keepUnsent([op], res);
      outbox = outbox.filter((o) => o.opId !== op.opId);
      if (op.type !== 'help.escalate') {
        get().pushNotice({ kind: 'refused', code: res.code, opType: op.type, message: `${state?.title ?? id}: ${res.message}` });
      }
    }
    if (busy()) continue;
    await join();
    if (busy()) continue;
    await persistence.saveIncident(serverUrl, id, { state, headSeq: head, outbox }).catch(() => undefined);
    if (!busy()) void transport.request('incident:leave', { incidentId: id });
  }
  return confirmed;
}
