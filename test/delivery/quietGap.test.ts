/**
 * A missed broadcast in a quiet incident: two nodes share one store; node A's fan-out is cut on
 * purpose (its broadcasts reach its own sockets only), A's client writes once, then nobody writes.
 * The clients on node B — a plain socket.io client from PROTOCOL.md and the renderer's own store —
 * must notice from the head heartbeat and catch up within 5 s.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPersistence } from '../../renderer/persistence/memoryPersistence.ts';
import { createWarRoomStore, type WarRoomStore } from '../../renderer/store/index.ts';
import { SocketTransport } from '../../renderer/sync/socketTransport.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { attachFanout } from '../../server/fanout.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';
import { REDIS_URL, redisAvailable, uniqueName } from '../scaleout/services.ts';
import { cutFanout, DocClient, until } from './tools.ts';

const NOTICE_WITHIN_MS = 5_000;
const redisUp = await redisAvailable();

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function twoNodes(withRedis: boolean): Promise<[WarRoomServer, WarRoomServer]> {
  const dir = tempDir('warroom-quiet-');
  cleanups.push(() => removeDir(dir));
  const file = join(dir, 'shared.db');
  const secret = 'one-secret-for-both-nodes-of-this-cluster';
  const channel = uniqueName('wrquiet');
  const nodes: WarRoomServer[] = [];
  for (const name of ['a', 'b']) {
    const node = await startServer(join(dir, name), { secret }, {
      store: createSqliteStore({ file }),
      ...(withRedis ? { fanout: (io) => attachFanout(io, { redisUrl: REDIS_URL, channel }) } : {}),
    });
    cleanups.push(() => node.close());
    nodes.push(node);
  }
  return nodes as [WarRoomServer, WarRoomServer];
}

function rendererOn(node: WarRoomServer): WarRoomStore {
  const store = createWarRoomStore({
    transport: new SocketTransport({ reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 }),
    persistence: new MemoryPersistence(), timers: false, saveDebounceMs: 5,
  });
  cleanups.push(() => {
    store.getState().disconnect();
    store.dispose();
  });
  store.getState().setPreferences({ name: 'Bea', timeZone: 'Asia/Singapore' });
  store.getState().connect({ serverUrl: node.url, token: node.createToken('responder') });
  return store;
}

const setups = [
  { name: 'the Redis adapter with node A\'s publishing cut', redis: true, up: redisUp },
  { name: 'no adapter at all (every cross-node broadcast lost)', redis: false, up: true },
];

describe.each(setups)('a quiet incident after a missed broadcast: $name', ({ redis, up }) => {
  it.skipIf(!up)('the other node\'s clients notice and catch up within 5 s, nobody writing', async () => {
    const [a, b] = await twoNodes(redis);
    const id = `quiet-${Date.now().toString(36)}`;
    const writer = await connect(a.url, { token: a.createToken('lead'), clientId: 'ana' });
    const plain = await connect(b.url, { token: b.createToken('viewer'), clientId: 'doc' });
    const sockets: Client[] = [writer, plain];
    cleanups.push(() => sockets.forEach((s) => s.close()));
    expect(await call(writer, 'incident:create', op('incident.create', id, 'ana', { title: 'Quiet hour', severity: 'SEV2' }))).toMatchObject({ ok: true });
    await call(writer, 'incident:join', { incidentId: id, sinceSeq: 0 });
    expect(await call(writer, 'op:submit', op('member.join', id, 'ana', member('Ana')))).toMatchObject({ ok: true });

    const doc = new DocClient(plain, id);
    await doc.join();
    const store = rendererOn(b);
    await until('renderer connected', () => store.getState().connection.kind === 'connected');
    await store.getState().openIncident(id);
    await until('renderer live', () => store.getState().syncPhase === 'live' && store.getState().outbox.length === 0);
    await until('renderer member joined', () => store.getState().headSeq >= 3);
    await until('doc client at the head', () => doc.head === store.getState().headSeq);
    if (redis) {
      // The adapter works before the cut: a write on A reaches B's clients by broadcast alone.
      const joinsBefore = doc.joins;
      expect(await call(writer, 'op:submit', op('timeline.add', id, 'ana', { entryId: 'before', kind: 'note', text: 'fan-out works' }))).toMatchObject({ ok: true });
      await until('broadcast via the adapter', () => doc.head === 4 && store.getState().headSeq === 4, 5_000);
      expect(doc.joins).toBe(joinsBefore);
    }
    cutFanout(a.io);
    const before = doc.head;
    const ack = await call<{ ok: true; seq: number }>(writer, 'op:submit', op('timeline.add', id, 'ana', { entryId: 'last', kind: 'note', text: 'decision: fail over to us-east' }));
    expect(ack).toMatchObject({ ok: true, seq: before + 1 });
    const committedAt = Date.now();
    // Nobody writes from here on. Both clients must get there by themselves.
    const docMs = await until('the plain client catches up', () => doc.head === ack.seq, NOTICE_WITHIN_MS);
    const rendererMs = await until('the renderer catches up', () => store.getState().headSeq === ack.seq, NOTICE_WITHIN_MS - (Date.now() - committedAt));
    expect(doc.folded.map((o) => o.seq)).toContain(ack.seq);
    expect(doc.heads.some((h) => h.headSeq === ack.seq && h.storeAvailable)).toBe(true);
    expect(store.getState().committed!.timeline.some((e) => e.text === 'decision: fail over to us-east')).toBe(true);
    console.info(`DELIVERY quiet gap (${redis ? 'Redis adapter cut' : 'no adapter'}): ${JSON.stringify({ plainClientMs: docMs, rendererMs: docMs + rendererMs })}`);
  }, 60_000);
});
