// A small cluster in one process (createServer per node, shared PostgreSQL schema, one fan-out) and
// clients that behave as docs/PROTOCOL.md says a client does: reconnect, join again with sinceSeq,
// fold committed ops in seq order, resend an op with the same opId after a transient refusal or a
// timeout, and catch up when a seq is missing.
import { randomBytes, randomUUID } from 'node:crypto';
import { io as connectClient } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { isTransient, type ErrorCode } from '../../shared/errors.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import type { JoinResult } from '../../shared/protocol.ts';
import { apply } from '../../shared/reducer.ts';
import { attachFanout, type FanoutOptions } from '../../server/fanout.ts';
import type { ServerConfig, WarRoomServer } from '../../server/createServer.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { call, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';

export interface ClusterSpec {
  databaseUrl: string;
  schema: string;
  fanout: FanoutOptions;
  nodes?: number;
  config?: Partial<ServerConfig>;
}

export async function startCluster(spec: ClusterSpec) {
  const secret = randomBytes(32).toString('hex');
  const dirs: string[] = [];
  const nodes: WarRoomServer[] = [];
  const fanoutErrors: Error[] = [];
  for (let i = 0; i < (spec.nodes ?? 3); i++) {
    const dir = tempDir('warroom-cluster-');
    dirs.push(dir);
    nodes.push(await startServer(dir, { secret, ...spec.config }, {
      store: createPostgresStore({ connectionString: spec.databaseUrl, schema: spec.schema, maxConnections: 4 }),
      access: createPostgresAccess({ connectionString: spec.databaseUrl, schema: spec.schema }),
      fanout: (io) => attachFanout(io, { ...spec.fanout, onError: (err) => fanoutErrors.push(err) }),
    }));
  }
  return {
    nodes,
    secret,
    fanoutErrors,
    async close() {
      await Promise.allSettled(nodes.map((n) => n.close()));
      for (const d of dirs) removeDir(d);
    },
  };
}

const GAP_WAIT_MS = 300;

type SubmitAck = { ok: true; seq: number } | { ok: false; code: ErrorCode; message: string; retryAfterMs?: number };
type JoinAck = ({ ok: true } & JoinResult) | { ok: false; code: ErrorCode; message: string };

/** A client on one node that reconnects by itself and never drops an op it was given. */
export function reliableClient(url: string, token: string, clientId: string, incidentId: string) {
  const socket: Client = connectClient(url, {
    transports: ['websocket'], forceNew: true, reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500,
    auth: { token, protocol: PROTOCOL_VERSION, clientId },
  });
  const c = {
    socket,
    clientId,
    state: null as IncidentState | null,
    head: 0,
    pending: new Map<number, CommittedOp>(),
    acked: new Map<string, number>(),
    refusals: [] as string[],
    reconnects: 0,
    joined: false,
    /** opIds that arrived as op:committed (not through a join). */
    broadcast: new Set<string>(),
    gapTimer: null as NodeJS.Timeout | null,
    fold() {
      for (let next = c.pending.get(c.head + 1); next; next = c.pending.get(c.head + 1)) {
        c.pending.delete(next.seq);
        const r = apply(c.state, next);
        if (r.ok) c.state = r.state;
        c.head = next.seq;
      }
      for (const seq of c.pending.keys()) if (seq <= c.head) c.pending.delete(seq);
    },
    /** One join from the client's head; the server's headSeq, or null when it did not answer ok. */
    async join(): Promise<number | null> {
      let r: JoinAck;
      try {
        r = await call<JoinAck>(socket, 'incident:join', { incidentId, sinceSeq: c.head });
      } catch {
        return null;
      }
      if (!r.ok) {
        c.refusals.push(`join ${r.code}`);
        return null;
      }
      if (r.snapshot && r.snapshot.seq > c.head) {
        c.state = r.snapshot.state;
        c.head = r.snapshot.seq;
      }
      for (const o of r.ops) c.pending.set(o.seq, o);
      c.fold();
      c.joined = true;
      return r.headSeq;
    },
    /** Joins again until the client is at the head the server answers (pages a capped answer too). */
    async catchUp(deadline: number): Promise<void> {
      for (;;) {
        const head = socket.connected ? await c.join() : null;
        if (head !== null && c.head >= head) return;
        if (Date.now() > deadline) throw new Error(`${clientId} did not catch up by the deadline (head ${c.head})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** Sends until acked; transient refusals and timeouts are retried with the same opId. */
    async submit(op: Op, deadline: number): Promise<number> {
      for (;;) {
        if (socket.connected && c.joined) {
          try {
            const r = await call<SubmitAck>(socket, op.type === 'incident.create' ? 'incident:create' : 'op:submit', op);
            if (r.ok) {
              c.acked.set(op.opId, r.seq);
              return r.seq;
            }
            c.refusals.push(r.code);
            if (!isTransient(r.code)) throw new Error(`${clientId}: ${op.type} refused permanently: ${r.code} ${r.message}`);
            if (r.code === 'NOT_JOINED') await c.join();
            await new Promise((res) => setTimeout(res, r.retryAfterMs ? Math.min(r.retryAfterMs, 500) : 100));
          } catch (e) {
            if ((e as Error).message.includes('refused permanently')) throw e;
          }
        } else {
          await new Promise((r) => setTimeout(r, 50));
        }
        if (Date.now() > deadline) throw new Error(`${clientId}: op ${op.opId} not acked by the deadline`);
      }
    },
    close: () => {
      if (c.gapTimer) clearTimeout(c.gapTimer);
      socket.close();
    },
  };
  socket.on('op:committed', (o) => {
    if (o.incidentId !== incidentId) return;
    c.broadcast.add(o.opId);
    if (o.seq <= c.head) return;
    c.pending.set(o.seq, o);
    c.fold();
    // A seq still missing after a short wait: ask the server, as the real client does.
    if (c.pending.size > 0 && !c.gapTimer) {
      c.gapTimer = setTimeout(() => {
        c.gapTimer = null;
        if (c.pending.size > 0) void c.join();
      }, GAP_WAIT_MS);
    }
  });
  socket.on('connect', () => {
    if (c.joined) {
      c.reconnects++;
      void c.join();
    }
  });
  return c;
}

export type ReliableClient = ReturnType<typeof reliableClient>;

export function waitConnected(c: ReliableClient, timeoutMs = 10_000): Promise<void> {
  if (c.socket.connected) return Promise.resolve();
  return new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`${c.clientId} did not connect`)), timeoutMs);
    c.socket.once('connect', () => {
      clearTimeout(t);
      ok();
    });
  });
}

export const note = (incidentId: string, actorId: string, n: number): Op => ({
  opId: randomUUID(), incidentId, actorId, clientTime: Date.now(), type: 'timeline.add',
  payload: { entryId: `${actorId}-${n}`, kind: 'note', text: `note ${n} from ${actorId}` },
} as Op);
