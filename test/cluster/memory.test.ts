// Hostile and slow clients, with real sockets: clients that stop reading are cut once their unsent
// bytes pass the cap (and told why when they come back), oversized joins share one serialized
// snapshot and are charged against the rate limit, join answers are capped by bytes and paged,
// and the message size rule is exactly what docs/PROTOCOL.md says.
import type { Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, SOCKET_MAX_BUFFERED_BYTES } from '../../shared/constants.ts';
import { stateHash } from '../../shared/hash.ts';
import type { DropNotice, JoinResult } from '../../shared/protocol.ts';
import { createSnapshotCache } from '../../server/cluster/sharedSnapshot.ts';
import { opsWithin } from '../../server/cluster/joinAnswer.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import type { ServerConfig } from '../../server/config.ts';
import { call, connect, follow, op, openSocket, removeDir, startServer, tempDir, until, type Client } from '../server/helpers.ts';

type JoinAck = ({ ok: true } & JoinResult) | { ok: false; code: string; message: string; retryAfterMs?: number };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const MB = 1024 * 1024;
const fast = { rateLimitPerSec: 100_000, rateLimitBurst: 100_000 };
/** These tests measure memory; admission control (tested in overload.test.ts) stays out of the way. */
const noAdmission = { admission: { maxLagMs: 1e9, maxInflight: 1e9, maxHeapRatio: 2 } };

async function boot(config: Partial<ServerConfig> = {}, dir = tempDir('warroom-mem-')): Promise<WarRoomServer> {
  const server = await startServer(dir, { cluster: noAdmission, ...config });
  cleanup.push(async () => {
    await server.close();
    removeDir(dir);
  });
  return server;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function client(server: WarRoomServer, clientId: string, role: 'lead' | 'viewer' = 'viewer'): Promise<Client> {
  const c = await connect(server.url, { token: server.createToken(role), clientId });
  cleanup.push(() => void c.close());
  return c;
}

/** The client's TCP socket: pausing it makes the client stop reading, like a frozen tab or a stalled link. */
function tcpOf(c: Client): NetSocket {
  const ws = (c.io.engine as unknown as { transport: { ws: { _socket: NetSocket } } }).transport.ws;
  return ws._socket;
}

const bigText = (n: number) => `${n} `.padEnd(9_000, 'x');

async function fill(writer: Client, incidentId: string, ops: number, from = 0): Promise<void> {
  for (let n = from; n < from + ops; n += 50) {
    const batch = [];
    for (let k = n; k < Math.min(from + ops, n + 50); k++) {
      batch.push(call(writer, 'op:submit', op('timeline.add', incidentId, 'lia', { entryId: `e${k}`, kind: 'note', text: bigText(k) })));
    }
    for (const r of await Promise.all(batch)) expect(r).toMatchObject({ ok: true });
  }
}

async function setup(server: WarRoomServer, incidentId = 'inc-1'): Promise<Client> {
  const writer = await client(server, 'lia', 'lead');
  expect(await call(writer, 'incident:create', op('incident.create', incidentId, 'lia', { title: 'Big', severity: 'SEV1' }))).toMatchObject({ ok: true });
  expect(await call(writer, 'incident:join', { incidentId, sinceSeq: 0 })).toMatchObject({ ok: true });
  return writer;
}

const rssMb = () => Math.round(process.memoryUsage().rss / MB);

describe('slow consumers', () => {
  it('10 sockets that stop reading are cut past the cap, a reader keeps up, memory comes back, and the client is told why', async () => {
    const server = await boot({ limits: fast });
    const writer = await setup(server);
    const reader = await client(server, 'rea');
    const got = follow(reader);
    got.applyJoin(await call<JoinAck & { ok: true }>(reader, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 }));
    const slow: Client[] = [];
    for (let i = 0; i < 10; i++) {
      const s = await client(server, `slow${i}`);
      expect(await call(s, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 })).toMatchObject({ ok: true });
      tcpOf(s).pause();
      slow.push(s);
    }
    const before = rssMb();
    // ~30 MB of broadcasts for each socket: far past the kernel's buffers and the cap.
    await fill(writer, 'inc-1', 3_500);
    await eventually(async () => (await gauge(server, 'warroom_slow_consumer_drops_total')) >= 10, 'all 10 slow sockets cut', 30_000);
    const after = rssMb();
    await until(() => got.head === 3_501, 'the reader to get every op', 30_000);
    expect(got.gaps).toBe(0);
    expect(server.io.of('/').sockets.size).toBe(2);
    // The cut client comes back (same clientId) and reads why.
    tcpOf(slow[0]!).resume();
    // The member id is bound to its first connection: come back with a session for it, as the app would.
    const session = (await server.access.issueSession('slow0', 'viewer')).token;
    const back = openSocket(server.url, { token: session, clientId: 'slow0' });
    cleanup.push(() => void back.close());
    const notice = await new Promise<DropNotice | null>((ok) => {
      back.once('session:dropped', ok);
      setTimeout(() => ok(null), 5_000);
    });
    expect(notice).toMatchObject({ code: 'SLOW_CONSUMER', bufferedBytes: expect.any(Number) });
    expect(notice!.bufferedBytes).toBeGreaterThan(SOCKET_MAX_BUFFERED_BYTES);
    console.log(`[figures] 10 slow readers, ~30 MB broadcast each: all cut; unsent bytes when cut ${(notice!.bufferedBytes / MB).toFixed(1)} MB (cap ${SOCKET_MAX_BUFFERED_BYTES / MB} MB); test process rss ${before} -> ${after} MB (server and clients together)`);
  }, 120_000);
});

