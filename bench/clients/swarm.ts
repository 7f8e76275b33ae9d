/**
 * A client swarm process: K real socket.io clients (websocket transport, one connection each)
 * joined to one incident. The same code drives War Room and the relay baseline.
 *
 * Latency: the writer puts process.hrtime.bigint() (CLOCK_MONOTONIC, the same clock in every
 * process on this machine) into the op's text; a receiver subtracts it from its own clock when
 * 'op:committed' fires. So a sample is submit → delivered to that client's handler, across
 * processes, with no clock sync to trust.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { serveChild, sleep } from '../lib/proc.ts';

interface Client { socket: Socket; id: string }

const clients: Client[] = [];
let incidentId = '';
/** Run tag being recorded; ops of other runs (and warm-up ops) are not counted. */
let recording = -1;
let samples = new Float64Array(1 << 16);
let count = 0;
let warmupSeen = 0;
/** Presence and list updates received, and when the last one came (to see a join storm settle). */
let chatter = 0;
let lastChatterAt = 0;
/** Sockets the server (or the transport) dropped after they had joined, by reason. */
const dropped = new Map<string, number>();
const onChatter = () => {
  chatter++;
  lastChatterAt = performance.now();
};

function push(ms: number): void {
  if (count === samples.length) {
    const bigger = new Float64Array(samples.length * 2);
    bigger.set(samples);
    samples = bigger;
  }
  samples[count++] = ms;
}

/** Text: "b <run> <k> <hrtimeNs> <m|w> <padding>". */
function onCommitted(op: CommittedOp): void {
  const now = process.hrtime.bigint();
  if (op.type !== 'timeline.add') return;
  const text = op.payload.text;
  if (text.charCodeAt(0) !== 98 /* b */) return;
  const parts = text.split(' ', 5);
  if (Number(parts[1]) !== recording) return;
  if (parts[4] === 'w') {
    warmupSeen++;
    return;
  }
  push(Number(now - BigInt(parts[3]!)) / 1e6);
}

function open(url: string, token: string, id: string, timeoutMs: number): Promise<Client> {
  const socket = io(url, {
    transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs,
    auth: { token, protocol: PROTOCOL_VERSION, clientId: id },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, id }));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

