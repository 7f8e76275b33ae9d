// Two War Room nodes sharing one PostgreSQL schema and a fan-out adapter; three real clients spread
// over both submit interleaved ops to one incident. Every op is stored once in a gapless log and
// every client folds the same state. Clients behave as DESIGN says a client does: apply committed
// ops in seq order, and when a seq stays missing, catch up with incident:join { sinceSeq }.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { stateHash } from '../../shared/hash.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { JoinResult } from '../../shared/protocol.ts';
import { apply, replay } from '../../shared/reducer.ts';
import { uncommitted } from '../../shared/testkit.ts';
import { attachFanout, type FanoutOptions } from '../../server/fanout.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, until, type Client } from '../server/helpers.ts';
import { DATABASE_URL, REDIS_URL, dropSchema, postgresAvailable, redisAvailable, uniqueName } from './services.ts';

type JoinAck = { ok: true } & JoinResult;
type SubmitAck = { ok: true; seq: number } | { ok: false; code: string; message: string };

const pgUp = await postgresAvailable();
const redisUp = pgUp && (await redisAvailable());
const CONVERGE_TIMEOUT_MS = 10_000;
/** How long a client waits for a missing seq before it asks the server (a real client's gap timer). */
const GAP_WAIT_MS = 300;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A client-side fold that reorders by seq and remembers which ops came by broadcast. */
function follower(socket: Client, incidentId: string) {
  const f = {
    state: null as IncidentState | null,
    head: 0,
    broadcast: new Set<string>(),
    catchUps: 0,
    pending: new Map<number, CommittedOp>(),
    drain() {
      for (let next = f.pending.get(f.head + 1); next; next = f.pending.get(f.head + 1)) {
        f.pending.delete(next.seq);
        const r = apply(f.state, next);
        if (!r.ok) throw new Error(`client could not fold seq ${next.seq}: ${r.code}`);
        f.state = r.state;
        f.head = next.seq;
      }
      for (const seq of f.pending.keys()) if (seq <= f.head) f.pending.delete(seq);
    },
    take(r: JoinResult) {
      if (r.snapshot) {
        f.state = r.snapshot.state;
        f.head = r.snapshot.seq;
      }
      for (const o of r.ops) f.pending.set(o.seq, o);
      f.drain();
    },
    async catchUp() {
      f.catchUps++;
      f.take(await call<JoinAck>(socket, 'incident:join', { incidentId, sinceSeq: f.head }));
    },
  };
  socket.on('op:committed', (o) => {
    if (o.incidentId !== incidentId) return;
    f.broadcast.add(o.opId);
    if (o.seq > f.head) f.pending.set(o.seq, o);
    f.drain();
  });
  return f;
}

async function startNode(schema: string, secret: string, fanout: FanoutOptions): Promise<WarRoomServer> {
  const dir = tempDir('warroom-node-');
  const node = await startServer(dir, { secret }, {
    store: createPostgresStore({ connectionString: DATABASE_URL, schema }),
    access: createPostgresAccess({ connectionString: DATABASE_URL, schema }),
    fanout: (io) => attachFanout(io, fanout),
  });
  cleanup.push(async () => {
    await node.close();
    removeDir(dir);
  });
  return node;
}

const setups: { name: string; up: boolean; fanout: () => FanoutOptions }[] = [
  { name: 'Redis', up: redisUp, fanout: () => ({ redisUrl: REDIS_URL, channel: uniqueName('wr') }) },
  { name: 'the PostgreSQL adapter', up: pgUp, fanout: () => ({ databaseUrl: DATABASE_URL, channel: uniqueName('wr') }) },
];

