/**
 * What the sync engine does with a refusal, from the one table in shared/errors.ts (ERROR_CLASSES):
 * transient means "not now" (the op stays queued and is sent again with backoff, never given up);
 * permanent means "no" (the op leaves the queue and what the person wrote goes to the unsent tray).
 */
import { SUBMIT_RETRY_DELAY_MS, SUBMIT_RETRY_JITTER, SUBMIT_RETRY_MAX_DELAY_MS } from '../../shared/constants.ts';
import { isTransient, type ErrorCode } from '../../shared/errors.ts';

export const transient = (code: ErrorCode): boolean => isTransient(code);

/**
 * The wait before resend number `attempt` (1-based): doubling from SUBMIT_RETRY_DELAY_MS, capped at
 * SUBMIT_RETRY_MAX_DELAY_MS, and jittered down by up to SUBMIT_RETRY_JITTER so clients refused by
 * the same outage do not all come back in the same millisecond.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(SUBMIT_RETRY_MAX_DELAY_MS, SUBMIT_RETRY_DELAY_MS * 2 ** Math.min(Math.max(0, attempt - 1), 16));
  return Math.round(base * (1 - SUBMIT_RETRY_JITTER * random()));
}

/**
 * The few words the connection indicator adds while the server keeps refusing transiently
 * ("Saving… (server unavailable)"); null for codes that are about the connection itself.
 */
export function troubleLabel(code: ErrorCode): string | null {
  switch (code) {
    case 'STORE_UNAVAILABLE':
      return 'server unavailable';
    case 'SHUTTING_DOWN':
      return 'server restarting';
    case 'OVERLOADED':
    case 'RATE_LIMITED':
      return 'server busy';
    case 'SEQ_CONFLICT':
    case 'INTERNAL':
      return 'server error, retrying';
    case 'TIMEOUT':
      return 'server not answering';
    default:
      return null;
  }
}
