/**
 * The whole-store check both stores run on open and `warroom verify` runs read-only: every op row
 * of every incident through createIncidentCheck, then every snapshot against the chain the log
 * proves. It only reads; the store applies the findings (quarantine, repairs) in its own way.
 */
import { createIncidentCheck, type IncidentFindings, type StoredHead } from './checkIncident.ts';
import type { StoredOpRow } from './checkOp.ts';
import { checkSnapshotRow, type StoredSnapshotRow } from './checkSnapshot.ts';

export interface CheckSource {
  heads(): Promise<Map<string, StoredHead>>;
  /** incident → seq → proven chain (or null), of ops quarantined by earlier checks. */
  earlier(): Promise<Map<string, Map<number, string | null>>>;
  snapshotKeys(): Promise<{ incidentId: string; seq: number }[]>;
  snapshot(incidentId: string, seq: number): Promise<StoredSnapshotRow | null>;
  /** Every op row, ordered by incident then seq. */
  opRows(): AsyncIterable<StoredOpRow>;
}

export interface SnapshotFinding { incidentId: string; seq: number; action: 'quarantine' | 'discard'; reason: string }

export interface StoreCheck {
  incidents: IncidentFindings[];
  snapshots: SnapshotFinding[];
  snapshotsVerified: number;
}

const EMPTY = new Map<number, string | null>();

export async function checkStore(source: CheckSource): Promise<StoreCheck> {
  const heads = await source.heads();
  const earlier = await source.earlier();
  const keys = await source.snapshotKeys();
  const wanted = new Map<string, Set<number>>();
  for (const k of keys) {
    let s = wanted.get(k.incidentId);
    if (!s) wanted.set(k.incidentId, (s = new Set()));
    s.add(k.seq);
  }
  const incidents: IncidentFindings[] = [];
  const start = (id: string) => createIncidentCheck(id, { head: heads.get(id) ?? null, earlier: earlier.get(id) ?? EMPTY, chainWanted: wanted.get(id) ?? new Set() });
  const seen = new Set<string>();
  let current = null as { id: string; check: ReturnType<typeof start> } | null;
  for await (const row of source.opRows()) {
    if (current?.id !== row.incidentId) {
      if (current) incidents.push(current.check.finish());
      current = { id: row.incidentId, check: start(row.incidentId) };
      seen.add(row.incidentId);
    }
    current.check.row(row);
  }
  if (current) incidents.push(current.check.finish());
  // Incidents whose every row is gone still have a head or quarantine records: their loss is reported too.
  for (const id of new Set([...heads.keys(), ...earlier.keys()])) {
    if (!seen.has(id)) incidents.push(start(id).finish());
  }
  const byId = new Map(incidents.map((f) => [f.incidentId, f]));
  const snapshots: SnapshotFinding[] = [];
  const verified = new Map<string, { incidentId: string; seq: number }[]>();
  for (const k of keys) {
    const row = await source.snapshot(k.incidentId, k.seq);
    if (!row) continue;
    const f = byId.get(k.incidentId);
    if (f?.holdAll) {
      snapshots.push({ ...k, action: 'discard', reason: 'its incident is held back' });
      continue;
    }
    const r = checkSnapshotRow(row, f?.chainAt.get(k.seq));
    if (r.ok) verified.set(k.incidentId, [...(verified.get(k.incidentId) ?? []), k]);
    else snapshots.push({ ...k, action: r.action, reason: r.reason });
  }
  // Without its create op an incident folds only from a proven snapshot; with none, nothing of it can be served.
  for (const f of incidents) {
    if (!f.noCreate || verified.has(f.incidentId)) continue;
    f.holdAll ??= 'its create op (seq 1) is missing or quarantined and no proven snapshot covers it, so the incident cannot be rebuilt';
  }
  let snapshotsVerified = 0;
  for (const [id, list] of verified) {
    if (byId.get(id)?.holdAll) for (const k of list) snapshots.push({ ...k, action: 'discard', reason: 'its incident is held back' });
    else snapshotsVerified += list.length;
  }
  return { incidents, snapshots, snapshotsVerified };
}
