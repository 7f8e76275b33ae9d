/** The open incident: committed state from the server, the optimistic view, the away summary. */
import type { StateCreator } from 'zustand/vanilla';
import type { StoreCtx } from './context.ts';
import type { IncidentSlice, WarRoomState } from './types.ts';
import { computeView } from './view.ts';
import { LOCAL_SERVER } from './saver.ts';
import { markSeen } from './preferencesSlice.ts';
import { seenMark } from './awaySummary.ts';
import { incidentKey } from '../persistence/persistence.ts';
import { refuse } from '../../shared/errors.ts';
import { fetchOpLog } from '../sync/opLog.ts';

export type { IncidentSlice, SyncPhase } from './types.ts';

export const createIncidentSlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], IncidentSlice> => (set, get) => ({
  incidentId: null,
  committed: null,
  headSeq: 0,
  view: null,
  access: null,
  syncPhase: 'none',
  awaySummary: null,
  async openIncident(incidentId) {
    if (get().incidentId === incidentId) return;
    get().closeIncident();
    set({ incidentId, committed: null, headSeq: 0, view: null, access: null, syncPhase: 'loading', awaySummary: null, presence: {}, outbox: [] });
    get().setPreferences({ lastIncidentId: incidentId });
    const serverUrl = get().prefs.serverUrl ?? LOCAL_SERVER;
    const loaded = await ctx.persistence.loadIncident(serverUrl, incidentId).catch(() => null);
    // The user may have opened something else while the disk answered.
    if (get().incidentId !== incidentId) return;
    ctx.saver.loaded(serverUrl, incidentId, loaded);
    if (loaded) {
      const { state, headSeq, outbox } = loaded;
      set({ committed: state, headSeq, outbox, view: computeView(state, headSeq, outbox), syncPhase: 'local' });
      for (const reason of loaded.quarantined) {
        get().pushNotice({ kind: 'error', code: null, opType: null, message: `Set aside a damaged local record: ${reason}.` });
      }
    } else {
      set({ syncPhase: 'local' });
    }
    ctx.engine.incidentChanged();
  },
  closeIncident() {
    const { incidentId, committed, syncPhase, prefs, outbox, declaredHere } = get();
    if (!incidentId) return;
    if (committed && syncPhase === 'live') markSeen(get, set, ctx, incidentKey(prefs.serverUrl ?? '', incidentId), seenMark(committed, prefs.clientId));
    // Declared on this device, never confirmed, and its create op gone (refused): it never existed,
    // so it leaves the list and the disk instead of staying as a phantom.
    const phantom = Object.hasOwn(declaredHere, incidentId) && committed === null && !outbox.some((o) => o.type === 'incident.create');
    // Write what we have, state included, before forgetting it (snapshots the record synchronously).
    const saved = ctx.saver.saveAll();
    if (phantom) {
      const { [incidentId]: _gone, ...incidents } = get().incidents;
      const { [incidentId]: _flag, ...rest } = declaredHere;
      set({ incidents, declaredHere: rest });
      const serverUrl = prefs.serverUrl ?? LOCAL_SERVER;
      void saved.then(() => ctx.persistence.deleteIncident(serverUrl, incidentId)).catch(() => undefined);
    } else {
      void saved.catch(() => undefined);
    }
    ctx.engine.leave(incidentId);
    set({ incidentId: null, committed: null, headSeq: 0, view: null, access: null, syncPhase: 'none', awaySummary: null, presence: {}, outbox: [] });
    ctx.engine.incidentChanged();
  },
  dismissAwaySummary() {
    set({ awaySummary: null });
  },
  fetchOpLog() {
    const incidentId = get().incidentId;
    if (!incidentId) return Promise.resolve(refuse('INCIDENT_NOT_FOUND', 'no incident is open'));
    return fetchOpLog(ctx.transport, incidentId);
  },
});
