/**
 * Writes the open incident's record (committed state + headSeq + outbox) to disk. Outbox growth
 * is written at once (an edit counts as kept only when on disk); remote changes are debounced.
 * Writes are chained so a later one never lands before an earlier one.
 */
import type { Persistence } from '../persistence/persistence.ts';
import type { Saver } from './context.ts';
import type { WarRoomState } from './types.ts';

/** The server key used before any server is configured. */
export const LOCAL_SERVER = 'local';

export function createSaver(get: () => WarRoomState, persistence: Persistence, debounceMs: number): Saver & { dispose(): void } {
  let chain: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let warned = false;

  function saveNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const s = get();
    // While loading, the store holds nothing yet: writing would wipe the record being read.
    if (!s.incidentId || s.syncPhase === 'loading') return chain;
    const serverUrl = s.prefs.serverUrl ?? LOCAL_SERVER;
    const incidentId = s.incidentId;
    // Snapshot now: the store moves on while the write waits its turn.
    const record = { state: s.committed, headSeq: s.headSeq, outbox: s.outbox };
    const write = chain.then(() => persistence.saveIncident(serverUrl, incidentId, record));
    chain = write.then(() => { warned = false; }, (err: unknown) => {
      if (warned) return;
      warned = true;
      get().pushNotice({ kind: 'error', code: null, opType: null,
        message: `Changes could not be saved on this device (${err instanceof Error ? err.message : String(err)}). Keep the app open until it reconnects.` });
    });
    return write;
  }

  return {
    saveNow,
    schedule() {
      if (timer) return;
      timer = setTimeout(() => void saveNow().catch(() => undefined), debounceMs);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
