import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { stateHash } from '../../shared/hash.ts';
import type { JoinResult } from '../../shared/protocol.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/store.ts';
import { call, connect, follow, memoryLogger, op, removeDir, startServer, tempDir, until, type Client } from './helpers.ts';

type JoinAck = { ok: true } & JoinResult;

const sockets: Client[] = [];
const servers: WarRoomServer[] = [];
let shared: string;
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
  removeDir(shared);
});

describe('two nodes on one store (no fan-out adapter)', () => {
  it('a node whose seq was taken catches up and retries; joins see the other node\'s ops; states converge', async () => {
    shared = tempDir();
    const file = join(shared, 'shared.db');
    const secret = 'one-secret-for-both-nodes-of-this-cluster';
    for (const name of ['a', 'b']) {
      servers.push(await startServer(join(shared, name), { secret }, { store: createSqliteStore({ file }) }));
    }
    const [a, b] = servers as [WarRoomServer, WarRoomServer];
    const ca = await connect(a.url, { token: a.createToken('lead'), clientId: 'ana' });
    const cb = await connect(b.url, { token: b.createToken('lead'), clientId: 'ben' });
    sockets.push(ca, cb);
    expect(await call(ca, 'incident:create', op('incident.create', 'x', 'ana', { title: 'Two nodes', severity: 'SEV2' }))).toMatchObject({ ok: true, seq: 1 });
    // Node b never saw seq 1 being written; its join reads the store.
    const fb = follow(cb);
    fb.applyJoin(await call<JoinAck>(cb, 'incident:join', { incidentId: 'x', sinceSeq: 0 }));
    await call(ca, 'incident:join', { incidentId: 'x', sinceSeq: 0 });
    for (let i = 0; i < 5; i++) {
      expect(await call(ca, 'op:submit', op('timeline.add', 'x', 'ana', { entryId: `a${i}`, kind: 'note', text: `from a ${i}` }))).toMatchObject({ ok: true, seq: 2 + 2 * i });
      // b's cache is one op behind each time; it reads the store before judging, so it takes the next seq.
      expect(await call(cb, 'op:submit', op('timeline.add', 'x', 'ben', { entryId: `b${i}`, kind: 'note', text: `from b ${i}` }))).toMatchObject({ ok: true, seq: 3 + 2 * i });
    }
    const late = await connect(b.url, { token: b.createToken('viewer'), clientId: 'vic' });
    sockets.push(late);
    const joined = await call<JoinAck>(late, 'incident:join', { incidentId: 'x', sinceSeq: 0 });
    expect(joined.ops.map((o) => o.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    // Without an adapter b's client saw only b's broadcasts: a gap, which a rejoin from its head repairs.
    await until(() => fb.head === 11, 'b client at 11');
    expect(fb.gaps).toBeGreaterThan(0);
    // A node catches up on its next join; then both fold the same log to the same state.
    expect(a.incidentState('x')?.headSeq).toBe(10);
    await call(ca, 'incident:join', { incidentId: 'x', sinceSeq: 10 });
    expect(a.incidentState('x')?.headSeq).toBe(11);
    expect(stateHash(a.incidentState('x'))).toBe(stateHash(b.incidentState('x')));
    // The incident list on one node shows what another node changed.
    expect(await call(ca, 'op:submit', op('incident.status', 'x', 'ana', { status: 'monitoring' }))).toMatchObject({ ok: true, seq: 12 });
    const list = await call<{ ok: true; incidents: { id: string; status: string; headSeq: number }[] }>(cb, 'incident:list');
    expect(list.incidents).toEqual([expect.objectContaining({ id: 'x', status: 'monitoring', headSeq: 12 })]);
  });

  it('when a seq is taken between reading and writing, the node catches up and retries (SeqConflictError path)', async () => {
    shared = tempDir();
    const file = join(shared, 'shared.db');
    const secret = 'one-secret-for-both-nodes-of-this-cluster';
    const a = await startServer(join(shared, 'a'), { secret }, { store: createSqliteStore({ file }) });
    servers.push(a);
    // Node b's store answers one read with a stale (empty) view, as a lagging reader would.
    const real = createSqliteStore({ file });
    let staleReads = 0;
    const laggy: Store = { ...real, readOps: async (...args) => (staleReads-- > 0 ? [] : real.readOps(...args)) };
    const { logger, lines } = memoryLogger();
    const b = await startServer(join(shared, 'b'), { secret }, { store: laggy, logger });
    servers.push(b);
    const ca = await connect(a.url, { token: a.createToken('lead'), clientId: 'ana' });
    const cb = await connect(b.url, { token: b.createToken('lead'), clientId: 'ben' });
    sockets.push(ca, cb);
    await call(ca, 'incident:create', op('incident.create', 'y', 'ana', { title: 'Race', severity: 'SEV3' }));
    await call(ca, 'incident:join', { incidentId: 'y', sinceSeq: 0 });
    await call(cb, 'incident:join', { incidentId: 'y', sinceSeq: 0 });
    expect(await call(ca, 'op:submit', op('timeline.add', 'y', 'ana', { entryId: 'a1', kind: 'note', text: 'a wins seq 2' }))).toMatchObject({ ok: true, seq: 2 });
    staleReads = 1;
    expect(await call(cb, 'op:submit', op('timeline.add', 'y', 'ben', { entryId: 'b1', kind: 'note', text: 'b retries' }))).toMatchObject({ ok: true, seq: 3 });
    expect(lines.some((l) => l.msg === 'seq or opId already in the store; catching up and retrying')).toBe(true);
    expect((await real.readOps('y', 0)).map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(b.incidentState('y')?.timeline.filter((e) => e.kind === 'note').map((e) => e.id)).toEqual(['a1', 'b1']);
  });
});
