/**
 * The sync engine's bookkeeping of transient refusals: per key (an opId, or a join) how many times
 * in a row the server said "not now", the capped and jittered backoff that follows, and what the
 * store shows meanwhile (`serverTrouble`, read as "Saving… (server unavailable)"). Never given up:
 * a responder's words are not dropped because the server had a bad moment.
 */
import type { Refusal } from '../../shared/errors.ts';
import type { WarRoomState } from '../store/types.ts';
import { retryDelayMs } from './refusals.ts';

/** Keys that are not an op (opIds are UUIDs, so they cannot collide). */
export const JOIN_KEY = 'join';
export const BACKGROUND_KEY = 'background';

export interface Retries {
  /** `key` was refused transiently: record why and run `again` after the backoff, if `still()` then. */
  schedule(key: string, res: Refusal, still: () => boolean, again: () => void): void;
  /** `key` was accepted: its count starts over, and a trouble the server no longer has is cleared. */
  took(key: string): void;
  /** Forgets one key (its op was folded) or, without one, every key (a new connection or incident). */
  forget(key?: string): void;
}

export function createRetries(get: () => WarRoomState, later: (ms: number, fn: () => void) => void): Retries {
  const attempts = new Map<string, number>();
  return {
    schedule(key, res, still, again) {
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      // Edits of incidents that are not open wait quietly: the indicator speaks of the open one.
      if (key !== BACKGROUND_KEY) {
        get().setServerTrouble({ code: res.code, message: res.message, source: 'submit', ...(key === JOIN_KEY ? {} : { opId: key, attempts: n }) });
      }
      later(retryDelayMs(n), () => {
        if (still()) again();
      });
    },
    took(key) {
      attempts.delete(key);
      // The server just stored something: whatever it said before, its store works now.
      const t = get().serverTrouble;
      if (t && (t.source === 'submit' || t.code === 'STORE_UNAVAILABLE')) get().setServerTrouble(null);
    },
    forget(key) {
      if (key === undefined) attempts.clear();
      else attempts.delete(key);
    },
  };
}
