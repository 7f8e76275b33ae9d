import { afterEach, describe, expect, it, vi } from 'vitest';
import { stateHash } from '../../shared/hash.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { FakeServer } from './testing/fakeServer.ts';
import { makeClient, settle, type TestClient } from './testing/harness.ts';

const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.store.dispose();
  vi.restoreAllMocks();
});
const client = (server: FakeServer, opts: Parameters<typeof makeClient>[1] = {}) => {
  const c = makeClient(server, opts);
  clients.push(c);
  c.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
  return c;
};

describe('folding a catch-up batch', () => {
  it('folds the ops of a join answer at once, skipping a stored op the reducer refuses like the server does', async () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ana' });
    await settle(a.store);
    const r = a.store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
    if (!r.ok || !r.incidentId) throw new Error('declare failed');
    const incidentId = r.incidentId;
    await settle(a.store);
    const b = client(server, { name: 'Bo' });
    await settle(b.store);
    await b.store.getState().openIncident(incidentId);
    await settle(a.store, b.store);
    b.transport.dropNetwork();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const updates: number[] = [];
    const unsub = b.store.subscribe((s, prev) => {
      if (s.headSeq !== prev.headSeq) updates.push(s.headSeq);
    });
    for (const t of ['one', 'two']) a.store.getState().addEntry('note', t);
    await settle(a.store);
    // A stored op the reducer refuses (an older build wrote it): the server's state skips it.
    const inc = server.incidents.get(incidentId)!;
    const bogus = {
      opId: '0e7c2f4a-9a1b-4c2d-8e3f-5a6b7c8d9e0f', incidentId, actorId: a.store.getState().prefs.clientId, clientTime: server.time, serverTime: server.time,
      seq: inc.state.headSeq + 1, type: 'timeline.delete', payload: { entryId: 'no-such-entry' },
    } as CommittedOp;
    inc.ops.push(bogus);
    inc.state = { ...inc.state, headSeq: bogus.seq };
    for (const t of ['three', 'four', 'five']) a.store.getState().addEntry('note', t);
    await settle(a.store);
    const before = b.store.getState().headSeq;
    b.transport.goOnline();
    await settle(a.store, b.store);
    unsub();
    const s = b.store.getState();
    expect(s.headSeq).toBe(server.incidents.get(incidentId)!.state.headSeq);
    expect(s.headSeq - before).toBe(6);
    // One store update for the whole batch, not one per op.
    expect(updates).toEqual([s.headSeq]);
    expect(s.committed!.timeline.filter((e) => e.kind === 'note').map((e) => e.text)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(stateHash(s.committed)).toBe(stateHash(server.incidents.get(incidentId)!.state));
    // Once per client: Ana met it catching up on a gap, Bo in his join answer.
    expect(warn.mock.calls.map((c) => String(c[0]).includes(`committed op ${bogus.seq} (timeline.delete)`))).toEqual([true, true]);
    expect(s.notices).toEqual([]);
  });
});
