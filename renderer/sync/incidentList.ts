/** The incident list: what this device keeps, overlaid with the server's summaries when connected. */
import type { StoreApi } from 'zustand/vanilla';
import type { StoreCtx } from '../store/context.ts';
import type { WarRoomState } from '../store/types.ts';
import { parseSummaries } from './inbound.ts';

export async function refreshIncidentList(api: StoreApi<WarRoomState>, ctx: StoreCtx): Promise<void> {
  const get = api.getState;
  const serverUrl = get().prefs.serverUrl;
  if (!serverUrl) return;
  const local = await ctx.persistence.listIncidents(serverUrl).catch(() => []);
  const merged = { ...get().incidents };
  for (const l of local) if (l.summary && !merged[l.incidentId]) merged[l.incidentId] = l.summary;
  const res = ctx.transport.status.kind === 'connected' ? await ctx.transport.request('incident:list') : null;
  if (res?.ok) for (const summary of parseSummaries(res.incidents)) merged[summary.id] = summary;
  api.setState({ incidents: merged, incidentsLoaded: true });
}