async function gauge(server: WarRoomServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN);
}

describe('oversized joins', () => {
  it('share one serialized snapshot and decode to the server\'s state; asking again is rate limited', async () => {
    const dir = tempDir('warroom-mem-');
    const filler = await startServer(dir, { limits: fast, cluster: noAdmission });
    await fill(await setup(filler), 'inc-1', 1_200);
    await filler.close();
    // The server's real rate limits from here on.
    const server = await boot({}, dir);
    const want = stateHash(server.incidentState('inc-1'));
    const viewers: Client[] = [];
    for (let i = 0; i < 10; i++) viewers.push(await client(server, `v${i}`));
    const before = rssMb();
    const t = performance.now();
    const answers = await Promise.all(viewers.map((v) => Promise.all(Array.from({ length: 10 }, () => call<JoinAck>(v, 'incident:join', { incidentId: 'inc-1', sinceSeq: 1e12 })))));
    const ms = Math.round(performance.now() - t);
    const after = rssMb();
    let served = 0;
    for (const perViewer of answers) {
      const ok = perViewer.filter((a) => a.ok) as ({ ok: true } & JoinResult)[];
      expect(ok.length).toBeGreaterThanOrEqual(1);
      served += ok.length;
      for (const a of ok) expect(stateHash(a.snapshot!.state)).toBe(want);
      for (const a of perViewer) if (!a.ok) expect(a).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    }
    expect(served).toBeLessThan(100);
    const bytes = JSON.stringify(server.incidentState('inc-1')).length;
    console.log(`[figures] 10 viewers x 10 joins {sinceSeq: 1e12} on a ${(bytes / MB).toFixed(1)} MB snapshot: ${served} served, the rest RATE_LIMITED; rss ${before} -> ${after} MB, ${ms} ms for all answers`);
  }, 120_000);

  it('a join answer\'s cost is charged by size: asked again and again, it is RATE_LIMITED with a retry hint', async () => {
    // Written by a server without limits, then served by one with the real ones, on the same data dir.
    const dir = tempDir('warroom-mem-');
    const filler = await startServer(dir, { limits: fast, cluster: noAdmission });
    await fill(await setup(filler), 'inc-1', 1_300);
    await filler.close();
    const server = await boot({}, dir);
    const v = await client(server, 'vic');
    // ~11.7 MB: 183 of the 200 tokens. The first is served, the second too (into debt), the third waits it out.
    const answers: JoinAck[] = [];
    for (let i = 0; i < 3; i++) answers.push(await call<JoinAck>(v, 'incident:join', { incidentId: 'inc-1', sinceSeq: 1e12 }));
    expect(answers.map((a) => a.ok)).toEqual([true, true, false]);
    expect(answers[2]).toMatchObject({ ok: false, code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    expect((answers[2] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(1_000);
    // Every request waits too, not only joins: the debt is the connection's.
    expect(await call(v, 'incident:list')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  }, 120_000);
});

describe('join answers capped by bytes', () => {
  it('carry at most JOIN_MAX_OPS_BYTES of ops; the client pages the rest with incident:ops', async () => {
    const server = await boot({ limits: { ...fast, joinMaxOpsWithoutSnapshot: 1_000_000 } });
    const writer = await setup(server);
    await fill(writer, 'inc-1', 400);
    const v = await client(server, 'vic');
    const r = await call<JoinAck>(v, 'incident:join', { incidentId: 'inc-1', sinceSeq: 1 });
    if (!r.ok) throw new Error(r.code);
    expect(r.headSeq).toBe(401);
    expect(r.ops.length).toBeGreaterThan(0);
    expect(r.ops.at(-1)!.seq).toBeLessThan(r.headSeq);
    expect(Buffer.byteLength(JSON.stringify(r.ops))).toBeLessThanOrEqual(MB);
    const rest = await call<{ ok: true; ops: { seq: number }[] }>(v, 'incident:ops', { incidentId: 'inc-1', afterSeq: r.ops.at(-1)!.seq, limit: 1_000 });
    expect([...r.ops, ...rest.ops].map((o) => o.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 2));
  }, 60_000);

  it('opsWithin keeps at least one op, and never passes the byte budget otherwise', () => {
    const ops = [1, 2, 3].map((seq) => ({ seq, text: 'x'.repeat(100) })) as never[];
    expect(opsWithin(ops, 10).ops).toHaveLength(1);
    const two = opsWithin(ops, 2 + 2 * (JSON.stringify(ops[0]).length) + 1);
    expect(two.ops).toHaveLength(2);
    expect(two.bytes).toBe(Buffer.byteLength(JSON.stringify(two.ops)));
  });

  it('the snapshot cache serializes a state once and drops it when the state changes', () => {
    const cache = createSnapshotCache(1_000);
    const s1 = { id: 'a', n: 1 } as never;
    const first = cache.get('a', s1);
    expect(cache.get('a', s1)).toBe(first);
    expect(cache.get('a', { id: 'a', n: 2 } as never)).not.toBe(first);
    expect(cache.bytes()).toBe(Buffer.byteLength(JSON.stringify({ id: 'a', n: 2 })));
  });
});

describe('the message size rule', () => {
  // What is measured: the UTF-8 bytes of JSON.stringify([event, payload]), the ack left out.
  const envelope = Buffer.byteLength(JSON.stringify(['op:submit', null])) - 4;
  it(`op:submit passes with ${MAX_PAYLOAD_BYTES - envelope} bytes of payload JSON and is refused PAYLOAD_TOO_LARGE with one more`, async () => {
    expect(MAX_PAYLOAD_BYTES - envelope).toBe(65_522);
    const server = await boot();
    const c = await client(server, 'lia', 'lead');
    const sized = (bytes: number) => {
      const base = { opId: 'o1', incidentId: 'inc-1', actorId: 'lia', clientTime: 1, type: 'timeline.add', payload: { entryId: 'e', kind: 'note', text: '' } };
      const text = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base)));
      const o = { ...base, payload: { ...base.payload, text } };
      expect(Buffer.byteLength(JSON.stringify(o))).toBe(bytes);
      return o;
    };
    const pass = await call<{ ok: boolean; code?: string }>(c, 'op:submit', sized(65_522));
    expect(pass.code).not.toBe('PAYLOAD_TOO_LARGE');
    expect(await call(c, 'op:submit', sized(65_523))).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });
});
