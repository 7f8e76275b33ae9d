/** Persistence in memory: for tests and for runtimes without IndexedDB. Same validation path as IDB. */
import { STATE_VERSION } from '../../shared/constants.ts';
import { incidentKey, type IncidentRecord, type LoadedIncident, type LocalIncident, type Persistence, summarizeState } from './persistence.ts';
import { validateStored, type StoredIncident } from './validate.ts';
import type { UnsentItem, UnsentStorage } from './unsent.ts';
import type { Op } from '../../shared/ops.ts';

export class MemoryPersistence implements Persistence, UnsentStorage {
  readonly records = new Map<string, StoredIncident>();
  prefs: unknown = null;
  unsent: unknown = [];

  async loadUnsent(): Promise<unknown> {
    return structuredClone(this.unsent);
  }

  async saveUnsent(items: readonly UnsentItem[]): Promise<void> {
    this.unsent = structuredClone(items);
  }

  async loadIncident(serverUrl: string, incidentId: string): Promise<LoadedIncident | null> {
    const raw = this.records.get(incidentKey(serverUrl, incidentId));
    // structuredClone: callers must never share objects with "disk".
    return raw ? validateStored(structuredClone(raw), incidentId) : null;
  }

  async saveIncident(serverUrl: string, incidentId: string, record: IncidentRecord): Promise<void> {
    const key = incidentKey(serverUrl, incidentId);
    this.records.set(key, structuredClone({
      version: STATE_VERSION, key, serverUrl, incidentId, state: record.state, headSeq: record.headSeq,
      outbox: record.outbox, savedAt: Date.now(),
    }));
  }

  async appendOutbox(serverUrl: string, incidentId: string, ops: readonly Op[]): Promise<void> {
    const key = incidentKey(serverUrl, incidentId);
    const r = this.records.get(key) ?? { version: STATE_VERSION, key, serverUrl, incidentId, state: null, headSeq: 0, outbox: [], savedAt: Date.now() };
    this.records.set(key, { ...r, outbox: [...r.outbox, ...structuredClone(ops)], savedAt: Date.now() });
  }

  async deleteIncident(serverUrl: string, incidentId: string): Promise<void> {
    this.records.delete(incidentKey(serverUrl, incidentId));
  }

  async listIncidents(serverUrl: string): Promise<LocalIncident[]> {
    return [...this.records.values()].filter((r) => r.serverUrl === serverUrl).map((r) => ({
      incidentId: r.incidentId, summary: r.state ? summarizeState(r.state) : null, outboxCount: r.outbox.length,
    }));
  }

  loadPreferences(): unknown {
    return this.prefs === null ? null : structuredClone(this.prefs);
  }

  savePreferences(prefs: unknown): void {
    this.prefs = structuredClone(prefs);
  }
}
