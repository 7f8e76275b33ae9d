/**
 * Walks one incident's stored op rows in seq order and says what can be served: which rows to
 * quarantine, which seqs are missing (a loss to report), what the head is, and whether the chain
 * proves the rows that remain. Pure: the stores feed rows in and apply the findings.
 *
 * Rules (docs/RELIABILITY.md "Stored data: integrity and corruption"):
 * - a row whose content does not match its hash, or is not a valid op of its own row, is quarantined;
 * - a row above the recorded head was added behind the server's back: quarantined;
 * - a seq below the head with no row and no quarantine record is a loss: reported, never filled;
 * - one damaged chain cell (the next row still links to the value it should have had) is repaired;
 * - a chain that only links to rewritten values means rows were edited with their hashes
 *   recomputed: the whole incident is held back (quarantined), since no row of it can be proven;
 * - an incident whose create op (seq 1) is not served can only be rebuilt from a proven snapshot;
 *   without one its rows are held back (checkStore decides, once the snapshots are checked).
 */
import { chainBatch, genesisChain, headHash, nextChain } from './chain.ts';
import { checkOpRow, isHash, type StoredOpRow } from './checkOp.ts';

export interface StoredHead { seq: unknown; chain: unknown; hash: unknown }

export interface QuarantineMove { seq: number; reason: string; /** Chain value at this seq when still proven, so later rows stay provable. */ chain: string | null }

export interface IncidentFindings {
  incidentId: string;
  verifiedOps: number;
  /** Rows to move to quarantine now. */
  quarantine: QuarantineMove[];
  /** Seqs at or below the head with neither a row nor a quarantine record. */
  missing: { from: number; to: number }[];
  /** Seqs quarantined by an earlier check (still not served). */
  earlierQuarantined: number;
  head: { seq: number; chain: string };
  /** Why the head record is rewritten (missing or damaged), or null. */
  headRepair: string | null;
  /** Damaged chain cells whose correct value the next row proves. */
  chainRepairs: { seq: number; chain: string }[];
  /** Every row of the incident must be held back, and why. */
  holdAll: string | null;
  /** Seq 1 (the create op) is not served. */
  noCreate: boolean;
  /**
   * The log's chain at the seqs asked for (the snapshots'). After a loss it continues from the
   * stored values, so a snapshot saved before or after the loss still agrees with its own log.
   */
  chainAt: Map<number, string>;
  /** Lowest seq that clients cannot get (quarantined or missing), or null. */
  firstUnserved: number | null;
}

export interface CheckOptions {
  head: StoredHead | null;
  /** seq → proven chain (or null) of ops quarantined earlier. */
  earlier: ReadonlyMap<number, string | null>;
  chainWanted: ReadonlySet<number>;
}

export function headIsValid(incidentId: string, head: StoredHead | null): head is { seq: number; chain: string; hash: string } {
  return head !== null && Number.isSafeInteger(head.seq) && (head.seq as number) >= 0 && isHash(head.chain)
    && head.hash === headHash(incidentId, head.seq as number, head.chain);
}

