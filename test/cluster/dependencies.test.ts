// Nodes survive their dependencies: three nodes on a PRIVATE PostgreSQL (and a private Redis), under
// a steady write load, while the adapter's LISTEN backend is terminated, the pub/sub connections are
// killed, and PostgreSQL or Redis restart. Every node stays up, /readyz comes back, broadcasts cross
// nodes again, every op a client was given is acked and stored exactly once, and all clients converge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateHash } from '../../shared/hash.ts';
import { replay } from '../../shared/reducer.ts';
import type { FanoutOptions } from '../../server/fanout.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { op as makeOp, member } from '../server/helpers.ts';
import { uniqueName } from '../scaleout/services.ts';
import { note, reliableClient, startCluster, waitConnected, type ReliableClient } from './harness.ts';
import {
  privatePostgresAvailable, privateRedisAvailable, startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis,
} from './privateServices.ts';

const up = privatePostgresAvailable() && privateRedisAvailable();
const DEADLINE_MS = 60_000;
const OP_EVERY_MS = 30;

let pgi: PrivatePostgres;
let redis: PrivateRedis;
beforeAll(async () => {
  if (!up) return;
  pgi = await startPrivatePostgres();
  redis = await startPrivateRedis();
}, 120_000);
afterAll(async () => {
  await redis?.destroy();
  pgi?.destroy();
});

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && !line.startsWith('#')) sum += Number(line.split(' ').at(-1));
  return sum;
}

