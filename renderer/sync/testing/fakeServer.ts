/**
 * An in-memory server and Transport for tests: orders ops with the shared reducer the way the real
 * server does (dedupe by opId, apply, broadcast, then ack), with knobs to drop broadcasts, refuse
 * ops or cut the network.
 */
import { OPS_PAGE_MAX } from '../../../shared/constants.ts';
import { refuse, type Refusal } from '../../../shared/errors.ts';
import type { IncidentState, IncidentSummary } from '../../../shared/model.ts';
import { parseOp, type CommittedOp, type Op } from '../../../shared/ops.ts';
import type { HeadNotice, IncidentNotice, PresenceState } from '../../../shared/protocol.ts';
import { apply } from '../../../shared/reducer.ts';
import { summarize } from '../../../shared/summary.ts';
import {
  Listeners, type RequestArgs, type RequestEvent, type RequestResult, type Transport, type TransportAuth, type TransportStatus,
} from '../transport.ts';

interface Incident {
  state: IncidentState;
  ops: CommittedOp[];
}

export class FakeServer {
  readonly incidents = new Map<string, Incident>();
  readonly byOpId = new Map<string, { incidentId: string; seq: number }>();
  readonly clients = new Set<FakeTransport>();
  /** Every op:submit / incident:create received, duplicates included. */
  readonly received: Op[] = [];
  /** Return false to drop the broadcast of this op to this client (simulates a lost message). */
  deliver: (op: CommittedOp, to: FakeTransport) => boolean = () => true;
  /** Return a refusal to refuse this op before it is applied. */
  veto: (op: Op) => Refusal | null = () => null;
  /** Snapshot instead of ops when a joiner is further behind than this. */
  snapshotAfter = Infinity;
  /** Most ops one incident:ops answer carries (the real server: OPS_PAGE_MAX). */
  opsPageMax = OPS_PAGE_MAX;
  /** Runs before each incident:ops answer (e.g. to commit ops while a client pages). */
  beforeOpsPage: (req: { incidentId: string; afterSeq: number; limit: number }) => void = () => undefined;
  /** Rewrites an incident:ops answer (to simulate a misbehaving server). */
  tamperOps: (answer: unknown) => unknown = (answer) => answer;
  /** Broadcast to the sender too (the real server does). */
  echoToSender = true;
  time = Date.UTC(2026, 10, 27, 8, 0, 0);

  summary(i: Incident): IncidentSummary {
    const s = i.state;
    return summarize(s);
  }

  /** Seeds committed ops directly (e.g. from loadScenario). */
  seed(ops: readonly CommittedOp[]) {
    for (const op of ops) this.commit(op);
  }

  private commit(op: CommittedOp): Refusal | null {
    const current = this.incidents.get(op.incidentId);
    const r = apply(current?.state ?? null, op);
    if (!r.ok) return r;
    const inc = current ?? { state: r.state, ops: [] };
    inc.state = r.state;
    inc.ops.push(op);
    this.incidents.set(op.incidentId, inc);
    this.byOpId.set(op.opId, { incidentId: op.incidentId, seq: op.seq });
    return null;
  }

