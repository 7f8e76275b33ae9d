/**
 * The rows one append writes: for each incident in the batch, its ops must continue the head
 * (first seq = head + 1, contiguous); each gets its hash and chain, and the head moves to the last.
 * Shared by both stores so they hash alike; the caller runs it inside its write transaction.
 */
import type { CommittedOp } from '../../shared/ops.ts';
import { SeqConflictError } from '../store/store.ts';
import { canonicalJson } from './canonical.ts';
import { genesisChain, headHash, nextChain, opHash } from './chain.ts';
import { headIsValid, type StoredHead } from './checkIncident.ts';

export interface OpInsert { incidentId: string; seq: number; opId: string; text: string; hash: string; chain: string; serverTime: number }
export interface HeadWrite { incidentId: string; seq: number; chain: string; hash: string }

/** The incident's head as stored, or, when it has no head record, its highest row (null when it has none). */
export type HeadLookup = (incidentId: string) => StoredHead | null;

export function groupByIncident(ops: readonly CommittedOp[]): Map<string, CommittedOp[]> {
  const out = new Map<string, CommittedOp[]>();
  for (const op of ops) {
    let list = out.get(op.incidentId);
    if (!list) out.set(op.incidentId, (list = []));
    list.push(op);
  }
  return out;
}

export function appendRows(groups: ReadonlyMap<string, readonly CommittedOp[]>, headOf: HeadLookup): { rows: OpInsert[]; heads: HeadWrite[] } {
  const rows: OpInsert[] = [];
  const heads: HeadWrite[] = [];
  for (const [incidentId, list] of groups) {
    const stored = headOf(incidentId);
    let seq = 0;
    let chain = genesisChain(incidentId);
    if (stored) {
      if (!headIsValid(incidentId, stored)) {
        throw new Error(`the head record of incident ${incidentId} is damaged; restart the server so it is rebuilt from the log (nothing was written)`);
      }
      seq = stored.seq;
      chain = stored.chain;
    }
    for (const op of list) {
      if (op.seq <= seq) throw new SeqConflictError(incidentId, op.seq);
      if (op.seq !== seq + 1) {
        throw new Error(`append of seq ${op.seq} to incident ${incidentId} would leave a gap after seq ${seq} (or the batch is not contiguous); nothing was written`);
      }
      const text = canonicalJson(op);
      const hash = opHash(text);
      chain = nextChain(chain, hash);
      seq = op.seq;
      rows.push({ incidentId, seq, opId: op.opId, text, hash, chain, serverTime: op.serverTime });
    }
    heads.push({ incidentId, seq, chain, hash: headHash(incidentId, seq, chain) });
  }
  return { rows, heads };
}
