/**
 * The SQLite side of the store check: reading rows for server/integrity/checkStore.ts, and
 * applying its findings in one transaction (quarantine moves, chain and head repairs, snapshots).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { CheckSource, StoreCheck } from '../integrity/checkStore.ts';
import { headHash } from '../integrity/chain.ts';
import { incidentWarnings, snapshotWarning } from '../integrity/report.ts';
import type { QuarantinedRecord } from './store.ts';

export interface OpRow { incident_id: unknown; seq: unknown; op_id: unknown; json: unknown; hash: unknown; chain: unknown }

const RAW_LIMIT = 100_000;
const asText = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A damaged cell can come back as a number or bytes: keep something readable of it. */
function rawText(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1').slice(0, RAW_LIMIT);
  return String(v).slice(0, RAW_LIMIT);
}

/** A row whose key cells are damaged (not a text incident id and a whole seq): it belongs to no incident. */
export interface StrayRow { incidentId: unknown; seq: unknown; json: unknown }

export function sqliteCheckSource(d: DatabaseSync, strays: StrayRow[] = []): CheckSource {
  return {
    async heads() {
      const rows = d.prepare('SELECT incident_id, head_seq AS seq, chain, hash FROM incident_heads').all() as { incident_id: unknown; seq: unknown; chain: unknown; hash: unknown }[];
      return new Map(rows.map((r) => [String(r.incident_id), { seq: r.seq, chain: r.chain, hash: r.hash }]));
    },
    async earlier() {
      const out = new Map<string, Map<number, string | null>>();
      for (const r of d.prepare("SELECT incident_id, seq, chain FROM quarantine WHERE kind = 'op' AND incident_id IS NOT NULL AND seq IS NOT NULL").all() as { incident_id: string; seq: number; chain: string | null }[]) {
        let m = out.get(r.incident_id);
        if (!m) out.set(r.incident_id, (m = new Map()));
        if (!m.get(r.seq)) m.set(r.seq, r.chain);
      }
      return out;
    },
    async snapshotKeys() {
      return (d.prepare('SELECT incident_id, seq FROM snapshots ORDER BY incident_id, seq').all() as { incident_id: unknown; seq: unknown }[])
        .map((r) => ({ incidentId: String(r.incident_id), seq: Number(r.seq) }));
    },
    async snapshot(incidentId, seq) {
      const r = d.prepare('SELECT state_version, json, chain, hash FROM snapshots WHERE incident_id = ? AND seq = ?').get(incidentId, seq) as { state_version: unknown; json: unknown; chain: unknown; hash: unknown } | undefined;
      return r ? { incidentId, seq, stateVersion: Number(r.state_version), text: asText(r.json), hash: r.hash, chain: r.chain } : null;
    },
    async *opRows() {
      for (const r of d.prepare('SELECT incident_id, seq, op_id, json, hash, chain FROM ops ORDER BY incident_id, seq').iterate() as Iterable<OpRow>) {
        if (typeof r.incident_id !== 'string' || typeof r.seq !== 'number' || !Number.isSafeInteger(r.seq) || r.seq < 1) {
          strays.push({ incidentId: r.incident_id, seq: r.seq, json: r.json });
          continue;
        }
        yield { incidentId: String(r.incident_id), seq: Number(r.seq), opId: r.op_id, text: asText(r.json), hash: r.hash, chain: r.chain };
      }
    },
  };
}

/** Applies a check's findings (call inside a write transaction); returns what moved and what to tell. */
export function applyFindings(d: DatabaseSync, check: StoreCheck, strays: readonly StrayRow[], now: number): { quarantined: QuarantinedRecord[]; warnings: string[] } {
  const quarantined: QuarantinedRecord[] = [];
  const warnings: string[] = [];
  const get = d.prepare('SELECT json FROM ops WHERE incident_id = ? AND seq = ?');
  const put = d.prepare('INSERT INTO quarantine (kind, incident_id, seq, reason, raw, quarantined_at, chain) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const del = d.prepare('DELETE FROM ops WHERE incident_id = ? AND seq = ?');
  const move = (kind: string, incidentId: string | null, seq: number | null, reason: string, raw: unknown, chain: string | null) => {
    put.run(kind, incidentId, seq, reason, rawText(raw), now, chain);
    quarantined.push({ kind, incidentId, seq, reason, quarantinedAt: now });
  };
  for (const s of strays) {
    const reason = `the row's key is damaged (incident ${rawText(s.incidentId).slice(0, 80)}, seq ${rawText(s.seq).slice(0, 40)})`;
    move('op', typeof s.incidentId === 'string' ? s.incidentId : null, null, reason, s.json, null);
    d.prepare('DELETE FROM ops WHERE incident_id IS ? AND seq IS ?').run(s.incidentId as string, s.seq as number);
    warnings.push(`an op row with a damaged key was quarantined (${reason})`);
  }
  const heads = new Map((d.prepare('SELECT incident_id, head_seq, chain, hash FROM incident_heads').all() as { incident_id: string }[]).map((h) => [String(h.incident_id), h]));
  for (const f of check.incidents) {
    for (const m of f.quarantine) {
      const row = get.get(f.incidentId, m.seq) as { json: unknown } | undefined;
      move('op', f.incidentId, m.seq, m.reason, row?.json ?? '', m.chain);
      del.run(f.incidentId, m.seq);
    }
    for (const r of f.chainRepairs) d.prepare('UPDATE ops SET chain = ? WHERE incident_id = ? AND seq = ?').run(r.chain, f.incidentId, r.seq);
    if (f.headRepair) {
      // Kept as a record: ops after the rebuilt head, if any were lost, cannot be detected any more.
      move('head', f.incidentId, null, f.headRepair, JSON.stringify(heads.get(f.incidentId) ?? null), null);
      d.prepare('INSERT OR REPLACE INTO incident_heads (incident_id, head_seq, chain, hash) VALUES (?, ?, ?, ?)')
        .run(f.incidentId, f.head.seq, f.head.chain, headHash(f.incidentId, f.head.seq, f.head.chain));
    }
    if (f.holdAll) {
      const reason = `held back: ${f.holdAll}`;
      for (const row of d.prepare('SELECT seq, json, chain FROM ops WHERE incident_id = ? ORDER BY seq').all(f.incidentId) as { seq: number; json: unknown; chain: unknown }[]) {
        move('op', f.incidentId, row.seq, reason, row.json, null);
      }
      d.prepare('DELETE FROM ops WHERE incident_id = ?').run(f.incidentId);
    }
    warnings.push(...incidentWarnings(f));
  }
  for (const s of check.snapshots) {
    const row = d.prepare('SELECT json FROM snapshots WHERE incident_id = ? AND seq = ?').get(s.incidentId, s.seq) as { json: unknown } | undefined;
    if (s.action === 'quarantine') move('snapshot', s.incidentId, s.seq, s.reason, row?.json ?? '', null);
    d.prepare('DELETE FROM snapshots WHERE incident_id = ? AND seq = ?').run(s.incidentId, s.seq);
    if (s.action === 'discard') warnings.push(snapshotWarning(s));
  }
  return { quarantined, warnings };
}
