/**
 * Delivery test tools: a store that can be made to fail like an unreachable database, a fan-out
 * that can be cut on purpose, and a plain socket.io client written from docs/PROTOCOL.md alone
 * (it does not use the renderer's sync engine, only the documented events and refusal classes).
 */
import type { Server } from 'socket.io';
import { Adapter } from 'socket.io-adapter';
import type { Socket } from 'socket.io-client';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import type { ClientToServerEvents, HeadNotice, ServerToClientEvents } from '../../shared/protocol.ts';
import type { Store } from '../../server/store/store.ts';

/** A store whose every read and write fails while `down` is true, as SQLite reports a disk that went away. */
export function flakyStore(real: Store): { store: Store; setDown(down: boolean): void; failures(): number } {
  let down = false;
  let failures = 0;
  const fail = () => {
    failures++;
    return Object.assign(new Error('disk I/O error'), { code: 'ERR_SQLITE_ERROR', errcode: 10, errstr: 'disk I/O error' });
  };
  const guard = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    if (down) throw fail();
    return fn(...a);
  };
  const store: Store = {
    kind: real.kind,
    open: () => real.open(),
    close: () => real.close(),
    ping: async () => !down && real.ping(),
    listIncidentIds: guard(() => real.listIncidentIds()),
    headSeq: guard((id: string) => real.headSeq(id)),
    findByOpId: guard((id: string) => real.findByOpId(id)),
    readOps: guard((id: string, after: number, limit?: number) => real.readOps(id, after, limit)),
    latestSnapshot: guard((id: string, at?: number) => real.latestSnapshot(id, at)),
    saveSnapshot: guard((s: Parameters<Store['saveSnapshot']>[0]) => real.saveSnapshot(s)),
    append: guard((ops: Parameters<Store['append']>[0]) => real.append(ops)),
    quarantined: guard(() => real.quarantined()),
    backup: guard((f: string) => real.backup(f)),
  };
  return { store, setDown: (d) => void (down = d), failures: () => failures };
}

/**
 * Cuts a node's fan-out on purpose: its broadcasts reach its own sockets only, as when the adapter
 * drops a message (a Redis subscriber cut). Returns how to restore it.
 */
export function cutFanout(io: Server): () => void {
  const adapter = io.of('/').adapter;
  const original = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => Adapter.prototype.broadcast.call(adapter, packet, opts);
  return () => void (adapter.broadcast = original);
}

/** The transient codes of the table in docs/PROTOCOL.md §3 ("Refusal classes"), copied from the doc. */
export const DOC_TRANSIENT = new Set(['STORE_UNAVAILABLE', 'SHUTTING_DOWN', 'OVERLOADED', 'SEQ_CONFLICT', 'INTERNAL', 'RATE_LIMITED', 'NOT_JOINED', 'SNAPSHOT_GONE', 'TIMEOUT', 'SERVER_UNREACHABLE', 'SLOW_CONSUMER', 'SHELL_WINDOW_RELOADED', 'LOCAL_SERVER_FAILED', 'LOCAL_SERVER_STOPPED', 'SHELL_UPDATE_READY']);

type Sock = Socket<ServerToClientEvents, ClientToServerEvents>;
type Ack = { ok: true; seq?: number; ops?: CommittedOp[]; headSeq?: number } | { ok: false; code: string; message: string };

/**
 * A client written from PROTOCOL.md: join with its head, fold op:committed in seq order, catch up
 * (join again) on a gap or on an `incident:head` above its head, and send its queue in order,
 * resending transient refusals with backoff and dropping permanent ones (recorded).
 */
export class DocClient {
  head = 0;
  readonly folded: CommittedOp[] = [];
  readonly queue: Op[] = [];
  readonly refusals: string[] = [];
  readonly permanent: { op: Op; code: string }[] = [];
  readonly heads: (HeadNotice & { at: number })[] = [];
  joins = 0;
  private sending = false;
  private joining: Promise<void> | null = null;
  private readonly socket: Sock;
  private readonly incidentId: string;

  constructor(socket: Sock, incidentId: string) {
    this.socket = socket;
    this.incidentId = incidentId;
    socket.on('op:committed', (op) => {
      if (op.incidentId !== incidentId || op.seq <= this.head) return;
      if (op.seq === this.head + 1) this.fold(op);
      else void this.join();
    });
    socket.on('incident:head', (h) => {
      if (h.incidentId !== incidentId) return;
      this.heads.push({ ...h, at: Date.now() });
      if (h.headSeq > this.head) setTimeout(() => void (h.headSeq > this.head && this.join()), 300);
    });
  }

  private fold(op: CommittedOp) {
    this.folded.push(op);
    this.head = op.seq;
  }

  private async ask(event: string, arg: unknown): Promise<Ack> {
    try {
      const emit = this.socket.timeout(10_000) as unknown as { emitWithAck(e: string, a: unknown): Promise<Ack> };
      return await emit.emitWithAck(event, arg);
    } catch {
      return { ok: false, code: 'TIMEOUT', message: 'no ack' };
    }
  }

  join(): Promise<void> {
    this.joining ??= (async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        this.joins++;
        const r = await this.ask('incident:join', { incidentId: this.incidentId, sinceSeq: this.head });
        if (r.ok) {
          for (const op of r.ops ?? []) if (op.seq === this.head + 1) this.fold(op);
          return;
        }
        this.refusals.push(r.code);
        await new Promise((ok) => setTimeout(ok, Math.min(2_000, 100 * 2 ** attempt)));
      }
    })().finally(() => {
      this.joining = null;
    });
    return this.joining;
  }

  /** Queues ops and sends the queue in order (one pass at a time). */
  submit(...ops: Op[]): Promise<void> {
    this.queue.push(...ops);
    return this.drain();
  }

  async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      let attempt = 0;
      while (this.queue.length > 0 && attempt < 200) {
        const op = this.queue[0]!;
        const r = await this.ask('op:submit', op);
        if (r.ok) {
          this.queue.shift();
          attempt = 0;
          continue;
        }
        this.refusals.push(r.code);
        if (!DOC_TRANSIENT.has(r.code)) {
          this.permanent.push({ op, code: r.code });
          this.queue.shift();
          continue;
        }
        if (r.code === 'NOT_JOINED') await this.join();
        attempt++;
        await new Promise((ok) => setTimeout(ok, Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2)));
      }
    } finally {
      this.sending = false;
    }
  }
}

export async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}
