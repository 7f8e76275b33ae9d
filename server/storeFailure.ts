/**
 * Tells a store that cannot be reached right now (the database restarted, the network dropped, the
 * pool is exhausted, the file is locked or the disk failed) from a bug. The first is answered
 * STORE_UNAVAILABLE, which clients retry without losing the change; the second stays INTERNAL.
 */
import { refuse, type Refusal } from '../shared/errors.ts';
import { SeqConflictError } from './store/store.ts';

/** Socket-level failures Node reports in `code`. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATE classes and codes that mean "not now": 08 connection exception, 53 insufficient
 * resources (too many connections, disk full), 57P01–57P03 admin/crash shutdown and "cannot connect
 * now" (starting up, failing over), 58 system errors (I/O). Deadlocks and serialization failures
 * (40P01, 40001) are retried inside the store and are not this table's business.
 */
const PG_UNAVAILABLE = /^(08|53|58)|^57P0[1-3]$/;

/** node-postgres reports a dropped or never-opened connection only in the message. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'connection timeout',
];

/**
 * SQLite primary result codes (errcode & 0xff): BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10,
 * FULL 13, CANTOPEN 14, PROTOCOL 15. CORRUPT (11) is damage, not a bad moment: it stays INTERNAL.
 */
const SQLITE_UNAVAILABLE = new Set([5, 6, 7, 8, 10, 13, 14, 15]);

function fieldOf(err: object, key: string): unknown {
  return Object.hasOwn(err, key) ? (err as Record<string, unknown>)[key] : undefined;
}

export function isStoreUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const code = fieldOf(err, 'code');
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || (code.length === 5 && PG_UNAVAILABLE.test(code)))) return true;
  const errcode = fieldOf(err, 'errcode');
  if (typeof errcode === 'number' && SQLITE_UNAVAILABLE.has(errcode & 0xff)) return true;
  const message = err instanceof Error ? err.message : '';
  if (PG_MESSAGES.some((m) => message.includes(m))) return true;
  // AggregateError (pg tries every address of a host) and wrapped causes.
  const errors = fieldOf(err, 'errors');
  if (Array.isArray(errors) && errors.some((e) => isStoreUnavailable(e, depth + 1))) return true;
  return isStoreUnavailable(fieldOf(err, 'cause'), depth + 1);
}

/**
 * The refusal for a failure of the store path: STORE_UNAVAILABLE for an outage, SEQ_CONFLICT when
 * other nodes kept taking the incident's next seq through every retry, else INTERNAL.
 */
export function storeRefusal(err: unknown): Refusal {
  if (err instanceof SeqConflictError) return refuse('SEQ_CONFLICT');
  return refuse(isStoreUnavailable(err) ? 'STORE_UNAVAILABLE' : 'INTERNAL');
}
