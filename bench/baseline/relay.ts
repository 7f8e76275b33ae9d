/**
 * The baseline: a bare socket.io server that only relays. Same transport (websocket only), same
 * socket.io options and event names as War Room, so the same client code drives both; no auth
 * check, no validation, no reducer, no store. A submitted op is stamped with a counter seq and
 * broadcast to the incident's room, then acked. A join is answered from memory (what the
 * benchmark preloaded), so the join baseline is the cost of moving the same bytes.
 *
 * Run as a benchmark process (bench/lib/proc.ts); not a product server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { MAX_PAYLOAD_BYTES } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { memoryAfterReducingGc, memoryNow, serveChild } from '../lib/proc.ts';

interface Preloaded { head: number; state: IncidentState; tail: CommittedOp[] }
type AckFn = (r: unknown) => void;

const heads = new Map<string, number>();
const preloaded = new Map<string, Preloaded>();
const room = (id: string) => `incident:${id}`;

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: MAX_PAYLOAD_BYTES * 4 });
let relayed = 0;

function joinAnswer(incidentId: string, sinceSeq: number): Record<string, unknown> {
  const p = preloaded.get(incidentId);
  const head = p?.head ?? heads.get(incidentId) ?? 0;
  if (!p || sinceSeq === head) return { ok: true, ops: [], headSeq: head, access: 'lead' };
  const behind = head - sinceSeq;
  const first = p.tail[0]?.seq ?? head + 1;
  if (sinceSeq + 1 >= first && behind <= 1_000) return { ok: true, ops: p.tail.slice(sinceSeq + 1 - first), headSeq: head, access: 'lead' };
  return { ok: true, snapshot: { seq: head, state: p.state }, ops: [], headSeq: head, access: 'lead' };
}

io.on('connection', (socket) => {
  socket.on('incident:create', (op: Op, ack: AckFn) => {
    heads.set(op.incidentId, 1);
    ack({ ok: true, seq: 1, incidentId: op.incidentId });
  });
  socket.on('incident:join', (req: { incidentId: string; sinceSeq: number }, ack: AckFn) => {
    void socket.join(room(req.incidentId));
    ack(joinAnswer(req.incidentId, req.sinceSeq));
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
    memReduced: () => memoryAfterReducingGc(),
    cpu: () => process.cpuUsage(),
    stats: () => ({ relayed, sockets: io.engine.clientsCount }),
    preload: (a: { incidentId: string } & Preloaded) => {
      preloaded.set(a.incidentId, { head: a.head, state: a.state, tail: a.tail });
      heads.set(a.incidentId, a.head);
      return true;
    },
  }, { url: `http://127.0.0.1:${port}`, token: 'relay-accepts-anything', pid: process.pid }, () => new Promise<void>((r) => {
    void io.close(() => r());
  }));
});
