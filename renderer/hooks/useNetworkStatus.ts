import { useEffect } from 'react';
import type { WarRoomStore } from '../store/index.ts';

/**
 * Follows the browser's own online/offline signal. A dropped network can leave a WebSocket looking
 * open for a long while; going offline at once keeps the indicator honest and queues edits in the
 * outbox, and coming back reconnects (join with the last seq, then resend the outbox).
 */
export function watchNetwork(store: WarRoomStore, target: Window = window): () => void {
  const offline = () => store.getState().disconnect();
  const online = () => store.getState().reconnect();
  if (target.navigator.onLine === false) offline();
  target.addEventListener('offline', offline);
  target.addEventListener('online', online);
  return () => {
    target.removeEventListener('offline', offline);
    target.removeEventListener('online', online);
  };
}

export function useNetworkStatus(store: WarRoomStore): void {
  useEffect(() => watchNetwork(store), [store]);
}
