/**
 * Deterministic ids for ops the server writes. Every node derives the same opId for the same duty,
 * so when several nodes fire it at once the engine's opId dedupe keeps exactly one.
 */
import { createHash } from 'node:crypto';

/** A UUID (version 5 layout: SHA-1 of a name under a fixed namespace) from a key's parts. */
export function derivedUuid(...parts: readonly (string | number)[]): string {
  // JSON keeps the parts apart: ('a:b', 'c') and ('a', 'b:c') give different ids.
  const h = createHash('sha1').update('warroom-duty\0').update(JSON.stringify(parts)).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A short id (letters and digits) from a key's parts, for entry and incident ids. */
export function derivedId(prefix: string, ...parts: readonly (string | number)[]): string {
  return `${prefix}${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24)}`;
}
