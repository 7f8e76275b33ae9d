/**
 * What the store keeps on this device: per server + incident the last committed state and the
 * outbox, and the preferences. The state is a cache rewritten rarely (≈ 4 MB at 10k entries); the
 * outbox grows one small write per edit (appendOutbox), and a state write replaces both at once so
 * they never disagree.
 */
import type { IncidentState, IncidentSummary } from '../../shared/model.ts';
import type { Op } from '../../shared/ops.ts';
import { summarize } from '../../shared/summary.ts';

export interface IncidentRecord {
  state: IncidentState | null;
  headSeq: number;
  outbox: Op[];
}

export interface LoadedIncident extends IncidentRecord {
  /** Stored records that failed validation and were set aside instead of loaded (lesson 1). */
  quarantined: string[];
}

export interface LocalIncident {
  incidentId: string;
  /** Derived from the stored state; null when only queued changes are stored. */
  summary: IncidentSummary | null;
  outboxCount: number;
}

/** The list row of an incident known only from this device (online count unknown: 0). */
export function summarizeState(s: IncidentState): IncidentSummary {
  return summarize(s);
}

export interface Persistence {
  loadIncident(serverUrl: string, incidentId: string): Promise<LoadedIncident | null>;
  /** Writes the state and replaces the stored outbox with record.outbox; resolves once durable. */
  saveIncident(serverUrl: string, incidentId: string, record: IncidentRecord): Promise<void>;
  /**
   * Adds ops after those already stored for the incident, leaving the state as it is: an edit's
   * small write. Resolves once durable.
   */
  appendOutbox(serverUrl: string, incidentId: string, ops: readonly Op[]): Promise<void>;
  deleteIncident(serverUrl: string, incidentId: string): Promise<void>;
  /** Incidents kept for this server (for the list while offline). */
  listIncidents(serverUrl: string): Promise<LocalIncident[]>;
  /** Synchronous so the first render already knows the member. Unvalidated: the slice checks it. */
  loadPreferences(): unknown;
  savePreferences(prefs: unknown): void;
}

export const incidentKey = (serverUrl: string, incidentId: string): string => `${serverUrl}|${incidentId}`;
