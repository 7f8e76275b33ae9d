/**
 * What happens to changes the server has not taken yet. While it keeps refusing transiently the
 * engine records why (`serverTrouble`, shown as "Saving… (server unavailable)"); what it refused for
 * good leaves the outbox for the unsent tray, with the server's sentence, where the person can copy
 * it, edit and send it again as a new change, or dismiss it. Never silently gone.
 */
import type { StateCreator } from 'zustand/vanilla';
import { MAX_UNSENT_ITEMS } from '../../shared/constants.ts';
import { refuse, type Refusal } from '../../shared/errors.ts';
import { own } from '../../shared/model.ts';
import type { Op } from '../../shared/ops.ts';
import { MemoryUnsentStorage, mainTextOf, parseUnsent, type UnsentItem, type UnsentStorage } from '../persistence/unsent.ts';
import type { StoreCtx } from './context.ts';
import { computeView } from './view.ts';
import { LOCAL_SERVER } from './saver.ts';
import type { DeliverySlice, OpDraft, SubmitResult, WarRoomState } from './types.ts';

export type { DeliverySlice, ServerTrouble } from './types.ts';

const hasUnsentStorage = (p: unknown): p is UnsentStorage =>
  typeof p === 'object' && p !== null && typeof (p as UnsentStorage).loadUnsent === 'function' && typeof (p as UnsentStorage).saveUnsent === 'function';

export const createDeliverySlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], DeliverySlice> => (set, get) => {
  const storage: UnsentStorage = hasUnsentStorage(ctx.persistence) ? ctx.persistence : new MemoryUnsentStorage();
  // Writes are chained: a later tray never lands on disk before an earlier one.
  let chain: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    const items = get().unsent;
    chain = chain.then(() => storage.saveUnsent(items)).catch((err: unknown) => {
      console.warn('War Room: the unsent tray could not be written to disk', err);
    });
    return chain;
  };

  return {
    serverTrouble: null,
    unsent: [],
    unsentLoaded: false,
    async loadUnsent() {
      const stored = parseUnsent(await storage.loadUnsent().catch(() => []));
      // Anything refused before the disk answered stays, after what was already there.
      const ids = new Set(stored.map((i) => i.id));
      set({ unsent: [...stored, ...get().unsent.filter((i) => !ids.has(i.id))].slice(-MAX_UNSENT_ITEMS), unsentLoaded: true });
    },
    keepUnsent(ops: readonly Op[], refusal: Refusal) {
      const s = get();
      const serverUrl = s.prefs.serverUrl ?? LOCAL_SERVER;
      const known = new Set(s.unsent.map((i) => i.id));
      const added: UnsentItem[] = ops.filter((op) => !known.has(op.opId)).map((op) => ({
        id: op.opId, serverUrl, incidentId: op.incidentId,
        incidentTitle: (s.view?.id === op.incidentId ? s.view.title : null) ?? own(s.incidents, op.incidentId)?.title ?? null,
        op, code: refusal.code, message: refusal.message, at: ctx.now(),
      }));
      if (added.length === 0) return chain;
      set({ unsent: [...s.unsent, ...added].slice(-MAX_UNSENT_ITEMS) });
      return save();
    },
    dismissUnsent(id) {
      const unsent = get().unsent.filter((i) => i.id !== id);
      if (unsent.length === get().unsent.length) return;
      set({ unsent });
      void save();
    },
    retryUnsent(id, editedText) {
      const s = get();
      const item = s.unsent.find((i) => i.id === id);
      if (!item) return refuse('INVALID_STATE', 'that unsent change is no longer in the tray');
      if (item.serverUrl !== (s.prefs.serverUrl ?? LOCAL_SERVER) || item.incidentId !== s.incidentId) {
        return refuse('INVALID_STATE', `open the incident "${item.incidentTitle ?? item.incidentId}" on its server to send this again`);
      }
      const payload = { ...(item.op.payload as Record<string, unknown>) };
      const main = mainTextOf(item.op);
      if (editedText !== undefined && main) payload[main.field] = editedText;
      // A new op (new opId, time and actor): the refused one stays refused.
      const r: SubmitResult = s.submit({ type: item.op.type, payload } as OpDraft);
      if (r.ok) get().dismissUnsent(id);
      return r;
    },
    setServerTrouble(trouble) {
      const was = get().serverTrouble;
      if (was === trouble || (was && trouble && was.code === trouble.code && was.source === trouble.source
        && was.opId === trouble.opId && was.attempts === trouble.attempts)) return;
      set({ serverTrouble: trouble });
    },
    async setAside(opId) {
      const op = get().outbox.find((o) => o.opId === opId);
      if (!op) return;
      const t = get().serverTrouble;
      const why: Refusal = t?.opId === opId ? { ok: false, code: t.code, message: t.message } : refuse('INTERNAL');
      await get().keepUnsent([op], why);
      const s = get();
      const outbox = s.outbox.filter((o) => o.opId !== opId);
      if (outbox.length === s.outbox.length) return;
      set({ outbox, view: computeView(s.committed, s.headSeq, outbox), serverTrouble: null });
      void ctx.saver.saveNow();
      ctx.engine.kick();
    },
  };
};
