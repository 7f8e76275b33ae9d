/** The connection as the user should see it: honest status, attempts, the server's sentence. */
import { parseInvite } from '../../shared/invite.ts';
import type { StateCreator } from 'zustand/vanilla';
import type { StoreCtx } from './context.ts';
import type { ConnectionSlice, WarRoomState } from './types.ts';

export type { ConnectionSlice, ConnectionStatus, ConnectInput } from './types.ts';

const invalid = (why: string) => ({
  ok: false as const, code: 'INVITE_INVALID' as const, message: `${why} Check the address and try again.`,
});

/** Normalizes a typed server address to its origin ("host:4000" → "http://host:4000"). */
export function normalizeServerUrl(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

export const createConnectionSlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], ConnectionSlice> => (set, get) => ({
  connection: { kind: 'idle' },
  lastConnectionError: null,
  rttMs: null,
  connect(input) {
    let serverUrl: string | null;
    let token: string;
    let incidentId: string | null = null;
    if ('invite' in input) {
      const r = parseInvite(input.invite);
      if (!r.ok) return r;
      ({ serverUrl, token, incidentId } = r.invite);
    } else {
      serverUrl = normalizeServerUrl(input.serverUrl);
      token = input.token.trim();
      if (!serverUrl) return invalid('The server address is not a valid http(s) address.');
      if (!token) return invalid('The invite token is empty.');
    }
    if (get().prefs.serverUrl !== serverUrl) {
      // Another server: its incidents are not this one's.
      get().closeIncident();
      set({ incidents: {}, incidentsLoaded: false });
    }
    // Opening another invite for the same server: our session proves our member id is ours.
    const held = get().prefs.serverUrl === serverUrl ? get().prefs.token : null;
    get().setPreferences({ serverUrl, token });
    ctx.engine.connect(serverUrl, token, held !== token ? held : null);
    if (incidentId) void get().openIncident(incidentId);
    return { ok: true, incidentId };
  },
  resume() {
    const { serverUrl, token } = get().prefs;
    if (!serverUrl || !token) return false;
    ctx.engine.connect(serverUrl, token);
    return true;
  },
  disconnect() {
    ctx.engine.disconnect();
  },
  reconnect() {
    get().resume();
  },
  signOut() {
    ctx.engine.disconnect();
    get().closeIncident();
    get().setPreferences({ token: null });
  },
});
