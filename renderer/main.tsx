import './zodConfig.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { stateHash } from '../shared/hash.ts';
import { hasInviteToken } from '../shared/invite.ts';
import { getAppStore } from './store/app.ts';
import { getPlatform } from './platform/index.ts';
import { adoptShellServer } from './platform/shellSettings.ts';
import { App } from './App.tsx';

/**
 * Entry point, in Electron and in a plain browser. An invite in the address (#token=…&incident=…)
 * is taken out of the address bar at once (it is a credential) and used as soon as the member's
 * name is known: straight away when remembered, otherwise after the connect screen asks for it.
 */
function takeInviteFromAddress(): string | null {
  const url = new URL(location.href);
  if (!hasInviteToken(url)) return null;
  const invite = url.href;
  // Invites carry the token in the fragment (#token=…); old links in the query string (?token=…).
  url.searchParams.delete('token');
  url.searchParams.delete('incident');
  history.replaceState(null, '', url.pathname + url.search);
  return invite;
}

const invite = takeInviteFromAddress();
const store = getAppStore();
// Desktop: the shell owns the server setting and keeps the token (the CSP follows it); the window
// follows it. Rendering waits for that one answer, so the first screen is not a flash of "connect".
const adopted = invite
  ? Promise.resolve()
  : adoptShellServer(getPlatform(), store).then(() => undefined, (err: unknown) => console.warn('War Room could not read the desktop settings:', err));
let pending: string | null = invite;
if (invite && store.getState().prefs.name.trim()) {
  const r = store.getState().connect({ invite });
  if (r.ok) pending = null;
}

// Test and support hooks: read-only views of local state (the member's own data, in their own browser).
Object.defineProperties(window, {
  __warroomStateHash: { configurable: true, get: () => { const c = store.getState().committed; return c ? stateHash(c) : null; } },
  __warroom: {
    configurable: true,
    value: Object.freeze({
      committed: () => store.getState().committed,
      view: () => store.getState().view,
      headSeq: () => store.getState().headSeq,
      unsynced: () => store.getState().outbox.length,
      connection: () => store.getState().connection.kind,
      /** Resolves once the open incident and its outbox are on disk. */
      flush: () => store.flushPersistence(),
    }),
  },
});

// The offline shell: a reload during a network cut still opens the app (browser only; Electron loads from disk).
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').then(
    () => navigator.serviceWorker.ready.then(() => document.documentElement.setAttribute('data-offline-ready', 'true')),
    (err: unknown) => console.warn('Offline shell unavailable:', err),
  );
}

void adopted.then(() => createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App pendingInvite={pending} />
  </StrictMode>,
));