  private accept(from: FakeTransport, raw: Op, create: boolean): { ok: true; seq: number; duplicate?: boolean; incidentId: string } | Refusal {
    this.received.push(raw);
    const parsed = parseOp(raw);
    if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message };
    const op = parsed.value;
    const dup = this.byOpId.get(op.opId);
    if (dup) return { ok: true, seq: dup.seq, duplicate: true, incidentId: dup.incidentId };
    if (create !== (op.type === 'incident.create')) return refuse('INVALID_OP', 'wrong event for this op');
    if (!create && !from.joined.has(op.incidentId)) return refuse('NOT_JOINED');
    if (op.actorId !== from.auth?.clientId) return refuse('ACTOR_MISMATCH');
    const vetoed = this.veto(op);
    if (vetoed) return vetoed;
    const seq = (this.incidents.get(op.incidentId)?.state.headSeq ?? 0) + 1;
    const committed = { ...op, seq, serverTime: ++this.time } as CommittedOp;
    const refusal = this.commit(committed);
    if (refusal) return refusal;
    for (const c of this.clients) {
      if (c.online && c.joined.has(op.incidentId) && (this.echoToSender || c !== from) && this.deliver(committed, c)) c.push('op', committed);
    }
    const inc = this.incidents.get(op.incidentId)!;
    for (const c of this.clients) if (c.online) c.push('summary', this.summary(inc));
    return { ok: true, seq, incidentId: op.incidentId };
  }

  /** An op the server writes itself (a duty: escalation, reminder), committed and sent to every joined client. */
  serverWrites(op: Op): CommittedOp {
    const seq = (this.incidents.get(op.incidentId)?.state.headSeq ?? 0) + 1;
    const committed = { ...op, seq, serverTime: ++this.time } as CommittedOp;
    const refusal = this.commit(committed);
    if (refusal) throw new Error(`server op refused: ${refusal.code}`);
    for (const c of this.clients) if (c.online && c.joined.has(op.incidentId)) c.push('op', committed);
    return committed;
  }

  /** A duty notice to every connected client (the server sends it to the room and the lobby). */
  notice(n: IncidentNotice): void {
    for (const c of this.clients) if (c.online) c.push('notice', n);
  }

  handle(from: FakeTransport, event: RequestEvent, args: unknown[]): unknown {
    switch (event) {
      case 'session:whoami':
        return { ok: true, clientId: from.auth?.clientId, access: 'lead', incidentId: null, serverProtocol: 1 };
      case 'incident:list':
        return { ok: true, incidents: [...this.incidents.values()].map((i) => this.summary(i)) };
      case 'incident:create': {
        const r = this.accept(from, args[0] as Op, true);
        return r.ok ? { ok: true, seq: r.seq, incidentId: r.incidentId } : r;
      }
      case 'incident:join': {
        const { incidentId, sinceSeq } = args[0] as { incidentId: string; sinceSeq: number };
        const inc = this.incidents.get(incidentId);
        if (!inc) return refuse('INCIDENT_NOT_FOUND', incidentId);
        from.joined.add(incidentId);
        const head = inc.state.headSeq;
        if (head - sinceSeq > this.snapshotAfter) {
          return { ok: true, snapshot: { seq: head, state: structuredClone(inc.state) }, ops: [], headSeq: head, access: from.access };
        }
        return { ok: true, ops: inc.ops.filter((o) => o.seq > sinceSeq), headSeq: head, access: from.access };
      }
      case 'incident:ops': {
        const req = args[0] as { incidentId: string; afterSeq: number; limit: number };
        this.beforeOpsPage(req);
        const inc = this.incidents.get(req.incidentId);
        if (!inc) return refuse('INCIDENT_NOT_FOUND', req.incidentId);
        const ops = inc.ops.filter((o) => o.seq > req.afterSeq).slice(0, Math.min(req.limit, this.opsPageMax));
        return this.tamperOps({ ok: true, ops, headSeq: inc.state.headSeq });
      }
      case 'incident:leave':
        from.joined.delete((args[0] as { incidentId: string }).incidentId);
        return { ok: true };
      case 'op:submit': {
        const r = this.accept(from, args[0] as Op, false);
        return r.ok ? { ok: true, seq: r.seq, ...(r.duplicate ? { duplicate: true } : {}) } : r;
      }
    }
  }

  /** One beat of the head heartbeat to every joined client (storeAvailable as given). */
  beatHeads(storeAvailable = true): void {
    for (const c of this.clients) {
      for (const id of c.joined) c.pushHead({ incidentId: id, headSeq: this.incidents.get(id)?.state.headSeq ?? 0, storeAvailable });
    }
  }

  transport(access: 'lead' | 'responder' | 'viewer' = 'lead'): FakeTransport {
    const t = new FakeTransport(this, access);
    this.clients.add(t);
    return t;
  }
}

type Push = { kind: 'op'; value: CommittedOp } | { kind: 'summary'; value: IncidentSummary } | { kind: 'presence'; value: PresenceState } | { kind: 'notice'; value: IncidentNotice };