async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/readyz`)).status;
  } catch {
    return 0;
  }
}

async function waitReady(urls: string[], timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await Promise.all(urls.map(readyStatus))).some((s) => s !== 200)) {
    if (Date.now() > end) throw new Error('a node did not become ready again');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Three nodes, a client on each writing notes at a steady rate while `disrupt` runs; then every
 * acked op is checked against the store and every client's folded state.
 */
async function underLoad(fanout: FanoutOptions, disrupt: (ctx: { urls: string[]; readySeen: Set<number> }) => Promise<void>) {
  const schema = uniqueName('wr_dep');
  const cluster = await startCluster({ databaseUrl: pgi.url, schema, fanout });
  const clients: ReliableClient[] = [];
  try {
    const [n0] = cluster.nodes;
    const incidentId = 'outage-1';
    const ids = ['ana', 'ben', 'cho'];
    for (const [i, id] of ids.entries()) {
      const c = reliableClient(cluster.nodes[i]!.url, n0!.createToken('responder'), id, incidentId);
      clients.push(c);
      await waitConnected(c);
    }
    const deadline = Date.now() + DEADLINE_MS;
    clients[0]!.joined = true;
    await clients[0]!.submit(makeOp('incident.create', incidentId, 'ana', { title: 'DB flaps', severity: 'SEV1' }), deadline);
    for (const c of clients) await c.catchUp(deadline);
    for (const c of clients) await c.submit(makeOp('member.join', incidentId, c.clientId, member(c.clientId)), deadline);

    let writing = true;
    const given: string[] = [];
    const writers = clients.map(async (c) => {
      for (let n = 0; writing; n++) {
        const o = note(incidentId, c.clientId, n);
        given.push(o.opId);
        await c.submit(o, deadline);
        await new Promise((r) => setTimeout(r, OP_EVERY_MS));
      }
    });
    const urls = cluster.nodes.map((n) => n.url);
    const readySeen = new Set<number>();
    await new Promise((r) => setTimeout(r, 500));
    await disrupt({ urls, readySeen });
    await waitReady(urls);
    // Writes keep going a moment after recovery, then stop; every op given must be acked.
    await new Promise((r) => setTimeout(r, 1_000));
    writing = false;
    await Promise.all(writers);

    // Broadcasts cross nodes again: an op acked on node 0 reaches the client on node 2 by itself.
    const probe = note(incidentId, 'ana', 1_000_000);
    const probeSeq = await clients[0]!.submit(probe, deadline);
    const end = Date.now() + 10_000;
    while (!clients[2]!.broadcast.has(probe.opId) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(clients[2]!.broadcast.has(probe.opId), `op ${probeSeq} acked on node 0 reached node 2 by broadcast after recovery`).toBe(true);

    const reader = createPostgresStore({ connectionString: pgi.url, schema });
    await reader.open();
    try {
      const log = await reader.readOps(incidentId, 0);
      expect(log.map((o) => o.seq)).toEqual(log.map((_, i) => i + 1));
      const stored = new Set(log.map((o) => o.opId));
      expect(stored.size).toBe(log.length);
      const acked = new Map<string, number>();
      for (const c of clients) for (const [opId, seq] of c.acked) acked.set(opId, seq);
      const lost = [...given, probe.opId].filter((id) => !stored.has(id));
      expect(lost, 'ops given to clients and not stored').toEqual([]);
      for (const [opId, seq] of acked) expect(log[seq - 1]?.opId).toBe(opId);
      const folded = replay(log);
      if (!folded.ok) throw new Error('stored log does not fold');
      for (const c of clients) await c.catchUp(deadline);
      for (const c of clients) expect(stateHash(c.state), `${c.clientId} converged`).toBe(stateHash(folded.state));
      for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const refusals = clients.flatMap((c) => c.refusals);
      return { ops: given.length + 1, stored: log.length, refusals };
    } finally {
      await reader.close();
    }
  } finally {
    for (const c of clients) c.close();
    await cluster.close();
  }
}

/** Polls /readyz of every node while `fn` runs and then until all are 200 again (or maxMs), remembering the statuses seen. */
async function watchReady(urls: string[], seen: Set<number>, fn: () => Promise<void>, maxMs = 20_000): Promise<void> {
  let on = true;
  const poll = (async () => {
    while (on) {
      for (const s of await Promise.all(urls.map(readyStatus))) seen.add(s);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await fn();
    const end = Date.now() + maxMs;
    while (Date.now() < end && (!seen.has(503) || (await Promise.all(urls.map(readyStatus))).some((st) => st !== 200))) {
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    on = false;
    await poll;
  }
}

const adapters: { name: string; fanout: () => FanoutOptions }[] = [
  { name: 'the PostgreSQL adapter', fanout: () => ({ databaseUrl: pgi.url, channel: uniqueName('wr') }) },
  { name: 'Redis', fanout: () => ({ redisUrl: redis.url, channel: uniqueName('wr') }) },
];

describe.skipIf(!up)('nodes survive their dependencies (3 nodes, private PostgreSQL and Redis)', () => {
  it('terminating the PostgreSQL adapter\'s LISTEN backend under load: nodes stay up, LISTEN comes back, nothing lost', async () => {
    const r = await underLoad(adapters[0]!.fanout(), async ({ urls, readySeen }) => {
      await watchReady(urls, readySeen, async () => {
        // Only the three LISTEN connections, nothing else.
        expect(await pgi.terminate('warroom-fanout-', 'LISTEN')).toBe(3);
      });
      expect(readySeen.has(503), '/readyz said 503 while the LISTEN connection was down').toBe(true);
      for (const url of urls) expect(await metric(url, 'warroom_fanout_errors_total{kind="listen"}')).toBeGreaterThan(0);
      for (const url of urls) expect(await metric(url, 'warroom_fanout_up')).toBe(1);
    });
    console.log(`[figures] LISTEN terminated: ops given ${r.ops}, stored ${r.stored}, transient refusals ${r.refusals.length}`);
  }, 120_000);

  for (const a of adapters) {
    it(`PostgreSQL restarts under load, fan-out through ${a.name}: nodes stay up, nothing lost, all converge`, async () => {
      let outageMs = 0;
      const r = await underLoad(a.fanout(), async ({ urls, readySeen }) => {
        await watchReady(urls, readySeen, async () => {
          const t = Date.now();
          pgi.stop();
          await new Promise((res) => setTimeout(res, 2_000));
          pgi.start();
          outageMs = Date.now() - t;
        });
        expect(readySeen.has(503), '/readyz said 503 during the outage').toBe(true);
      });
      console.log(`[figures] PostgreSQL restart (${a.name}): outage ${outageMs} ms, ops given ${r.ops}, stored ${r.stored}, transient refusals ${r.refusals.length}`);
    }, 120_000);
  }

  it('Redis restarts and its pub/sub connections are killed under load: nodes stay up, nothing lost', async () => {
    let downMs = 0;
    const r = await underLoad(adapters[1]!.fanout(), async ({ urls, readySeen }) => {
      await watchReady(urls, readySeen, async () => {
        expect(await redis.killPubSub()).toBeGreaterThanOrEqual(3);
        await new Promise((res) => setTimeout(res, 500));
        const t = Date.now();
        await redis.stop();
        await new Promise((res) => setTimeout(res, 1_500));
        await redis.start();
        downMs = Date.now() - t;
      });
      expect(readySeen.has(503), '/readyz said 503 while Redis was down').toBe(true);
      for (const url of urls) expect(await metric(url, 'warroom_fanout_errors_total')).toBeGreaterThan(0);
    });
    console.log(`[figures] Redis restart: down ${downMs} ms, ops given ${r.ops}, stored ${r.stored}, transient refusals ${r.refusals.length}`);
  }, 120_000);
});
