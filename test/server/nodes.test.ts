import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { stateHash } from '../../shared/hash.ts';
import type { JoinResult } from '../../shared/protocol.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { call, connect, follow, op, removeDir, startServer, tempDir, until, type Client } from './helpers.ts';

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
      // b's cache is one op behind each time: its first try conflicts, it catches up and takes the next seq.
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
  });
});
