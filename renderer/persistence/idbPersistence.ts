/**
 * IndexedDB persistence (via `idb`): per server + incident one record holding the committed state
 * and its headSeq (`incidents`), and the outbox as one small record per queued op (`outbox`, keyed
 * [incident key, n] in queue order), so a reload or crash while offline loses nothing and an edit
 * writes its op, not the whole incident. Preferences live in localStorage so the first render
 * knows the member synchronously.
 *
 * Version 3 moved the outbox out of the incident record: the upgrade copies every queued op of an
 * existing record into the outbox store and empties the record's own list in the same versionchange
 * transaction (all or nothing). Loading still reads a record's own list first, then the store.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { STATE_VERSION } from '../../shared/constants.ts';
import { incidentKey, type IncidentRecord, type LoadedIncident, type LocalIncident, type Persistence, summarizeState } from './persistence.ts';
import { validateStored, type StoredIncident } from './validate.ts';
import type { UnsentItem, UnsentStorage } from './unsent.ts';
import type { Op } from '../../shared/ops.ts';

interface WarRoomDb extends DBSchema {
  incidents: { key: string; value: StoredIncident; indexes: { byServer: string } };
  quarantine: { key: number; value: { at: number; key: string; reasons: string[]; raw: unknown } };
  /** The unsent tray (unsent.ts), one record. */
  unsent: { key: string; value: { key: string; items: unknown; savedAt: number } };
  /** Queued ops, one record each, in order of n within an incident key. */
  outbox: { key: [string, number]; value: OutboxRecord };
}

interface OutboxRecord { key: string; n: number; op: unknown }
/** Every outbox record of one incident key, in queue order. */
const outboxRange = (key: string) => IDBKeyRange.bound([key, -Infinity], [key, Infinity]);

const UNSENT_KEY = 'tray';
/** 1: incidents + quarantine; 2: the unsent tray; 3: the outbox in its own store. */
export const DB_VERSION = 3;

const DB_NAME = 'warroom';
const PREFS_KEY = 'warroom.preferences';

