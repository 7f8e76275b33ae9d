/**
 * Sentences about a store check: the warnings a server logs on start, and the per-incident
 * report `warroom verify` prints. A store is healthy when no incident has a quarantined,
 * missing or held-back op and nothing had to be repaired.
 */
import type { QuarantinedRecord } from '../store/store.ts';
import type { IncidentFindings } from './checkIncident.ts';
import type { SnapshotFinding, StoreCheck } from './checkStore.ts';

const range = (m: { from: number; to: number }) => (m.from === m.to ? `${m.from}` : `${m.from}..${m.to}`);

/** Seqs at or below a head that no row and no quarantine record accounts for. */
export function missingCount(f: IncidentFindings): number {
  return f.missing.reduce((n, m) => n + m.to - m.from + 1, 0);
}

export function incidentWarnings(f: IncidentFindings): string[] {
  const out: string[] = [];
  const id = `incident ${f.incidentId}`;
  if (f.quarantine.length > 0) out.push(`${id}: seq ${f.quarantine.map((q) => q.seq).join(', ')} quarantined now; missing from the log clients get`);
  if (f.noCreate && !f.holdAll) out.push(`${id}: its create op (seq 1) is not served; the state is rebuilt from a proven snapshot`);
  if (f.missing.length > 0) out.push(`${id}: seq ${f.missing.map(range).join(', ')} missing from the log (deleted or lost; not quarantined)`);
  if (f.earlierQuarantined > 0) out.push(`${id}: ${f.earlierQuarantined} op(s) quarantined earlier are still not served (warroom verify lists them)`);
  if (f.headRepair) out.push(`${id}: ${f.headRepair}`);
  for (const r of f.chainRepairs) out.push(`${id}: repaired the damaged chain cell of seq ${r.seq} (its op matches its hash and the next row proves the value)`);
  if (f.holdAll) out.push(`${id}: every op is held back in quarantine because ${f.holdAll}; restore a backup`);
  return out;
}

export function snapshotWarning(s: SnapshotFinding): string {
  return `incident ${s.incidentId}: dropped snapshot at seq ${s.seq} (${s.reason}); state is rebuilt from the log`;
}

export interface VerifyReport {
  where: string;
  check: StoreCheck;
  quarantined: QuarantinedRecord[];
  /** Op rows whose key cells are damaged, so they belong to no incident. */
  strays?: number;
}

export function isHealthy(r: VerifyReport): boolean {
  return r.quarantined.length === 0 && !r.strays && r.check.snapshots.length === 0
    && r.check.incidents.every((f) => f.quarantine.length === 0 && f.missing.length === 0 && !f.headRepair && f.chainRepairs.length === 0 && !f.holdAll);
}

export function formatReport(r: VerifyReport): string {
  const lines = [`War Room store check: ${r.where}`];
  const byIncident = new Map<string, QuarantinedRecord[]>();
  for (const q of r.quarantined) {
    const key = q.incidentId ?? '(no incident)';
    byIncident.set(key, [...(byIncident.get(key) ?? []), q]);
  }
  for (const f of [...r.check.incidents].sort((a, b) => a.incidentId.localeCompare(b.incidentId))) {
    const bad = f.quarantine.length + missingCount(f) + (f.holdAll ? 1 : 0) + (f.headRepair ? 1 : 0) + f.chainRepairs.length;
    lines.push(`  ${bad === 0 && f.earlierQuarantined === 0 ? 'ok     ' : 'PROBLEM'} ${f.incidentId}: head ${f.head.seq}, ${f.verifiedOps} op(s) verified`);
    for (const q of f.quarantine) lines.push(`      seq ${q.seq}: would be quarantined: ${q.reason}`);
    for (const w of incidentWarnings(f)) lines.push(`      ${w.slice(`incident ${f.incidentId}: `.length)}`);
  }
  for (const s of r.check.snapshots) lines.push(`  snapshot ${s.incidentId}@${s.seq}: ${s.action === 'quarantine' ? 'damaged' : 'stale'} (${s.reason}); the server rebuilds it from the log`);
  for (const [id, list] of byIncident) {
    lines.push(`  quarantined records of ${id}:`);
    for (const q of list) lines.push(`      ${q.kind}${q.seq === null ? '' : ` seq ${q.seq}`} at ${new Date(q.quarantinedAt).toISOString()}: ${q.reason}`);
  }
  if (r.strays) lines.push(`  ${r.strays} op row(s) with a damaged key (incident id or seq) belong to no incident and would be quarantined`);
  const verified = r.check.incidents.reduce((n, f) => n + f.verifiedOps, 0);
  lines.push(`${r.check.incidents.length} incident(s), ${verified} op(s) and ${r.check.snapshotsVerified} snapshot(s) verified; `
    + (isHealthy(r) ? 'no problems found.' : 'PROBLEMS FOUND (see above). Quarantined rows keep their raw text in the quarantine table; restore a backup to recover lost ops.'));
  return lines.join('\n');
}
