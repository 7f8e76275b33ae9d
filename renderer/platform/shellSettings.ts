/**
 * On the desktop, main owns which server the app uses (its CSP allows only that one). The
 * renderer's remembered server follows main's at start, so the two can never disagree: after a
 * reset settings file, a deep link or a saved server chosen in the shell.
 */
import type { PlatformBridge } from '../../shared/bridge.ts';

export interface ServerPrefsStore {
  getState(): {
    prefs: { serverUrl: string | null; token: string | null };
    connect(input: { serverUrl: string; token: string }): { ok: boolean };
    disconnect(): void;
    setPreferences(patch: { serverUrl?: string | null; token?: string | null }): void;
  };
}

export type Adoption = 'browser' | 'same' | 'adopted' | 'cleared';

export async function adoptShellServer(platform: Pick<PlatformBridge, 'kind' | 'getSettings'>, store: ServerPrefsStore): Promise<Adoption> {
  if (platform.kind !== 'electron') return 'browser';
  const shell = await platform.getSettings();
  const s = store.getState();
  if (shell.serverUrl === s.prefs.serverUrl && shell.token === s.prefs.token) return 'same';
  if (shell.serverUrl && shell.token) {
    s.connect({ serverUrl: shell.serverUrl, token: shell.token });
    return 'adopted';
  }
  // The shell has no server (reset, or signed out there): so neither has the window.
  s.disconnect();
  s.setPreferences({ serverUrl: shell.serverUrl, token: null });
  return 'cleared';
}
