/**
 * The durable store behind the server: an append-only op log per incident plus snapshots.
 * Implemented by SQLite (node:sqlite, embedded default) and PostgreSQL (scale-out).
 *
 * Ordering: each node computes seq = head + 1 from the state it holds and calls append().
 * (incident_id, seq) is unique, so when another node got there first append() throws
 * SeqConflictError, and the caller catches up from readOps() and tries again. The log stays
 * gapless and every node converges on the store's order.
 */
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';

export interface QuarantinedRecord {
  /** Which table or kind of record, e.g. "op" or "snapshot". */
  kind: string;
  incidentId: string | null;
  seq: number | null;
  reason: string;
  quarantinedAt: number;
}

/** What open() found. `missingOps`: seqs below an incident's head with neither a row nor a quarantine record (a loss). */
export interface OpenReport { quarantined: QuarantinedRecord[]; warnings?: string[]; missingOps?: number }

export interface Snapshot {
  incidentId: string;
  seq: number;
  state: IncidentState;
}

export class SeqConflictError extends Error {
  readonly incidentId: string;
  readonly seq: number;
  constructor(incidentId: string, seq: number) {
    super(`seq ${seq} of incident ${incidentId} is already taken`);
    this.name = 'SeqConflictError';
    this.incidentId = incidentId;
    this.seq = seq;
  }
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Creates tables, then validates every stored record (hashes, chain, heads), moving failures to
   * quarantine. `warnings` reports findings that are not records to move, e.g. a hole in a seq
   * chain. Throws a sentence when the storage cannot be a whole War Room database.
   */
  open(): Promise<OpenReport>;
  close(): Promise<void>;
  /** True when the store answers a trivial query. */
  ping(): Promise<boolean>;
  listIncidentIds(): Promise<string[]>;
  headSeq(incidentId: string): Promise<number>;
  /** The committed op with this opId, for duplicate submissions. */
  findByOpId(opId: string): Promise<{ incidentId: string; seq: number } | null>;
  /** Ops with seq > afterSeq in seq order, at most `limit`. */
  readOps(incidentId: string, afterSeq: number, limit?: number): Promise<CommittedOp[]>;
  /** Newest snapshot with seq <= atMostSeq (any when omitted). */
  latestSnapshot(incidentId: string, atMostSeq?: number): Promise<Snapshot | null>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /**
   * Optional: builds the snapshot at `seq` itself, by folding its own log from its newest snapshot,
   * and saves it, all off the caller's thread (the SQLite worker store). When present the engine
   * calls this instead of saveSnapshot, so a snapshot costs the event loop nothing.
   */
  snapshotFromLog?(incidentId: string, seq: number): Promise<void>;
  /**
   * Appends ops (possibly of several incidents) in ONE durable transaction: all or none.
   * Throws SeqConflictError when a seq is taken; rejects a duplicate opId likewise.
   */
  append(ops: readonly CommittedOp[]): Promise<void>;
  quarantined(): Promise<QuarantinedRecord[]>;
  /** A consistent copy while serving (SQLite: a file; PostgreSQL: not supported, use pg_dump). */
  backup(toFile: string): Promise<void>;
}