/** Keeps the first of ops sharing an opId (an op is never queued twice; a damaged item stays for validation). */
function dedupeOps(items: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return items.filter((o) => {
    const id = typeof o === 'object' && o !== null ? (o as { opId?: unknown }).opId : undefined;
    if (id === undefined) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export class IdbPersistence implements Persistence, UnsentStorage {
  private readonly db: Promise<IDBPDatabase<WarRoomDb>>;
  private memoryPrefs: unknown = null;

  constructor(name = DB_NAME) {
    this.db = openDB<WarRoomDb>(name, DB_VERSION, {
      async upgrade(db, oldVersion, _newVersion, tx) {
        if (oldVersion < 1) {
          db.createObjectStore('incidents', { keyPath: 'key' }).createIndex('byServer', 'serverUrl');
          db.createObjectStore('quarantine', { autoIncrement: true });
        }
        if (oldVersion < 2) db.createObjectStore('unsent', { keyPath: 'key' });
        if (oldVersion < 3) {
          const outbox = db.createObjectStore('outbox', { keyPath: ['key', 'n'] });
          // Move what was queued the old way (inside the incident record); raw, validated on load.
          let cursor = await tx.objectStore('incidents').openCursor();
          while (cursor) {
            const r = cursor.value;
            if (Array.isArray(r.outbox) && r.outbox.length > 0 && typeof r.key === 'string') {
              for (let n = 0; n < r.outbox.length; n++) await outbox.put({ key: r.key, n, op: r.outbox[n] });
              await cursor.update({ ...r, outbox: [] });
            }
            cursor = await cursor.continue();
          }
        }
      },
    });
  }

  async loadIncident(serverUrl: string, incidentId: string): Promise<LoadedIncident | null> {
    const db = await this.db;
    const key = incidentKey(serverUrl, incidentId);
    const tx = db.transaction(['incidents', 'outbox'], 'readonly');
    const [record, queued] = await Promise.all([tx.objectStore('incidents').get(key), tx.objectStore('outbox').getAll(outboxRange(key))]);
    await tx.done;
    if (!record && queued.length === 0) return null;
    // Ops queued with no record yet (an incident declared offline): a record of queued changes only.
    const base: StoredIncident = record ?? { version: STATE_VERSION, key, serverUrl, incidentId, state: null, headSeq: 0, outbox: [], savedAt: 0 };
    const raw = queued.length === 0 ? base : { ...base, outbox: dedupeOps([...(Array.isArray(base.outbox) ? base.outbox : []), ...queued.map((q) => q.op)]) };
    const loaded = validateStored(raw, incidentId);
    if (!loaded || loaded.quarantined.length > 0) {
      await db.add('quarantine', { at: Date.now(), key, reasons: loaded?.quarantined ?? ['unreadable record'], raw });
    }
    return loaded;
  }

  async saveIncident(serverUrl: string, incidentId: string, record: IncidentRecord): Promise<void> {
    const db = await this.db;
    const key = incidentKey(serverUrl, incidentId);
    const tx = db.transaction(['incidents', 'outbox'], 'readwrite', { durability: 'strict' });
    const outbox = tx.objectStore('outbox');
    // State and outbox replaced together, in one transaction: they never disagree on disk.
    void tx.objectStore('incidents').put({
      version: STATE_VERSION, key, serverUrl, incidentId, state: record.state, headSeq: record.headSeq, outbox: [], savedAt: Date.now(),
    });
    void outbox.delete(outboxRange(key));
    record.outbox.forEach((op, n) => void outbox.put({ key, n, op }));
    await tx.done;
  }

  async appendOutbox(serverUrl: string, incidentId: string, ops: readonly Op[]): Promise<void> {
    if (ops.length === 0) return;
    const db = await this.db;
    const key = incidentKey(serverUrl, incidentId);
    const tx = db.transaction(['incidents', 'outbox'], 'readwrite', { durability: 'strict' });
    const outbox = tx.objectStore('outbox');
    const incidents = tx.objectStore('incidents');
    const [last, known] = await Promise.all([outbox.openCursor(outboxRange(key), 'prev'), incidents.getKey(key)]);
    // A record of queued changes only, so the incident is listed while offline (its state comes later).
    if (known === undefined) void incidents.put({ version: STATE_VERSION, key, serverUrl, incidentId, state: null, headSeq: 0, outbox: [], savedAt: Date.now() });
    let n = last ? last.value.n + 1 : 0;
    for (const op of ops) void outbox.put({ key, n: n++, op });
    await tx.done;
  }

  async deleteIncident(serverUrl: string, incidentId: string): Promise<void> {
    const db = await this.db;
    const key = incidentKey(serverUrl, incidentId);
    const tx = db.transaction(['incidents', 'outbox'], 'readwrite');
    void tx.objectStore('incidents').delete(key);
    void tx.objectStore('outbox').delete(outboxRange(key));
    await tx.done;
  }

  async listIncidents(serverUrl: string): Promise<LocalIncident[]> {
    const db = await this.db;
    const tx = db.transaction(['incidents', 'outbox'], 'readonly');
    const rows = await tx.objectStore('incidents').index('byServer').getAll(serverUrl);
    const counts = await Promise.all(rows.map((r) => tx.objectStore('outbox').count(outboxRange(r.key))));
    await tx.done;
    return rows.map((r, i) => ({
      incidentId: r.incidentId, summary: r.state ? summarizeState(r.state) : null,
      outboxCount: (Array.isArray(r.outbox) ? r.outbox.length : 0) + counts[i]!,
    }));
  }

  async loadUnsent(): Promise<unknown> {
    const db = await this.db;
    return (await db.get('unsent', UNSENT_KEY))?.items ?? [];
  }

  async saveUnsent(items: readonly UnsentItem[]): Promise<void> {
    const db = await this.db;
    const tx = db.transaction('unsent', 'readwrite', { durability: 'strict' });
    await tx.store.put({ key: UNSENT_KEY, items, savedAt: Date.now() });
    await tx.done;
  }

  loadPreferences(): unknown {
    try {
      const text = globalThis.localStorage?.getItem(PREFS_KEY);
      return text ? JSON.parse(text) : this.memoryPrefs;
    } catch {
      return this.memoryPrefs;
    }
  }

  savePreferences(prefs: unknown): void {
    this.memoryPrefs = prefs;
    try {
      globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify(prefs));
    } catch {
      // Storage full or disabled: the in-memory copy keeps this session working.
    }
  }
}