export function createIncidentCheck(incidentId: string, opts: CheckOptions) {
  const f: IncidentFindings = {
    incidentId, verifiedOps: 0, quarantine: [], missing: [], earlierQuarantined: 0,
    head: { seq: 0, chain: genesisChain(incidentId) }, headRepair: null, chainRepairs: [], holdAll: null,
    noCreate: false, chainAt: new Map(), firstUnserved: null,
  };
  const head = headIsValid(incidentId, opts.head) ? opts.head : null;
  let chain = genesisChain(incidentId);
  let linked = true;
  let expected = 1;
  let createServed = false;
  let pending: { seq: number; stored: unknown; computed: string } | null = null;
  const unserved = (seq: number) => {
    if (f.firstUnserved === null || seq < f.firstUnserved) f.firstUnserved = seq;
  };
  const hold = (reason: string) => {
    f.holdAll ??= reason;
  };
  const unresolvable = () => {
    if (pending) hold(`the hash chain breaks at seq ${pending.seq} and nothing after it shows whether that row or an earlier one changed`);
    pending = null;
  };
  const earlierSeqs = [...opts.earlier.keys()].sort((a, b) => a - b);
  let nextEarlier = 0;
  /** Seqs expected..upTo are absent: each is either quarantined earlier or lost. */
  const gap = (upTo: number) => {
    if (upTo < expected) return;
    unresolvable();
    unserved(expected);
    let from = expected;
    let lost = false;
    while (nextEarlier < earlierSeqs.length && earlierSeqs[nextEarlier]! < expected) nextEarlier++;
    for (; nextEarlier < earlierSeqs.length && earlierSeqs[nextEarlier]! <= upTo; nextEarlier++) {
      const s = earlierSeqs[nextEarlier]!;
      if (s > from) {
        f.missing.push({ from, to: s - 1 });
        lost = true;
      }
      f.earlierQuarantined++;
      from = s + 1;
    }
    if (from <= upTo) {
      f.missing.push({ from, to: upTo });
      lost = true;
    }
    const anchor = opts.earlier.get(upTo);
    if (!lost && typeof anchor === 'string') {
      chain = anchor;
      linked = true;
    } else {
      linked = false;
    }
    expected = upTo + 1;
  };

  function row(r: StoredOpRow): void {
    if (head && r.seq > head.seq) {
      f.quarantine.push({ seq: r.seq, reason: `seq ${r.seq} is above the head (${head.seq}) recorded for this incident: the row was added behind the server's back`, chain: null });
      return;
    }
    gap(r.seq - 1);
    let check = checkOpRow(r, true);
    if (check.ok && r.seq === 1 && check.op.type !== 'incident.create') check = { ok: false, reason: 'seq 1 is not the incident\'s create op' };
    if (!check.ok) {
      unresolvable();
      // Content damaged but hash and chain cells intact: the chain still proves the rows around it.
      const ok = linked && isHash(r.hash) && r.chain === nextChain(chain, r.hash);
      if (ok) chain = r.chain as string;
      else {
        linked = false;
      }
      f.quarantine.push({ seq: r.seq, reason: check.reason, chain: ok ? chain : null });
      if (ok && opts.chainWanted.has(r.seq)) f.chainAt.set(r.seq, chain);
      unserved(r.seq);
      expected = r.seq + 1;
      return;
    }
    const hash = r.hash as string;
    const want = nextChain(chain, hash);
    if (pending) {
      if (r.chain === want) f.chainRepairs.push({ seq: pending.seq, chain: pending.computed });
      else hold(`rows at or before seq ${pending.seq} were changed and their hashes recomputed (the chain after them still links to the old values)`);
      pending = null;
    }
    if (!linked) {
      // The row before is gone or damaged, so this link cannot be proven; that loss is reported on its own.
      chain = isHash(r.chain) ? r.chain : want;
      linked = true;
    } else {
      if (r.chain !== want) pending = { seq: r.seq, stored: r.chain, computed: want };
      chain = want;
    }
    if (r.seq === 1) createServed = true;
    f.verifiedOps++;
    if (opts.chainWanted.has(r.seq)) f.chainAt.set(r.seq, chain);
    expected = r.seq + 1;
  }

  function finish(): IncidentFindings {
    if (head) {
      if (expected - 1 < head.seq) gap(head.seq);
      else if (pending) {
        if (head.chain === pending.computed) f.chainRepairs.push({ seq: pending.seq, chain: pending.computed });
        else hold(`the last rows up to seq ${pending.seq} were changed and their hashes recomputed (the head record still holds the old chain)`);
        pending = null;
      } else if (linked && f.verifiedOps > 0 && chain !== head.chain && expected - 1 === head.seq && !f.quarantine.some((q) => q.seq === head.seq)) {
        hold(`the log up to its head (seq ${head.seq}) does not lead to the chain value the head record holds: rows were rewritten`);
      }
      f.head = { seq: head.seq, chain: head.chain };
    } else if (f.verifiedOps > 0) {
      // Rows that all fail and were never under a head (written behind the server's back) get no head:
      // they never held a seq this server gave.
      unresolvable();
      const seq = Math.max(expected - 1, ...opts.earlier.keys());
      f.headRepair = opts.head
        ? `the head record is damaged; rebuilt from the log at seq ${seq} (ops lost after it, if any, cannot be detected)`
        : `there is no head record; rebuilt from the log at seq ${seq} (ops lost after it, if any, cannot be detected)`;
      f.head = { seq, chain };
    }
    f.noCreate = !createServed && f.verifiedOps > 0;
    return f;
  }

  return { row, finish };
}

/** The chain values a batch appended after `previous` gets (re-exported for the stores). */
export { chainBatch };
