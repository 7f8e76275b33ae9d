/** The store the app runs on: socket.io transport, IndexedDB, the platform bridge, timers on. */
import { hasInviteToken } from '../../shared/invite.ts';
import { IdbPersistence } from '../persistence/idbPersistence.ts';
import { persistenceFor } from '../platform/desktopPersistence.ts';
import { getPlatform } from '../platform/index.ts';
import { SocketTransport } from '../sync/socketTransport.ts';
import { createWarRoomStore, type WarRoomStore } from './index.ts';

let app: WarRoomStore | null = null;

/**
 * Creates the app store once and resumes the remembered connection and incident. An invite in
 * the page address (#token=…&incident=…, or the old ?token=… form) wins over what was remembered.
 */
export function getAppStore(): WarRoomStore {
  if (app) return app;
  const store = createWarRoomStore({ transport: new SocketTransport(), persistence: persistenceFor(getPlatform(), new IdbPersistence()), platform: getPlatform() });
  app = store;
  const href = typeof location !== 'undefined' ? location.href : '';
  const fromPage = href && hasInviteToken(new URL(href)) ? store.getState().connect({ invite: href }) : null;
  if (!fromPage?.ok) {
    store.getState().resume();
    const last = store.getState().prefs.lastIncidentId;
    if (last && store.getState().prefs.serverUrl) void store.getState().openIncident(last);
  }
  void store.getState().refreshIncidents();
  return store;
}
