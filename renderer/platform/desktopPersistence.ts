/**
 * In the desktop app the shell keeps server tokens sealed (main/secrets.ts: safeStorage, mode 0600)
 * and hands them back through the bridge at start (shellSettings.ts). The window's own copy of
 * the preferences, in localStorage, then need not hold the token in plain text: this wrapper writes
 * preferences without it. In a browser there is no shell, so nothing changes there.
 */
import type { PlatformBridge } from '../../shared/bridge.ts';
import type { Persistence } from '../persistence/persistence.ts';

export function withoutStoredTokens(p: Persistence): Persistence {
  return {
    loadIncident: (serverUrl, incidentId) => p.loadIncident(serverUrl, incidentId),
    saveIncident: (serverUrl, incidentId, record) => p.saveIncident(serverUrl, incidentId, record),
    appendOutbox: (serverUrl, incidentId, ops) => p.appendOutbox(serverUrl, incidentId, ops),
    deleteIncident: (serverUrl, incidentId) => p.deleteIncident(serverUrl, incidentId),
    listIncidents: (serverUrl) => p.listIncidents(serverUrl),
    loadPreferences: () => p.loadPreferences(),
    savePreferences(prefs) {
      const tokenless = typeof prefs === 'object' && prefs !== null && 'token' in prefs ? { ...prefs, token: null } : prefs;
      p.savePreferences(tokenless);
    },
  };
}

/** The persistence the app should use on this platform. */
export function persistenceFor(platform: Pick<PlatformBridge, 'kind'>, p: Persistence): Persistence {
  return platform.kind === 'electron' ? withoutStoredTokens(p) : p;
}