export class FakeTransport implements Transport {
  status: TransportStatus = { kind: 'idle' };
  rttMs: number | null = null;
  auth: TransportAuth | null = null;
  online = false;
  readonly joined = new Set<string>();
  readonly sent: Array<{ event: string; args: unknown[] }> = [];
  /** Refuse the handshake with this (code, message) instead of connecting. */
  refuseWith: { code: 'AUTH_INVALID' | 'PROTOCOL_UNSUPPORTED'; message: string } | null = null;
  private readonly server: FakeServer;
  readonly access: 'lead' | 'responder' | 'viewer';
  private pending = new Set<(r: Refusal) => void>();
  private readonly listeners = {
    op: new Listeners<CommittedOp>(), presence: new Listeners<PresenceState>(),
    summary: new Listeners<IncidentSummary>(), status: new Listeners<TransportStatus>(), head: new Listeners<HeadNotice>(),
    notice: new Listeners<IncidentNotice>(),
  };

  constructor(server: FakeServer, access: 'lead' | 'responder' | 'viewer') {
    this.server = server;
    this.access = access;
  }

  connect(_serverUrl: string, auth: TransportAuth): void {
    this.auth = auth;
    this.setStatus({ kind: 'connecting' });
    queueMicrotask(() => {
      if (this.refuseWith) return this.setStatus({ kind: 'refused', ...this.refuseWith });
      this.goOnline();
    });
  }

  disconnect(): void {
    this.cut({ kind: 'offline', reason: 'You are offline.' });
  }

  /** Simulates a network drop (socket.io would be reconnecting). */
  dropNetwork(attempt = 1): void {
    this.cut({ kind: 'reconnecting', attempt, lastError: 'unreachable' });
  }

  goOnline(): void {
    this.online = true;
    this.setStatus({ kind: 'connected' });
  }

  private cut(status: TransportStatus) {
    this.online = false;
    this.joined.clear();
    for (const fail of this.pending) fail(refuse('SERVER_UNREACHABLE'));
    this.pending.clear();
    this.setStatus(status);
  }

  request<K extends RequestEvent>(event: K, ...args: RequestArgs<K>): Promise<RequestResult<K> | Refusal> {
    this.sent.push({ event, args });
    if (!this.online) return Promise.resolve(refuse('SERVER_UNREACHABLE'));
    // Handled now (ordering like one socket), answered a tick later (after broadcasts already queued).
    const res = this.server.handle(this, event, args) as RequestResult<K>;
    return new Promise((resolve) => {
      const fail = (r: Refusal) => resolve(r);
      this.pending.add(fail);
      setTimeout(() => {
        if (!this.pending.delete(fail)) return;
        resolve(res);
      }, 0);
    });
  }

  send(event: 'presence:typing', payload: { incidentId: string; typing: boolean }): void {
    this.sent.push({ event, args: [payload] });
  }

  /** Server → client push, delivered asynchronously in order. */
  push(kind: Push['kind'], value: Push['value']): void {
    queueMicrotask(() => {
      if (!this.online) return;
      if (kind === 'op') this.listeners.op.emit(value as CommittedOp);
      else if (kind === 'summary') this.listeners.summary.emit(value as IncidentSummary);
      else if (kind === 'notice') this.listeners.notice.emit(value as IncidentNotice);
      else this.listeners.presence.emit(value as PresenceState);
    });
  }

  onOp(l: (op: CommittedOp) => void) { return this.listeners.op.add(l); }
  onPresence(l: (s: PresenceState) => void) { return this.listeners.presence.add(l); }
  onSummary(l: (s: IncidentSummary) => void) { return this.listeners.summary.add(l); }
  onNotice(l: (n: IncidentNotice) => void) { return this.listeners.notice.add(l); }
  onStatus(l: (s: TransportStatus) => void) { return this.listeners.status.add(l); }
  onHead(l: (h: HeadNotice) => void) { return this.listeners.head.add(l); }

  /** Server → client 'incident:head' (the real server's heartbeat), delivered asynchronously. */
  pushHead(notice: HeadNotice): void {
    queueMicrotask(() => {
      if (this.online) this.listeners.head.emit(notice);
    });
  }

  private setStatus(s: TransportStatus) {
    this.status = s;
    this.listeners.status.emit(s);
  }
}
