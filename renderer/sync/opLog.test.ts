import { afterEach, describe, expect, it } from 'vitest';
import fixture from '../../test/fixtures/black-friday-corruption.json' with { type: 'json' };
import { ERROR_MESSAGES, refuse } from '../../shared/errors.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { fixedUuid, loadScenario } from '../../shared/scenario.ts';
import { fetchOpLog } from './opLog.ts';
import { FakeServer } from './testing/fakeServer.ts';
import { makeClient, settle, type TestClient } from './testing/harness.ts';

const ID = 'black-friday';
let clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients) c.store.dispose();
  clients = [];
});

/** A server holding the scenario, and a viewer who opened it far behind (so it got a snapshot). */
async function farBehindViewer() {
  const server = new FakeServer();
  const { ops } = loadScenario(fixture, ID);
  server.seed(ops);
  server.snapshotAfter = 10;
  const c = makeClient(server, { name: 'Vic', access: 'viewer' });
  clients.push(c);
  c.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
  await settle(c.store);
  await c.store.getState().openIncident(ID);
  await settle(c.store);
  return { server, c, ops };
}

const pagesAsked = (c: TestClient) => c.transport.sent.filter((x) => x.event === 'incident:ops');

/** A committed note as the server would store it next. */
function nextNote(server: FakeServer, text: string): CommittedOp {
  const inc = server.incidents.get(ID)!;
  const seq = inc.state.headSeq + 1;
  const at = inc.ops[inc.ops.length - 1]!.serverTime + 1_000;
  return {
    opId: fixedUuid(seq, 0x77), incidentId: ID, actorId: inc.ops[0]!.actorId, clientTime: at, seq, serverTime: at,
    type: 'timeline.add', payload: { entryId: `late-${seq}`, kind: 'note', text },
  };
}

describe('fetchOpLog (the full committed log from the server)', () => {
  it('pages from seq 0 to the head for a client that only holds a snapshot', async () => {
    const { server, c, ops } = await farBehindViewer();
    expect(c.store.getState().headSeq).toBe(ops.length);
    server.opsPageMax = 7;
    const r = await c.store.getState().fetchOpLog();
    if (!r.ok) throw new Error(r.message);
    expect(r.ops).toEqual(ops);
    expect(r.headSeq).toBe(ops.length);
    const asked = pagesAsked(c).map((x) => (x.args[0] as { afterSeq: number }).afterSeq);
    expect(asked).toEqual(Array.from({ length: Math.ceil(ops.length / 7) }, (_, i) => i * 7));
  });

  it('ends at the head of its first answer even while others keep writing', async () => {
    const { server, c, ops } = await farBehindViewer();
    server.opsPageMax = 5;
    server.beforeOpsPage = () => server.seed([nextNote(server, 'written while paging')]);
    const r = await c.store.getState().fetchOpLog();
    if (!r.ok) throw new Error(r.message);
    expect(r.ops.map((o) => o.seq)).toEqual(Array.from({ length: r.ops.length }, (_, i) => i + 1));
    expect(r.ops.length).toBeGreaterThanOrEqual(ops.length + 1);
    expect(pagesAsked(c).length).toBe(Math.ceil(r.ops.length / 5));
    expect(server.incidents.get(ID)!.state.headSeq).toBeGreaterThan(r.headSeq);
  });

  it('offline, or with no incident open, answers a refusal with a sentence instead of throwing', async () => {
    const { c } = await farBehindViewer();
    c.store.getState().disconnect();
    await settle(c.store);
    expect(await c.store.getState().fetchOpLog()).toEqual(refuse('SERVER_UNREACHABLE'));
    c.store.getState().closeIncident();
    expect(await c.store.getState().fetchOpLog()).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
  });

  it('passes the server\'s refusal through', async () => {
    const { c } = await farBehindViewer();
    const r = await fetchOpLog(c.transport, 'no-such-incident');
    expect(r).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
    expect(!r.ok && r.message.startsWith(ERROR_MESSAGES.INCIDENT_NOT_FOUND)).toBe(true);
  });

  it('asks a rate-limited page again after a pause', async () => {
    const { server, c, ops } = await farBehindViewer();
    let limited = 2;
    server.tamperOps = (a) => (limited-- > 0 ? refuse('RATE_LIMITED') : a);
    const r = await fetchOpLog(c.transport, ID, { retryDelayMs: 0 });
    expect(r.ok && r.ops.length).toBe(ops.length);
    expect(pagesAsked(c)).toHaveLength(3);
    server.tamperOps = () => refuse('RATE_LIMITED');
    expect(await fetchOpLog(c.transport, ID, { retryDelayMs: 0 })).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });

  it('keeps a hole the server has (a quarantined seq) rather than inventing it', async () => {
    const { server, c, ops } = await farBehindViewer();
    server.tamperOps = (a) => ({ ...(a as object), ops: (a as { ops: CommittedOp[] }).ops.filter((o) => o.seq !== 5) });
    const r = await fetchOpLog(c.transport, ID);
    expect(r.ok && r.ops.map((o) => o.seq)).toEqual(ops.map((o) => o.seq).filter((s) => s !== 5));
  });

  it('refuses answers from a misbehaving server, and stops', async () => {
    const { server, c, ops } = await farBehindViewer();
    const cases: Array<[string, (a: { ok: true; ops: CommittedOp[]; headSeq: number }) => unknown]> = [
      ['an op of another incident', (a) => ({ ...a, ops: a.ops.map((o) => ({ ...o, incidentId: 'elsewhere' })) })],
      ['ops out of order', (a) => ({ ...a, ops: [...a.ops].reverse() })],
      ['an answer without ops or headSeq', (a) => ({ ok: true, ops: a.ops })],
      ['the log ended at change #0, before its head', (a) => ({ ...a, ops: [] })],
      ['payload', (a) => ({ ...a, ops: [{ ...a.ops[0], payload: 'garbage' }] })],
    ];
    for (const [why, tamper] of cases) {
      server.tamperOps = tamper as (a: unknown) => unknown;
      const r = await fetchOpLog(c.transport, ID);
      expect(r, why).toMatchObject({ ok: false, code: 'INTERNAL' });
      expect(!r.ok && r.message, why).toContain(why);
    }
    // A server that ignores afterSeq answers the first page forever: caught as out of order.
    server.tamperOps = () => ({ ok: true, ops: ops.slice(0, 3), headSeq: ops.length });
    expect(await fetchOpLog(c.transport, ID)).toMatchObject({ ok: false, message: expect.stringContaining('ops out of order') });
    server.tamperOps = (a) => a;
    expect(await fetchOpLog(c.transport, ID, { pageSize: 1, maxPages: 3 })).toMatchObject({ ok: false, message: expect.stringContaining('more than 3 pages') });
  });
});
