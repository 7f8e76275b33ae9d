// The cluster benchmark's baseline (bench/baseline/relayCluster.ts): an op submitted on one relay
// node reaches a client on another node through the Redis adapter, and a second cluster on the
// same Redis with another channel (the benchmark runs both clusters at once) hears nothing of it.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { startServer, stopAll, type ServerHandle } from '../../bench/lib/world.ts';
import { REDIS_URL, redisAvailable, uniqueName } from './services.ts';

const RECEIVE_TIMEOUT_MS = 5_000;
const available = await redisAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function nodes(channel: string, count: number): Promise<ServerHandle[]> {
  const started: ServerHandle[] = [];
  cleanup.push(() => stopAll(started).then(() => undefined));
  for (let i = 0; i < count; i++) started.push(await startServer('relay', { fanout: { redisUrl: REDIS_URL, channel } }));
  return started;
}

async function joined(node: ServerHandle, incidentId: string): Promise<Socket> {
  const socket = connectClient(node.url, {
    transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: node.token, protocol: PROTOCOL_VERSION, clientId: randomUUID() },
  });
  cleanup.push(() => void socket.close());
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('connect_error', fail);
  });
  const r = (await socket.timeout(RECEIVE_TIMEOUT_MS).emitWithAck('incident:join', { incidentId, sinceSeq: 0 })) as { ok: boolean };
  expect(r.ok).toBe(true);
  return socket;
}

describe.skipIf(!available)('relay cluster (cluster benchmark baseline)', () => {
  it('delivers an op submitted on node 1 to clients on nodes 2 and 3, in order, and not to another cluster', { timeout: 60_000 }, async () => {
    const incidentId = 'relay-cluster-1';
    const [one, two, three] = await nodes(uniqueName('wrt'), 3);
    const [other] = await nodes(uniqueName('wrt'), 1);
    const writer = await joined(one!, incidentId);
    const receivers = [await joined(two!, incidentId), await joined(three!, incidentId)];
    const stranger = await joined(other!, incidentId);
    const got = receivers.map(() => [] as CommittedOp[]);
    receivers.forEach((s, i) => s.on('op:committed', (op: CommittedOp) => void got[i]!.push(op)));
    let strays = 0;
    stranger.on('op:committed', () => void strays++);
    const ops: Op[] = Array.from({ length: 5 }, (_, k) => ({
      opId: randomUUID(), incidentId, actorId: 'w', clientTime: Date.now(),
      type: 'timeline.add', payload: { entryId: `e${k}`, kind: 'note', text: `op ${k}` },
    }));
    for (const op of ops) {
      const ack = (await writer.timeout(RECEIVE_TIMEOUT_MS).emitWithAck('op:submit', op)) as { ok: boolean; seq: number };
      expect(ack.ok).toBe(true);
    }
    const deadline = Date.now() + RECEIVE_TIMEOUT_MS;
    while (got.some((g) => g.length < ops.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const g of got) {
      expect(g.map((o) => o.opId)).toEqual(ops.map((o) => o.opId));
      expect(g.map((o) => o.seq)).toEqual([1, 2, 3, 4, 5]);
    }
    // Give a leak through the shared Redis time to show.
    await new Promise((r) => setTimeout(r, 300));
    expect(strays).toBe(0);
  });
});
