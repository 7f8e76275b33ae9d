/**
 * Renderer-only timings (ms). They belong with shared/constants.ts in spirit; they sit here
 * because only the client uses them and that file was being edited by others concurrently.
 */
/** After an ack whose op has not arrived on the socket yet, wait this long before catching up. */
export const CATCH_UP_AFTER_ACK_MS = 1_000;
/** Wait before resending after a timeout, a rate limit or a server failure. */
export const SUBMIT_RETRY_DELAY_MS = 1_500;
/** A change the server keeps failing on (INTERNAL) is given up after this many tries per connection. */
export const MAX_SUBMIT_ATTEMPTS = 3;
/** Remote changes are written to disk at most this often. */
export const SAVE_DEBOUNCE_MS = 1_000;
/** How often help escalation and due-update reminders are checked. */
export const CLIENT_TICK_MS = 15_000;
/** How often "last seen" is advanced while an incident is open. */
export const MARK_SEEN_DEBOUNCE_MS = 2_000;
