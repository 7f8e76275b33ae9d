/** Checks records read back from disk: a damaged record is set aside, never loaded (lesson 1). */
import { STATE_VERSION } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import { parseOp, type Op } from '../../shared/ops.ts';
import type { LoadedIncident } from './persistence.ts';

export interface StoredIncident {
  version: number;
  key: string;
  serverUrl: string;
  incidentId: string;
  state: IncidentState | null;
  headSeq: number;
  outbox: unknown[];
  savedAt: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A cheap structural check; the state was produced by our reducer, so this guards against damage, not malice. */
export function looksLikeState(v: unknown, incidentId: string): v is IncidentState {
  return isObj(v) && v.id === incidentId && typeof v.headSeq === 'number' && Array.isArray(v.timeline)
    && isObj(v.tasks) && isObj(v.members) && isObj(v.help) && isObj(v.roles) && isObj(v.postmortem)
    && typeof v.title === 'string' && typeof v.severity === 'string' && typeof v.status === 'string';
}

export function validateStored(raw: unknown, incidentId: string): LoadedIncident | null {
  if (!isObj(raw)) return null;
  const quarantined: string[] = [];
  let state: IncidentState | null = null;
  let headSeq = 0;
  if (raw.version !== STATE_VERSION) {
    quarantined.push(`state of version ${String(raw.version)} (rebuilt from the server)`);
  } else if (raw.state !== null && raw.state !== undefined) {
    if (looksLikeState(raw.state, incidentId) && raw.state.headSeq === raw.headSeq) {
      state = raw.state;
      headSeq = raw.state.headSeq;
    } else {
      quarantined.push('damaged incident state (rebuilt from the server)');
    }
  }
  const outbox: Op[] = [];
  for (const item of Array.isArray(raw.outbox) ? raw.outbox : []) {
    const r = parseOp(item);
    if (r.ok && r.value.incidentId === incidentId) outbox.push(r.value);
    else quarantined.push(r.ok ? 'queued change for another incident' : `damaged queued change: ${r.message}`);
  }
  return { state, headSeq, outbox, quarantined };
}
