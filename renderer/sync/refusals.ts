/** Refusals that mean "not now" rather than "no": the op stays queued and is sent again later. */
import type { ErrorCode } from '../../shared/errors.ts';

export const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['TIMEOUT', 'SERVER_UNREACHABLE', 'RATE_LIMITED', 'NOT_JOINED', 'INTERNAL']);
