/**
 * The cluster baseline: one node of a bare socket.io cluster. Each node is the relay of
 * bench/baseline/relay.ts (same transport, options and event names as War Room, so the same client
 * code drives it; no auth, validation, reducer or store) with the same cross-node fan-out War Room
 * uses: server/fanout.ts's attachFanout, i.e. @socket.io/redis-adapter on the machine's Redis with
 * a channel prefix of its own. `io.to(room).emit` on one node then reaches the room's sockets on
 * every node, exactly as War Room's broadcast of a committed op does.
 *
 * Per op the node that receives the submit stamps a seq from its own counter (the writer-side
 * counter), broadcasts the op through the adapter and acks. The other nodes do no per-op work of
 * their own: the adapter hands them the broadcast and they emit it to their local sockets. With the
 * benchmark's single writer that counter is the one order every receiver needs; it is not a shared
 * order for several writers on several nodes (that would take a shared counter, e.g. Redis INCR,
 * which the baseline does not pay). A join is answered with the head this node knows (0 on the
 * nodes the incident was not created on); the benchmark's receivers only count the ops they get.
 *
 * Run as a benchmark process (bench/lib/proc.ts) with one argument, JSON { fanout: { redisUrl, channel } }.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { MAX_PAYLOAD_BYTES } from '../../shared/constants.ts';
import type { Op } from '../../shared/ops.ts';
import { attachFanout } from '../../server/fanout.ts';
import { memoryNow, serveChild } from '../lib/proc.ts';
import { profiler } from '../lib/profile.ts';

type AckFn = (r: unknown) => void;

const args = JSON.parse(process.argv[2] ?? '{}') as { fanout?: { redisUrl: string; channel: string } };
if (!args.fanout?.redisUrl || !args.fanout.channel) throw new Error('relayCluster.ts needs { fanout: { redisUrl, channel } } as its argument.');

const heads = new Map<string, number>();
const room = (id: string) => `incident:${id}`;

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: MAX_PAYLOAD_BYTES * 4 });
let relayed = 0;
let fanoutErrors = 0;
// Before any client connects: the adapter replaces the namespace's rooms.
const detach = await attachFanout(io, {
  redisUrl: args.fanout.redisUrl, channel: args.fanout.channel,
  onError: (err, kind) => {
    fanoutErrors++;
    if (fanoutErrors <= 3) console.error(`relay cluster node: fan-out error (${kind}): ${err.message}`);
  },
});

io.on('connection', (socket) => {
  socket.on('incident:create', (op: Op, ack: AckFn) => {
    heads.set(op.incidentId, 1);
    ack({ ok: true, seq: 1, incidentId: op.incidentId });
  });
  socket.on('incident:join', (req: { incidentId: string; sinceSeq: number }, ack: AckFn) => {
    void socket.join(room(req.incidentId));
    ack({ ok: true, ops: [], headSeq: heads.get(req.incidentId) ?? 0, access: 'lead' });
  });
  socket.on('op:submit', (op: Op, ack: AckFn) => {
    const seq = (heads.get(op.incidentId) ?? 0) + 1;
    heads.set(op.incidentId, seq);
    relayed++;
    io.to(room(op.incidentId)).emit('op:committed', { ...op, seq, serverTime: Date.now() });
    ack({ ok: true, seq });
  });
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  serveChild({
    mem: () => memoryNow(),
    cpu: () => process.cpuUsage(),
    stats: () => ({ relayed, sockets: io.engine.clientsCount, fanoutErrors }),
    ...profiler(),
  }, { url: `http://127.0.0.1:${port}`, token: 'relay-accepts-anything', pid: process.pid }, async () => {
    await detach();
    await new Promise<void>((r) => void io.close(() => r()));
  });
});
