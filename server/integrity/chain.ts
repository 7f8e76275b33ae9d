/**
 * The integrity rule for stored data, shared by the SQLite and PostgreSQL stores.
 *
 * - An op row stores `hash` = SHA-256 of the op's canonical JSON (which names its incident, seq and
 *   opId, so a row copied to another seq or incident no longer matches its columns), and
 *   `chain` = SHA-256(previous row's chain + ":" + hash), starting from a genesis value per
 *   incident. A deleted, inserted, reordered or edited row breaks the chain after it.
 * - The head of each incident (its highest seq ever given, and the chain there) is a row of its
 *   own, so losing the last ops, or quarantining the head op, never lets a seq be reused.
 * - A snapshot stores the chain of the op at its seq and a hash over everything it says; it is
 *   served only when both agree with the log.
 */
import { sha256Hex } from './canonical.ts';

export const HASH_HEX = /^[0-9a-f]{64}$/;

export function genesisChain(incidentId: string): string {
  return sha256Hex(`warroom-chain-v1:${incidentId}`);
}

export function opHash(canonicalText: string): string {
  return sha256Hex(canonicalText);
}

export function nextChain(previousChain: string, hash: string): string {
  return sha256Hex(`${previousChain}:${hash}`);
}

export function headHash(incidentId: string, seq: number, chain: string): string {
  return sha256Hex(`warroom-head-v1:${JSON.stringify([incidentId, seq, chain])}`);
}

export function snapshotHash(incidentId: string, seq: number, stateVersion: number, chain: string, canonicalState: string): string {
  return sha256Hex(`warroom-snapshot-v1:${JSON.stringify([incidentId, seq, stateVersion, chain])}:${canonicalState}`);
}

/** Chain values for a batch appended after `previousChain`, in order. */
export function chainBatch(previousChain: string, hashes: readonly string[]): string[] {
  const out: string[] = [];
  let c = previousChain;
  for (const h of hashes) out.push((c = nextChain(c, h)));
  return out;
}
