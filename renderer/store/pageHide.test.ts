import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPersistence } from '../persistence/memoryPersistence.ts';
import { FakeServer } from '../sync/testing/fakeServer.ts';
import { makeClient, settle } from '../sync/testing/harness.ts';
import { createWarRoomStore, type WarRoomStore } from './index.ts';

const stores: WarRoomStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

describe('state cache on page hide', () => {
  it('is not written right after a join, and is written when the page is hidden', async () => {
    const server = new FakeServer();
    const a = makeClient(server, { name: 'Ana' });
    stores.push(a.store);
    a.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
    await settle(a.store);
    const r = a.store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
    if (!r.ok || !r.incidentId) throw new Error('declare failed');
    await settle(a.store);
    // Bo uses the real timings (no saveDebounceMs): state writes wait seconds after a join.
    const persistence = new MemoryPersistence();
    const b = createWarRoomStore({ transport: server.transport(), persistence, timers: false });
    stores.push(b);
    b.getState().setPreferences({ name: 'Bo' });
    b.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
    await settle(b);
    await b.getState().openIncident(r.incidentId);
    await settle(a.store, b);
    const serverUrl = b.getState().prefs.serverUrl!;
    const head = b.getState().headSeq;
    expect(head).toBeGreaterThan(0);
    // Bo's member.join was written at once (an edit is kept only on disk), without the joined state.
    const early = (await persistence.loadIncident(serverUrl, r.incidentId))!;
    expect(early.outbox.map((o) => o.type)).toEqual(['member.join']);
    expect(early.state).toBeNull();
    window.dispatchEvent(new Event('pagehide'));
    await settle(b);
    const stored = (await persistence.loadIncident(serverUrl, r.incidentId))!;
    expect(stored.headSeq).toBe(b.getState().headSeq);
    expect(stored.state!.title).toBe('Checkout 500s');
    expect(stored.outbox).toEqual([]);
  });
});
