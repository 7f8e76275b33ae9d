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

  it('queues an edit as one small outbox record, leaving the stored state untouched', async () => {
    const name = `t${++dbN}`;
    const p = new IdbPersistence(name);
    await p.saveIncident('http://a:1', loaded.incidentId, { state, headSeq: state.headSeq, outbox: [] });
    const db = await openDB(name, DB_VERSION);
    const key = `http://a:1|${loaded.incidentId}`;
    const before = await db.get('incidents', key);
    const second: Op = { ...pending, opId: fixedUuid(5001), payload: { entryId: 'offline-2', kind: 'note', text: 'second' } };
    await p.appendOutbox('http://a:1', loaded.incidentId, [pending]);
    await p.appendOutbox('http://a:1', loaded.incidentId, [second]);
    // The incident record is the one written before (same savedAt), the ops are records of their own.
    expect((await db.get('incidents', key))?.savedAt).toBe(before?.savedAt);
    expect((await db.getAll('outbox')).map((r: { key: string; n: number; op: Op }) => [r.key, r.n, r.op.opId])).toEqual([[key, 0, pending.opId], [key, 1, second.opId]]);
    const back = await new IdbPersistence(name).loadIncident('http://a:1', loaded.incidentId);
    expect(back).toEqual({ state, headSeq: state.headSeq, outbox: [pending, second], quarantined: [] });
    expect((await p.listIncidents('http://a:1'))[0]?.outboxCount).toBe(2);
    // A state write replaces the stored outbox (here: the first op was acked and folded in).
    await p.saveIncident('http://a:1', loaded.incidentId, { state, headSeq: state.headSeq, outbox: [second] });
    expect((await p.loadIncident('http://a:1', loaded.incidentId))?.outbox).toEqual([second]);
    await p.deleteIncident('http://a:1', loaded.incidentId);
    expect(await p.loadIncident('http://a:1', loaded.incidentId)).toBeNull();
    expect(await db.count('outbox')).toBe(0);
    db.close();
  });

  it('keeps ops queued before any state was stored (an incident declared offline), and lists it', async () => {
    const p = new IdbPersistence(`t${++dbN}`);
    await p.appendOutbox('http://a:1', loaded.incidentId, [pending]);
    const again = new IdbPersistence(`t${dbN}`);
    expect(await again.loadIncident('http://a:1', loaded.incidentId)).toEqual({ state: null, headSeq: 0, outbox: [pending], quarantined: [] });
    expect(await again.listIncidents('http://a:1')).toEqual([{ incidentId: loaded.incidentId, summary: null, outboxCount: 1 }]);
  });

  it('upgrades a version-2 database, moving every op queued the old way into the outbox store', async () => {
    const name = `t${++dbN}`;
    const key = `http://a:1|${loaded.incidentId}`;
    const otherKey = 'http://a:1|INC-OTHER';
    const second: Op = { ...pending, opId: fixedUuid(5002), payload: { entryId: 'offline-3', kind: 'note', text: 'also offline' } };
    const other: Op = { ...pending, opId: fixedUuid(5003), incidentId: 'INC-OTHER' };
    // What version 2 wrote: the outbox inside the incident record (one of them damaged).
    const v2 = await openDB(name, 2, { upgrade(db) {
      db.createObjectStore('incidents', { keyPath: 'key' }).createIndex('byServer', 'serverUrl');
      db.createObjectStore('quarantine', { autoIncrement: true });
      db.createObjectStore('unsent', { keyPath: 'key' });
    } });
    await v2.put('incidents', { version: STATE_VERSION, key, serverUrl: 'http://a:1', incidentId: loaded.incidentId, state, headSeq: state.headSeq,
      outbox: [pending, { type: 'timeline.add', payload: {} }, second], savedAt: 1 });
    await v2.put('incidents', { version: STATE_VERSION, key: otherKey, serverUrl: 'http://a:1', incidentId: 'INC-OTHER', state: null, headSeq: 0, outbox: [other], savedAt: 1 });
    v2.close();

    const p = new IdbPersistence(name);
    const back = await p.loadIncident('http://a:1', loaded.incidentId);
    expect(back?.state).toEqual(state);
    expect(back?.outbox).toEqual([pending, second]);
    expect(back?.quarantined).toHaveLength(1);
    expect((await p.loadIncident('http://a:1', 'INC-OTHER'))?.outbox).toEqual([other]);
    // Moved, not copied: the records' own lists are empty and the store holds all four, in key order.
    const db = await openDB(name, DB_VERSION);
    expect((await db.get('incidents', key))?.outbox).toEqual([]);
    expect((await db.getAll('outbox')).map((r: { key: string; n: number }) => [r.key, r.n])).toEqual([[otherKey, 0], [key, 0], [key, 1], [key, 2]]);
    db.close();
    // After the upgrade the next edit lands after them.
    const third: Op = { ...pending, opId: fixedUuid(5004), payload: { entryId: 'offline-4', kind: 'note', text: 'after the upgrade' } };
    await p.appendOutbox('http://a:1', loaded.incidentId, [third]);
    expect((await new IdbPersistence(name).loadIncident('http://a:1', loaded.incidentId))?.outbox).toEqual([pending, second, third]);
  });
});
