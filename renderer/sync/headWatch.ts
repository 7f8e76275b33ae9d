/**
 * Reacts to the server's head heartbeat ('incident:head', see PROTOCOL.md): a head above ours means
 * a broadcast never reached us, so we catch up (join again from our head) even when nobody writes
 * again; `storeAvailable: false` means the server cannot save right now, which the indicator says.
 */
import type { StoreApi } from 'zustand/vanilla';
import { HEAD_CATCH_UP_GRACE_MS } from '../../shared/constants.ts';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { WarRoomState } from '../store/types.ts';
import type { Transport } from './transport.ts';

export function watchHeads(api: StoreApi<WarRoomState>, transport: Transport, later: (ms: number, fn: () => void) => void,
  catchUp: () => void): () => void {
  return transport.onHead((h) => {
    const s = api.getState();
    if (h.incidentId !== s.incidentId) return;
    if (!h.storeAvailable) s.setServerTrouble({ code: 'STORE_UNAVAILABLE', message: ERROR_MESSAGES.STORE_UNAVAILABLE, source: 'head' });
    else if (s.serverTrouble?.source === 'head') s.setServerTrouble(null);
    if (s.syncPhase !== 'live' || h.headSeq <= s.headSeq) return;
    // The op may just be on its way on this socket; catch up only if it still has not arrived.
    later(HEAD_CATCH_UP_GRACE_MS, () => {
      const now = api.getState();
      if (now.incidentId === h.incidentId && now.syncPhase === 'live' && now.headSeq < h.headSeq) catchUp();
    });
  });
}
