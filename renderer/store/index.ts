/**
 * The War Room store: one vanilla zustand store of slices, wired to a transport, local persistence
 * and the platform bridge. Components read it through the hooks in ./react.ts; tests use
 * createWarRoomStore() directly with a fake transport and in-memory persistence.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createActionsSlice } from './actionsSlice.ts';
import { createConnectionSlice } from './connectionSlice.ts';
import { createDeliverySlice } from './deliverySlice.ts';
import type { EngineHandle, StoreCtx, StoreDeps } from './context.ts';
import { createIncidentSlice } from './incidentSlice.ts';
import { createIncidentsSlice } from './incidentsSlice.ts';
import { createOutboxSlice } from './outboxSlice.ts';
import { createPreferencesSlice } from './preferencesSlice.ts';
import { createPresenceSlice } from './presenceSlice.ts';
import { createSaver } from './saver.ts';
import { createTicker } from './ticker.ts';
import type { WarRoomState } from './types.ts';
import { uuid } from './uuid.ts';
import { createSyncEngine, type SyncEngine } from '../sync/syncEngine.ts';
import { CLIENT_TICK_MS, SAVE_DEBOUNCE_MS, STATE_SAVE_AFTER_JOIN_MS, STATE_SAVE_EVERY_OPS, STATE_SAVE_MIN_INTERVAL_MS } from '../../shared/constants.ts';

export type * from './types.ts';
export type { AwaySummary } from './awaySummary.ts';
export type { StoreDeps } from './context.ts';
export * from './selectors.ts';
export { summarizeSince } from './awaySummary.ts';
export { helpTargets } from './helpRules.ts';
export { computeView } from './view.ts';
export { normalizeServerUrl } from './connectionSlice.ts';

export type WarRoomStore = StoreApi<WarRoomState> & {
  engine: SyncEngine;
  /** Runs the liveness ping now; the timer calls it every 15 s (escalation and reminders are the server's). */
  tick(now?: number): void;
  /** Writes the open incident to disk now. */
  flushPersistence(): Promise<void>;
  /** Stops timers and listeners (the transport stays as it is). */
  dispose(): void;
};

export function createWarRoomStore(deps: StoreDeps): WarRoomStore {
  let engine: SyncEngine | null = null;
  const engineHandle: EngineHandle = {
    incidentChanged: () => engine?.incidentChanged(),
    kick: () => engine?.kick(),
    connect: (u, t, s) => engine?.connect(u, t, s),
    disconnect: () => engine?.disconnect(),
    refreshIncidents: () => engine?.refreshIncidents() ?? Promise.resolve(),
    leave: (id) => engine?.leave(id),
    ping: () => engine?.ping() ?? Promise.resolve(),
  };
  const ctx: StoreCtx = {
    transport: deps.transport,
    persistence: deps.persistence,
    platform: deps.platform ?? null,
    now: deps.now ?? (() => Date.now()),
    uuid: deps.uuid ?? uuid,
    engine: engineHandle,
    saver: { schedule: () => undefined, saveNow: () => Promise.resolve(), saveAll: () => Promise.resolve(), loaded: () => undefined, joined: () => undefined },
  };
  const api = createStore<WarRoomState>()((...a) => ({
    ...createPreferencesSlice(ctx)(...a),
    ...createConnectionSlice(ctx)(...a),
    ...createIncidentsSlice(ctx)(...a),
    ...createIncidentSlice(ctx)(...a),
    ...createOutboxSlice(ctx)(...a),
    ...createActionsSlice(ctx)(...a),
    ...createPresenceSlice()(...a),
    ...createDeliverySlice(ctx)(...a),
  }));
  void api.getState().loadUnsent();
  const short = deps.saveDebounceMs;
  const saver = createSaver(api.getState, deps.persistence, {
    debounceMs: short ?? SAVE_DEBOUNCE_MS,
    minIntervalMs: short ?? STATE_SAVE_MIN_INTERVAL_MS,
    everyOps: STATE_SAVE_EVERY_OPS,
    afterJoinMs: short ?? STATE_SAVE_AFTER_JOIN_MS,
  });
  // The state is written rarely, so write it when the page goes away or to the background.
  const onPageHide = () => void saver.saveAll().catch(() => undefined);
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') onPageHide();
  };
  const win = typeof window !== 'undefined' && typeof window.addEventListener === 'function' ? window : null;
  win?.addEventListener('pagehide', onPageHide);
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
  ctx.saver = saver;
  engine = createSyncEngine(api, ctx);
  const tick = createTicker(api.getState, ctx);
  const interval = deps.timers === false ? null : setInterval(() => tick(), CLIENT_TICK_MS);
  return Object.assign(api, {
    engine,
    tick,
    flushPersistence: () => saver.saveAll(),
    dispose() {
      win?.removeEventListener('pagehide', onPageHide);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
      if (interval) clearInterval(interval);
      saver.dispose();
      engine?.dispose();
    },
  });
}
