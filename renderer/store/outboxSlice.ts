/** Edits not yet confirmed by the server, and the notices (refusals) the user should read. */
import { refuse } from '../../shared/errors.ts';
import { parseOp, type Op } from '../../shared/ops.ts';
import { apply } from '../../shared/reducer.ts';
import type { StateCreator } from 'zustand/vanilla';
import type { StoreCtx } from './context.ts';
import type { OutboxSlice, WarRoomState } from './types.ts';
import { provisional } from './view.ts';

export type { OutboxSlice, Notice, OpDraft, SubmitResult } from './types.ts';

/** Notices kept on screen at most; older ones drop off. */
const MAX_NOTICES = 20;

export const createOutboxSlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], OutboxSlice> => (set, get) => ({
  outbox: [],
  notices: [],
  submit(draft) {
    const s = get();
    if (!s.incidentId) return refuse('INVALID_STATE', 'no incident is open');
    if (s.access === 'viewer') return refuse('FORBIDDEN_ROLE');
    if (s.syncPhase === 'loading') return refuse('INVALID_STATE', 'the incident is still loading on this device; try again in a moment');
    const candidate = {
      opId: ctx.uuid(), incidentId: s.incidentId, actorId: s.prefs.clientId, clientTime: ctx.now(),
      type: draft.type, payload: draft.payload,
    };
    // Never queue what the server would refuse as malformed (lesson 1).
    const parsed = parseOp(candidate);
    if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message };
    const op: Op = parsed.value;
    const applied = apply(s.view, provisional(op, s.headSeq + s.outbox.length + 1));
    if (!applied.ok) return applied;
    set({ outbox: [...s.outbox, op], view: applied.state });
    const kept = ctx.saver.saveNow();
    ctx.engine.kick();
    return { ok: true, opId: op.opId, kept };
  },
  dismissNotice(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  pushNotice(n) {
    const notice = { ...n, id: ctx.uuid(), at: ctx.now() };
    set({ notices: [...get().notices, notice].slice(-MAX_NOTICES) });
  },
});