for (const setup of setups) {
  describe.skipIf(!setup.up)(`two nodes on one PostgreSQL schema, fan-out through ${setup.name}`, () => {
    it('three clients on both nodes converge to one state hash and the stored log is gapless', async () => {
      const schema = uniqueName('wr_multi');
      cleanup.push(() => dropSchema(schema));
      const secret = randomBytes(32).toString('hex');
      const fanout = setup.fanout();
      const [nodeA, nodeB] = await Promise.all([startNode(schema, secret, fanout), startNode(schema, secret, fanout)]);
      const incidentId = 'multi-1';
      const ids = ['ana', 'ben', 'cho'] as const;
      const nodeOf = [nodeA, nodeB, nodeA];
      const sockets: Client[] = [];
      for (const [i, id] of ids.entries()) {
        const s = await connect(nodeOf[i]!.url, { token: nodeA.createToken('responder'), clientId: id });
        cleanup.push(() => void s.close());
        sockets.push(s);
      }
      const created = await call<SubmitAck>(sockets[0]!, 'incident:create', op('incident.create', incidentId, 'ana', { title: 'Checkout down', severity: 'SEV1' }));
      expect(created).toMatchObject({ ok: true, seq: 1 });
      const folds = sockets.map((s) => follower(s, incidentId));
      for (const [i, s] of sockets.entries()) folds[i]!.take(await call<JoinAck>(s, 'incident:join', { incidentId, sinceSeq: 0 }));

      const acked = new Map<string, { seq: number; node: WarRoomServer }>();
      const submit = async (i: number, o: ReturnType<typeof op>) => {
        const r = await call<SubmitAck>(sockets[i]!, 'op:submit', o);
        if (!r.ok) throw new Error(`${ids[i]}'s ${o.type} refused: ${r.code} ${r.message}`);
        acked.set(o.opId, { seq: r.seq, node: nodeOf[i]! });
      };
      await Promise.all(ids.map((id, i) => submit(i, op('member.join', incidentId, id, member(id)))));
      // Bursts without waiting, on both nodes at once: the nodes race for the same seqs.
      const ROUNDS = 12;
      await Promise.all(ids.map(async (id, i) => {
        await Promise.all(Array.from({ length: ROUNDS }, (_, n) => submit(i, op('timeline.add', incidentId, id, { entryId: `${id}-${n}`, kind: 'note', text: `note ${n} from ${id}` }))));
        await submit(i, op('task.add', incidentId, id, { taskId: `t-${id}`, title: `task of ${id}` }));
      }));
      // Concurrent edits of the same entry and task from different nodes: the store's order decides.
      await Promise.all(ids.map((id, i) => Promise.all([
        submit(i, op('timeline.edit', incidentId, id, { entryId: 'ana-0', text: `edited by ${id}` })),
        submit(i, op('task.move', incidentId, id, { taskId: 't-ben', column: 'doing', rank: i + 1 })),
      ])));
      const total = 1 + ids.length + ids.length * (ROUNDS + 1) + ids.length * 2;

      // Every acked op has its own seq, and together they are exactly 2..total.
      expect([...acked.values()].map((a) => a.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: total - 1 }, (_, i) => i + 2));

      // The stored log, read by a third store instance: gapless, each op once, the acked ones at their seq.
      const reader = createPostgresStore({ connectionString: DATABASE_URL, schema });
      await reader.open();
      cleanup.push(() => reader.close());
      const log = await reader.readOps(incidentId, 0);
      expect(log.map((o) => o.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(log.map((o) => o.opId)).size).toBe(total);
      for (const [opId, a] of acked) expect(log[a.seq - 1]!.opId).toBe(opId);
      const folded = replay(log);
      if (!folded.ok) throw new Error(`stored log does not fold at seq ${folded.seq}`);
      const want = stateHash(folded.state);

      // Clients converge; one that still misses a seq after the gap wait asks the server, as the real client does.
      const deadline = Date.now() + CONVERGE_TIMEOUT_MS;
      while (folds.some((f) => f.head < total)) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, GAP_WAIT_MS));
        for (const f of folds) if (f.head < total) await f.catchUp();
      }
      expect(folds.map((f) => stateHash(f.state))).toEqual([want, want, want]);
      expect(folds[0]!.state!.timeline.filter((e) => e.kind === 'note')).toHaveLength(ids.length * ROUNDS);

      // The fan-out really carried ops across: each client saw by broadcast ops acked on the other node.
      for (const [i, f] of folds.entries()) {
        const fromOtherNode = [...acked].filter(([opId, a]) => a.node !== nodeOf[i] && f.broadcast.has(opId));
        expect(fromOtherNode.length, `${ids[i]} got ops from the other node by broadcast`).toBeGreaterThan(0);
      }

      // A late joiner on either node gets the same state.
      for (const node of [nodeA, nodeB]) {
        const late = await connect(node.url, { token: nodeA.createSession('dee', 'viewer'), clientId: 'dee' });
        cleanup.push(() => void late.close());
        const f = follower(late, incidentId);
        f.take(await call<JoinAck>(late, 'incident:join', { incidentId, sinceSeq: 0 }));
        await until(() => f.head === total, 'late joiner at the head');
        expect(stateHash(f.state)).toBe(want);
      }
      // A lost ack: ben resubmits one of his ops through the other node; it keeps its seq, stored once.
      const [benOpId, benAck] = [...acked].find(([, a]) => a.node === nodeB)!;
      const benAgain = await connect(nodeA.url, { token: nodeA.createSession('ben', 'responder'), clientId: 'ben' });
      cleanup.push(() => void benAgain.close());
      await call<JoinAck>(benAgain, 'incident:join', { incidentId, sinceSeq: total });
      const again = await call<SubmitAck>(benAgain, 'op:submit', uncommitted(log[benAck.seq - 1]!));
      expect(again).toMatchObject({ ok: true, seq: benAck.seq });
      expect(log[benAck.seq - 1]!.opId).toBe(benOpId);
      expect(await reader.headSeq(incidentId)).toBe(total);
    });
  });
}
