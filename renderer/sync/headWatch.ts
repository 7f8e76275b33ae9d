/**
 * Reacts to the server's head heartbeat ('incident:head', see PROTOCOL.md): a head above ours means
 * a broadcast never reached us, so we catch up (join again from our head) even when nobody writes
 * again; `storeAvailable: false` means the server cannot save right now, which the indicator says.
 */
import type { StoreApi } from 'zustand/vanilla';
import { HEAD_CATCH_UP_GRACE_MS, STORE_BACK_RESEND_SPREAD_MS } from '../../shared/constants.ts';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { WarRoomState } from '../store/types.ts';
import type { Transport } from './transport.ts';

export function watchHeads(api: StoreApi<WarRoomState>, transport: Transport, later: (ms: number, fn: () => void) => void,
  catchUp: () => void, resendNow: () => void): () => void {
  return transport.onHead((h) => {
    const s = api.getState();
    if (h.incidentId !== s.incidentId) return;
    const trouble = s.serverTrouble;
    if (!h.storeAvailable) s.setServerTrouble({ code: 'STORE_UNAVAILABLE', message: ERROR_MESSAGES.STORE_UNAVAILABLE, source: 'head' });
    else if (trouble?.code === 'STORE_UNAVAILABLE') {
      if (trouble.source === 'head') s.setServerTrouble(null);
      // The store is back: resend soon rather than after the rest of a long backoff.
      else later(Math.random() * STORE_BACK_RESEND_SPREAD_MS, resendNow);
    }
    if (s.syncPhase !== 'live' || h.headSeq <= s.headSeq) return;
    // The op may just be on its way on this socket; catch up only if it still has not arrived.
    later(HEAD_CATCH_UP_GRACE_MS, () => {
      const now = api.getState();
      if (now.incidentId === h.incidentId && now.syncPhase === 'live' && now.headSeq < h.headSeq) catchUp();
    });
  });
}
