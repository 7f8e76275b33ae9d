/**
 * IndexedDB persistence (via `idb`): one record per server + incident holding the committed state,
 * its headSeq and the outbox, so a reload or crash while offline loses nothing. Preferences live in
 * localStorage so the first render knows the member synchronously.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { STATE_VERSION } from '../../shared/constants.ts';
import { incidentKey, type IncidentRecord, type LoadedIncident, type LocalIncident, type Persistence, summarizeState } from './persistence.ts';
import { validateStored, type StoredIncident } from './validate.ts';
import type { UnsentItem, UnsentStorage } from './unsent.ts';

interface WarRoomDb extends DBSchema {
  incidents: { key: string; value: StoredIncident; indexes: { byServer: string } };
  quarantine: { key: number; value: { at: number; key: string; reasons: string[]; raw: unknown } };
  /** The unsent tray (unsent.ts), one record. */
  unsent: { key: string; value: { key: string; items: unknown; savedAt: number } };
}

const UNSENT_KEY = 'tray';
/** 1: incidents + quarantine; 2: the unsent tray. */
export const DB_VERSION = 2;

const DB_NAME = 'warroom';
const PREFS_KEY = 'warroom.preferences';

export class IdbPersistence implements Persistence, UnsentStorage {
  private readonly db: Promise<IDBPDatabase<WarRoomDb>>;
  private memoryPrefs: unknown = null;

  constructor(name = DB_NAME) {
    this.db = openDB<WarRoomDb>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('incidents', { keyPath: 'key' }).createIndex('byServer', 'serverUrl');
          db.createObjectStore('quarantine', { autoIncrement: true });
        }
        if (oldVersion < 2) db.createObjectStore('unsent', { keyPath: 'key' });
      },
    });
  }

  async loadIncident(serverUrl: string, incidentId: string): Promise<LoadedIncident | null> {
    const db = await this.db;
    const key = incidentKey(serverUrl, incidentId);
    const raw = await db.get('incidents', key);
    if (!raw) return null;
    const loaded = validateStored(raw, incidentId);
    if (!loaded || loaded.quarantined.length > 0) {
      await db.add('quarantine', { at: Date.now(), key, reasons: loaded?.quarantined ?? ['unreadable record'], raw });
    }
    return loaded;
  }

  async saveIncident(serverUrl: string, incidentId: string, record: IncidentRecord): Promise<void> {
    const db = await this.db;
    const key = incidentKey(serverUrl, incidentId);
    const tx = db.transaction('incidents', 'readwrite', { durability: 'strict' });
    await tx.store.put({
      version: STATE_VERSION, key, serverUrl, incidentId, state: record.state, headSeq: record.headSeq,
      outbox: record.outbox, savedAt: Date.now(),
    });
    await tx.done;
  }

  async deleteIncident(serverUrl: string, incidentId: string): Promise<void> {
    const db = await this.db;
    await db.delete('incidents', incidentKey(serverUrl, incidentId));
  }

  async listIncidents(serverUrl: string): Promise<LocalIncident[]> {
    const db = await this.db;
    const rows = await db.getAllFromIndex('incidents', 'byServer', serverUrl);
    return rows.map((r) => ({
      incidentId: r.incidentId, summary: r.state ? summarizeState(r.state) : null,
      outboxCount: Array.isArray(r.outbox) ? r.outbox.length : 0,
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
