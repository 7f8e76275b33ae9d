import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { STATE_VERSION } from '../../shared/constants.ts';
import type { Op } from '../../shared/ops.ts';
import { replay } from '../../shared/reducer.ts';
import { fixedUuid, loadScenario } from '../../shared/scenario.ts';
import scenario from '../../test/fixtures/black-friday-corruption.json' with { type: 'json' };
import { DB_VERSION, IdbPersistence } from './idbPersistence.ts';
import { parseUnsent, type UnsentItem } from './unsent.ts';

const loaded = loadScenario(scenario);
const folded = replay(loaded.ops);
if (!folded.ok || !folded.state) throw new Error('scenario does not fold');
const state = folded.state;
const pending: Op = {
  opId: fixedUuid(5000), incidentId: loaded.incidentId, actorId: 'someone', clientTime: Date.UTC(2026, 10, 27),
  type: 'timeline.add', payload: { entryId: 'offline-1', kind: 'note', text: 'typed offline' },
};
let dbN = 0;

describe('IndexedDB persistence', () => {
  it('round-trips the committed state, its head and the outbox per server + incident', async () => {
    const p = new IdbPersistence(`t${++dbN}`);
    await p.saveIncident('http://a:1', loaded.incidentId, { state, headSeq: state.headSeq, outbox: [pending] });
    const back = await p.loadIncident('http://a:1', loaded.incidentId);
    expect(back).toEqual({ state, headSeq: state.headSeq, outbox: [pending], quarantined: [] });
    expect(await p.loadIncident('http://other:1', loaded.incidentId)).toBeNull();
    const list = await p.listIncidents('http://a:1');
    expect(list).toEqual([{ incidentId: loaded.incidentId, summary: expect.objectContaining({ title: state.title, headSeq: state.headSeq }), outboxCount: 1 }]);
    // A fresh instance on the same database (a reload) sees the same record.
    const reloaded = await new IdbPersistence(`t${dbN}`).loadIncident('http://a:1', loaded.incidentId);
    expect(reloaded?.outbox).toEqual([pending]);
  });

  it('sets damaged records aside instead of loading them, keeping the valid queued changes', async () => {
    const name = `t${++dbN}`;
    const p = new IdbPersistence(name);
    await p.saveIncident('http://a:1', loaded.incidentId, { state, headSeq: state.headSeq, outbox: [] });
    const db = await openDB(name, DB_VERSION);
    await db.put('incidents', {
      version: STATE_VERSION, key: `http://a:1|${loaded.incidentId}`, serverUrl: 'http://a:1', incidentId: loaded.incidentId,
      state: { ...state, timeline: 'garbage' }, headSeq: state.headSeq, outbox: [pending, { type: 'timeline.add', payload: {} }], savedAt: 0,
    });
    const back = await p.loadIncident('http://a:1', loaded.incidentId);
    expect(back?.state).toBeNull();
    expect(back?.headSeq).toBe(0);
    expect(back?.outbox).toEqual([pending]);
    expect(back?.quarantined).toHaveLength(2);
    expect(await db.count('quarantine')).toBe(1);
    db.close();
  });

  it('keeps preferences in localStorage', () => {
    const p = new IdbPersistence(`t${++dbN}`);
    p.savePreferences({ clientId: 'x', name: 'Ana' });
    expect(new IdbPersistence(`t${dbN}`).loadPreferences()).toEqual({ clientId: 'x', name: 'Ana' });
  });

  it('keeps the unsent tray across a reload, upgrading a version-1 database in place', async () => {
    const name = `t${++dbN}`;
    // A database written by the previous version (no tray store) keeps its incidents.
    const v1 = await openDB(name, 1, { upgrade(db) {
      db.createObjectStore('incidents', { keyPath: 'key' }).createIndex('byServer', 'serverUrl');
      db.createObjectStore('quarantine', { autoIncrement: true });
    } });
    v1.close();
    const p = new IdbPersistence(name);
    await p.saveIncident('http://a:1', loaded.incidentId, { state, headSeq: state.headSeq, outbox: [pending] });
    expect(parseUnsent(await p.loadUnsent())).toEqual([]);
    const item: UnsentItem = {
      id: pending.opId, serverUrl: 'http://a:1', incidentId: loaded.incidentId, incidentTitle: state.title, op: pending,
      code: 'FORBIDDEN_ROLE', message: 'not allowed', at: 1,
    };
    await p.saveUnsent([item, { ...item, id: 'damaged', op: { type: 'timeline.add' } as unknown as Op }]);
    const again = new IdbPersistence(name);
    expect(parseUnsent(await again.loadUnsent())).toEqual([item]);
    expect((await again.loadIncident('http://a:1', loaded.incidentId))?.outbox).toEqual([pending]);
  });
});
