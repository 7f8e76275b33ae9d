/** The incident list: summaries from the server, live updates, plus what this device keeps offline. */
import type { StateCreator } from 'zustand/vanilla';
import { summarizeState } from '../persistence/persistence.ts';
import type { StoreCtx } from './context.ts';
import type { IncidentsSlice, WarRoomState } from './types.ts';

export type { IncidentsSlice, DeclareInput } from './types.ts';

/** A readable, unique incident id such as "checkout-500s-3f9a1c". */
export function incidentIdFor(title: string, uuid: string): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  const tail = uuid.replace(/[^a-f0-9]/gi, '').slice(0, 6).toLowerCase();
  return slug ? `${slug}-${tail}` : `incident-${tail}`;
}

export const createIncidentsSlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], IncidentsSlice> => (set, get) => ({
  incidents: {},
  incidentsLoaded: false,
  declaredHere: {},
  refreshIncidents: () => ctx.engine.refreshIncidents(),
  declareIncident(input) {
    const incidentId = incidentIdFor(input.title, ctx.uuid());
    get().closeIncident();
    // The incident exists locally at once; the create op waits in the outbox like any edit.
    set({ incidentId, committed: null, headSeq: 0, view: null, access: null, syncPhase: 'local', awaySummary: null, presence: {}, outbox: [] });
    const payload = {
      title: input.title, severity: input.severity,
      ...(input.summary ? { summary: input.summary } : {}),
      ...(input.impact ? { impact: input.impact } : {}),
      ...(input.startedAt !== undefined ? { startedAt: input.startedAt } : {}),
    };
    const r = get().submit({ type: 'incident.create', payload });
    if (!r.ok) {
      set({ incidentId: null, syncPhase: 'none' });
      return r;
    }
    get().setPreferences({ lastIncidentId: incidentId });
    get().joinAsMember();
    const view = get().view;
    if (view) set({ incidents: { ...get().incidents, [incidentId]: summarizeState(view) } });
    set({ declaredHere: { ...get().declaredHere, [incidentId]: true } });
    ctx.engine.incidentChanged();
    return { ...r, id: incidentId, incidentId };
  },
});