function ask<T>(socket: Socket, event: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

function benchOp(incident: string, actor: string, run: number, k: number, warm: boolean, textBytes: number): Op {
  const head = `b ${run} ${k} ${process.hrtime.bigint()} ${warm ? 'w' : 'm'} `;
  const text = head + 'x'.repeat(Math.max(0, textBytes - head.length));
  return {
    opId: randomUUID(), incidentId: incident, actorId: actor, clientTime: Date.now(),
    type: 'timeline.add', payload: { entryId: `b${run}-${k}-${actor}`, kind: 'note', text },
  };
}

interface ConnectArgs { url: string; token: string; ids: string[]; incidentId: string; create?: boolean; parallel?: number }

async function connect(a: ConnectArgs) {
  incidentId = a.incidentId;
  const t0 = performance.now();
  const joinToo = a.incidentId !== '';
  const parallel = a.parallel ?? 25;
  let failed = 0;
  let firstError = '';
  for (let i = 0; i < a.ids.length; i += parallel) {
    const batch = a.ids.slice(i, i + parallel);
    const opened = await Promise.allSettled(batch.map((id) => open(a.url, a.token, id, 30_000)));
    for (const r of opened) {
      if (r.status === 'rejected') {
        failed++;
        firstError ||= String(r.reason);
        continue;
      }
      clients.push(r.value);
    }
  }
  const connectedMs = performance.now() - t0;
  if (a.create && clients[0]) {
    const c = clients[0];
    const create: Op = {
      opId: randomUUID(), incidentId, actorId: c.id, clientTime: Date.now(),
      type: 'incident.create', payload: { title: 'Benchmark incident', severity: 'SEV2' },
    };
    const r = await ask<{ ok: boolean; message?: string }>(c.socket, 'incident:create', create);
    if (!r.ok) throw new Error(`incident:create refused: ${r.message}`);
  }
  for (let i = 0; joinToo && i < clients.length; i += parallel) {
    await Promise.all(clients.slice(i, i + parallel).map(async (c) => {
      const r = await ask<{ ok: boolean; message?: string }>(c.socket, 'incident:join', { incidentId, sinceSeq: 0 }, 300_000);
      if (!r.ok) throw new Error(`join refused: ${r.message}`);
      c.socket.on('op:committed', onCommitted);
      c.socket.on('presence:state', onChatter);
      c.socket.on('disconnect', (reason) => void dropped.set(reason, (dropped.get(reason) ?? 0) + 1));
      c.socket.on('incident:summary', onChatter);
    }));
  }
  return { connected: clients.length, failed, firstError, connectedMs, joinedMs: performance.now() - t0 };
}

interface WriteArgs { run: number; rate: number; durationMs: number; warmupMs: number; textBytes: number; writers?: number }

/** Open loop: ops go out on schedule whether or not earlier ones were acked. */
async function write(a: WriteArgs) {
  const writers = clients.slice(0, Math.max(1, a.writers ?? 1));
  if (writers.length === 0) throw new Error('no connected client to write with');
  const total = Math.round((a.rate * a.durationMs) / 1000);
  const warm = Math.round((a.rate * a.warmupMs) / 1000);
  const ackMs: number[] = [];
  let acked = 0;
  let measuredAcked = 0;
  let refused = 0;
  let firstRefusal = '';
  let sent = 0;
  const tick = Math.max(1, Math.min(10, Math.floor(1000 / a.rate)));
  const pendingAcks: Promise<void>[] = [];
  const t0 = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * a.rate) / 1000) + 1);
    while (sent < due) {
      const k = sent++;
      const w = writers[k % writers.length]!;
      const isWarm = k < warm;
      const op = benchOp(incidentId, w.id, a.run, k, isWarm, a.textBytes);
      const s0 = performance.now();
      pendingAcks.push(ask<{ ok: boolean; message?: string }>(w.socket, 'op:submit', op, 20_000).then((r) => {
        if (r.ok) {
          acked++;
          if (!isWarm) {
            measuredAcked++;
            ackMs.push(performance.now() - s0);
          }
        } else {
          refused++;
          firstRefusal ||= r.message ?? 'refused';
        }
      }, () => {
        refused++;
        firstRefusal ||= 'ack timeout';
      }));
    }
    if (performance.now() - t0 > a.durationMs * 3 + 10_000) break;
    await sleep(tick);
  }
  const sendMs = performance.now() - t0;
  await Promise.all(pendingAcks);
  return { sent, warm, acked, measuredAcked, refused, firstRefusal, sendMs, achievedRate: (sent * 1000) / sendMs, ackMs };
}

interface FillArgs { prefix: string; opsEach: number; window: number; textBytes: number }

/** Each client creates its own incident, joins it and submits opsEach ops, `window` in flight. */
async function fill(a: FillArgs) {
  const t0 = performance.now();
  let refused = 0;
  await Promise.all(clients.map(async (c, i) => {
    const id = `${a.prefix}-${i}`;
    const create: Op = { opId: randomUUID(), incidentId: id, actorId: c.id, clientTime: Date.now(), type: 'incident.create', payload: { title: `Fill ${i}`, severity: 'SEV3' } };
    const r = await ask<{ ok: boolean; message?: string }>(c.socket, 'incident:create', create);
    if (!r.ok) throw new Error(`incident:create refused: ${r.message}`);
    await ask(c.socket, 'incident:join', { incidentId: id, sinceSeq: 0 });
    let next = 0;
    const lane = async () => {
      while (next < a.opsEach) {
        const k = next++;
        const ack = await ask<{ ok: boolean }>(c.socket, 'op:submit', benchOp(id, c.id, 0, k, true, a.textBytes));
        if (!ack.ok) refused++;
      }
    };
    await Promise.all(Array.from({ length: a.window }, lane));
  }));
  return { ms: performance.now() - t0, refused, ops: clients.length * a.opsEach };
}

serveChild({
  fill: (a: FillArgs) => fill(a),
  connect: (a: ConnectArgs) => connect(a),
  record: (a: { run: number }) => {
    recording = a.run;
    count = 0;
    warmupSeen = 0;
    return true;
  },
  received: () => ({ count, warmupSeen, clients: clients.length }),
  chatter: () => ({ chatter, quietMs: lastChatterAt ? performance.now() - lastChatterAt : Number.MAX_SAFE_INTEGER }),
  dropped: () => Object.fromEntries(dropped),
  collect: () => ({ samples: samples.slice(0, count), clients: clients.length }),
  write: (a: WriteArgs) => write(a),
  disconnect: () => {
    for (const c of clients.splice(0)) {
      c.socket.off('disconnect');
      c.socket.close();
    }
    return true;
  },
}, { pid: process.pid }, () => {
  for (const c of clients.splice(0)) c.socket.close();
});
