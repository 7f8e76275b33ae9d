import { describe, expect, it } from 'vitest';
import { stateHash } from '../../shared/hash.ts';
import type { JoinResult } from '../../shared/protocol.ts';
import { replay } from '../../shared/reducer.ts';
import { call, follow, member, op, serverFixture, until, type Client } from './helpers.ts';

type JoinAck = { ok: true } & JoinResult;

const fx = serverFixture();
const client = (clientId: string): Promise<Client> => fx.connectAs(clientId, 'responder');

async function createIncident(c: Client, clientId: string, incidentId = 'inc-1') {
  const r = await call(c, 'incident:create', op('incident.create', incidentId, clientId, { title: 'Checkout down', severity: 'SEV1' }));
  expect(r).toMatchObject({ ok: true, seq: 1, incidentId });
}

describe('multi-client sync', () => {
  it('three clients converge to the same state after interleaved ops', async () => {
    const [a, b, c] = [await client('ana'), await client('ben'), await client('cho')];
    await createIncident(a, 'ana');
    const folds = [a, b, c].map(follow);
    for (const [s, f] of [a, b, c].map((s, i) => [s, folds[i]!] as const)) f.applyJoin(await call<JoinAck>(s, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 }));
    const ids = ['ana', 'ben', 'cho'] as const;
    const sockets = [a, b, c];
    await Promise.all(sockets.map((s, i) => call(s, 'op:submit', op('member.join', 'inc-1', ids[i]!, member(ids[i]!)))));
    // Each client fires a burst without waiting; their ops interleave on the fx.server.
    const acks = await Promise.all(sockets.flatMap((s, i) => Array.from({ length: 15 }, (_, n) => {
      const entryId = `${ids[i]}-${n}`;
      return call(s, 'op:submit', op('timeline.add', 'inc-1', ids[i]!, { entryId, kind: 'note', text: `note ${n} from ${ids[i]}` }));
    })));
    expect(acks.every((r) => r.ok)).toBe(true);
    const seqs = acks.map((r) => (r.ok ? Number(r.seq) : 0)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 45 }, (_, i) => i + 5));
    await Promise.all(sockets.map((s, i) => call(s, 'op:submit', op('timeline.edit', 'inc-1', ids[i]!, { entryId: `${ids[(i + 1) % 3]}-0`, text: `edited by ${ids[i]}` }))));
    await until(() => folds.every((f) => f.head === 52), 'all clients at seq 52');
    const hashes = folds.map((f) => stateHash(f.state));
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toBe(stateHash(fx.server.incidentState('inc-1')));
    expect(folds.every((f) => f.gaps === 0)).toBe(true);
    expect(folds[0]!.state!.timeline.filter((e) => e.kind === 'note')).toHaveLength(45);
    // Group commit: ops that arrived together shared a transaction (fewer batches than ops).
    const metrics = await (await fetch(`${fx.server.url}/metrics`)).text();
    const batches = Number(/^warroom_commit_batch_ops_count (\d+)$/m.exec(metrics)?.[1]);
    const batched = Number(/^warroom_commit_batch_ops_sum (\d+)$/m.exec(metrics)?.[1]);
    expect(batched).toBe(52);
    expect(batches).toBeLessThan(batched);
  });

  it('a late joiner gets the full state, and a rejoin with sinceSeq gets exactly the missing ops', async () => {
    const a = await client('ana');
    await createIncident(a, 'ana');
    await call(a, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    for (let n = 0; n < 10; n++) await call(a, 'op:submit', op('timeline.add', 'inc-1', 'ana', { entryId: `e${n}`, kind: 'note', text: `n${n}` }));
    const late = await client('lee');
    const joined = await call<JoinAck>(late, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    expect(joined.ops.map((o) => o.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(joined.headSeq).toBe(11);
    expect(joined.access).toBe('responder');
    const folded = replay(joined.ops);
    expect(folded.ok && stateHash(folded.state)).toBe(stateHash(fx.server.incidentState('inc-1')));

    late.close();
    for (let n = 10; n < 14; n++) await call(a, 'op:submit', op('timeline.add', 'inc-1', 'ana', { entryId: `e${n}`, kind: 'note', text: `n${n}` }));
    const back = await client('lee');
    const rejoin = await call<JoinAck>(back, 'incident:join', { incidentId: 'inc-1', sinceSeq: 11 });
    expect(rejoin.snapshot).toBeUndefined();
    expect(rejoin.ops.map((o) => o.seq)).toEqual([12, 13, 14, 15]);
    const upToDate = await call<JoinAck>(back, 'incident:join', { incidentId: 'inc-1', sinceSeq: 15 });
    expect(upToDate.ops).toEqual([]);
  });

  it('the submitter gets op:committed before its ack, and other rooms get nothing', async () => {
    const a = await client('ana');
    const outsider = await client('oli');
    await createIncident(a, 'ana');
    await createIncident(outsider, 'oli', 'inc-2');
    await call(a, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    await call(outsider, 'incident:join', { incidentId: 'inc-2', sinceSeq: 0 });
    const seenByA: number[] = [];
    const seenByOutsider: string[] = [];
    a.on('op:committed', (o) => seenByA.push(o.seq));
    outsider.on('op:committed', (o) => seenByOutsider.push(o.incidentId));
    const ack = await call<{ ok: true; seq: number }>(a, 'op:submit', op('timeline.add', 'inc-1', 'ana', { entryId: 'x', kind: 'note', text: 'hi' }));
    expect(seenByA).toEqual([ack.seq]);
    await call(outsider, 'incident:list');
    expect(seenByOutsider).toEqual([]);
  });
});

describe('idempotency', () => {
  it('the same opId resubmitted many times is stored once and always acked with the same seq', async () => {
    const a = await client('ana');
    await createIncident(a, 'ana');
    await call(a, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    const o = op('timeline.add', 'inc-1', 'ana', { entryId: 'once', kind: 'note', text: 'only once' });
    const first = await Promise.all(Array.from({ length: 5 }, () => call<{ ok: true; seq: number }>(a, 'op:submit', o)));
    const later = [];
    for (let i = 0; i < 5; i++) later.push(await call<{ ok: true; seq: number; duplicate?: boolean }>(a, 'op:submit', o));
    const b = await client('ana');
    await call(b, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    later.push(await call<{ ok: true; seq: number; duplicate?: boolean }>(b, 'op:submit', o));
    expect(new Set([...first, ...later].map((r) => r.seq))).toEqual(new Set([2]));
    expect(later.every((r) => r.duplicate === true)).toBe(true);
    expect(await fx.server.store.headSeq('inc-1')).toBe(2);
    expect((await fx.server.store.readOps('inc-1', 0)).filter((x) => x.opId === o.opId)).toHaveLength(1);
  });

  it('a resubmitted op the reducer would happily apply again is still stored once (the store\'s unique opId catches it)', async () => {
    const a = await client('ana');
    await createIncident(a, 'ana');
    await call(a, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    const o = op('incident.update', 'inc-1', 'ana', { summary: 'same change, sent three times' });
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push(await call<{ ok: true; seq: number; duplicate?: boolean }>(a, 'op:submit', o));
    expect(acks.map((r) => [r.seq, r.duplicate ?? false])).toEqual([[2, false], [2, true], [2, true]]);
    expect(await fx.server.store.headSeq('inc-1')).toBe(2);
    const next = await call(a, 'op:submit', op('incident.update', 'inc-1', 'ana', { summary: 'a new change' }));
    expect(next).toMatchObject({ ok: true, seq: 3 });
  });

  it('incident:create twice with the same opId answers the original seq; a second create of the id is refused', async () => {
    const a = await client('ana');
    const o = op('incident.create', 'dup', 'ana', { title: 'One', severity: 'SEV2' });
    expect(await call(a, 'incident:create', o)).toMatchObject({ ok: true, seq: 1 });
    expect(await call(a, 'incident:create', o)).toMatchObject({ ok: true, seq: 1, duplicate: true });
    expect(await call(a, 'incident:create', op('incident.create', 'dup', 'ana', { title: 'Two', severity: 'SEV2' }))).toMatchObject({ ok: false, code: 'INCIDENT_EXISTS' });
    expect(await fx.server.store.headSeq('dup')).toBe(1);
  });
});
