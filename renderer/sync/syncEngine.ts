/**
 * The sync engine: join with the last seq, fold what the server sends, resend the outbox in order,
 * and catch up on gaps. It owns no state of its own beyond per-connection bookkeeping; everything
 * the UI sees is written into the store.
 */
import type { Refusal } from '../../shared/errors.ts';
import { own, type IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { apply, replay } from '../../shared/reducer.ts';
import { incidentKey } from '../persistence/persistence.ts';
import { summarizeState } from '../persistence/persistence.ts';
import type { StoreApi } from 'zustand/vanilla';
import { seenMark, summarizeSince } from '../store/awaySummary.ts';
import type { EngineHandle, StoreCtx } from '../store/context.ts';
import { markSeen } from '../store/preferencesSlice.ts';
import type { LastSeen, WarRoomState } from '../store/types.ts';
import { computeView } from '../store/view.ts';
import { flushOtherIncidents } from './backgroundFlush.ts';
import { refreshIncidentList } from './incidentList.ts';
import { parseJoinResult, type ParsedJoin } from './inbound.ts';
import { assembleJoin } from '../../shared/snapshotPages.ts';
import { transient } from './refusals.ts';
import { BACKGROUND_KEY, createRetries, JOIN_KEY } from './retries.ts';
import { notifyForNotice, notifyForOps } from './notify.ts';
import { watchHeads } from './headWatch.ts';
import { CATCH_UP_AFTER_ACK_MS, MARK_SEEN_DEBOUNCE_MS } from '../../shared/constants.ts';
import type { RequestResult, TransportStatus } from './transport.ts';
import { singleFlight } from './singleFlight.ts';

export interface SyncEngine extends EngineHandle {
  /** Joins (or catches up) the open incident now, if connected. */
  join(): Promise<void>;
  /** Sends the outbox in order, if live. Resolves when the pass ends. */
  flush(): Promise<void>;
  /** Sends edits queued in other (not open) incidents; resolves with how many were confirmed. */
  flushOthers(): Promise<number>;
  /** Resolves once no join or flush is running (for tests and shutdown). */
  idle(): Promise<void>;
  dispose(): void;
}

/** Whether the incident list row would change (kept cheap: most ops touch none of these). */
function listChanged(prev: IncidentState | null, next: IncidentState): boolean {
  if (!prev) return true;
  return prev.title !== next.title || prev.severity !== next.severity || prev.status !== next.status
    || prev.roles.commander !== next.roles.commander
    || (prev.members !== next.members && Object.keys(prev.members).length !== Object.keys(next.members).length);
}

export function createSyncEngine(api: StoreApi<WarRoomState>, ctx: StoreCtx): SyncEngine {
  const { transport } = ctx;
  const get = api.getState;
  const set = (p: Partial<WarRoomState>) => api.setState(p);
  /** Bumped when the open incident or the connection changes; stale async work checks it. */
  let epoch = 0;
  /** One join at a time; a request during one runs another right after (with the then-current epoch). */
  const joins = singleFlight(() => doJoin(epoch), () => {
    if (get().syncPhase === 'live') void flush();
  });
  /** One flush at a time, so ops leave in outbox order. */
  const flushes = singleFlight(() => doFlush(epoch));
  function join(): Promise<void> {
    return joins.run();
  }
  function flush(): Promise<void> {
    return flushes.run();
  }
  let joinedOnce = false;
  /** Bumped on every connection change only (background work is per connection, not per incident). */
  let connEpoch = 0;
  let background: Promise<number> | null = null;
  let awayBase: LastSeen | undefined;
  const acked = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let seenTimer: ReturnType<typeof setTimeout> | null = null;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const connected = () => transport.status.kind === 'connected';
  const retries = createRetries(get, later);
  const retryLater = (key: string, res: Refusal, myEpoch: number, again: () => void) =>
    retries.schedule(key, res, () => myEpoch === epoch, again);
  const key = () => incidentKey(get().prefs.serverUrl ?? '', get().incidentId ?? '');

  function noteRtt() {
    if (transport.rttMs !== get().rttMs) set({ rttMs: transport.rttMs });
  }

  function markSeenSoon() {
    if (seenTimer) return;
    seenTimer = setTimeout(() => {
      seenTimer = null;
      const s = get();
      if (s.incidentId && s.committed && s.syncPhase === 'live') markSeen(get, set, ctx, key(), seenMark(s.committed, s.prefs.clientId));
    }, MARK_SEEN_DEBOUNCE_MS);
  }

  /** Removes ops from the outbox (acked or refused) and recomputes the view. */
  function dropFromOutbox(opIds: ReadonlySet<string>) {
    const s = get();
    const outbox = s.outbox.filter((o) => !opIds.has(o.opId));
    if (outbox.length === s.outbox.length) return;
    for (const id of opIds) acked.delete(id);
    set({ outbox, view: computeView(s.committed, s.headSeq, outbox) });
    void ctx.saver.saveNow();
  }

  /** Folds committed ops in seq order; duplicates are skipped, a gap triggers a catch-up join. */
  function fold(ops: readonly CommittedOp[], live: boolean) {
    const s = get();
    let head = s.headSeq;
    let gap = false;
    const run: CommittedOp[] = [];
    for (const op of ops) {
      if (op.seq <= head) continue;
      if (op.seq !== head + 1) {
        gap = true;
        break;
      }
      run.push(op);
      head = op.seq;
    }
    if (run.length > 0) {
      const committed = foldRun(s.committed, run);
      let outbox = s.outbox;
      if (outbox.length > 0) {
        const ids = new Set(run.map((o) => o.opId));
        outbox = outbox.filter((o) => !ids.has(o.opId));
        if (outbox.length === s.outbox.length) outbox = s.outbox;
        for (const id of ids) {
          acked.delete(id);
          retries.forget(id);
        }
      }
      // One store update (and one view recompute) per batch, however many ops it holds.
      set({ committed, headSeq: head, outbox, view: computeView(committed, head, outbox) });
      // A change set aside to the tray that the server had taken after all: it is not unsent.
      if (get().unsent.length > 0) for (const o of run) if (get().unsent.some((i) => i.id === o.opId)) get().dismissUnsent(o.opId);
      if (committed && listChanged(s.committed, committed)) {
        set({ incidents: { ...get().incidents, [committed.id]: { ...summarizeState(committed), online: own(get().incidents, committed.id)?.online ?? 0 } } });
      }
      if (outbox !== s.outbox) void ctx.saver.saveNow();
      else ctx.saver.schedule(run.length);
      if (live) {
        markSeenSoon();
        notifyForOps(get(), ctx, run);
      }
    }
    if (gap) void join();
  }

  /**
   * Folds a contiguous run onto `from` without mutating it. Several ops go through replay(), which
   * copies the timeline once and folds in place (apply() copies it per op: O(entries) each). A
   * committed op the reducer refuses is skipped and logged, as the server's engine does when it
   * folds its log (server/engine.ts fold()): the server's state skipped it too, so reloading from
   * the server would only meet it again.
   */
  function foldRun(from: IncidentState | null, run: readonly CommittedOp[]): IncidentState | null {
    let state = from;
    let rest = run;
    while (rest.length > 0) {
      if (rest.length === 1) {
        const r = apply(state, rest[0]!);
        if (r.ok) return r.state;
        skipped(rest[0]!, r);
        return state;
      }
      const r = replay(rest, state);
      if (r.ok) return r.state;
      const i = rest.findIndex((o) => o.seq === r.seq);
      if (i < 0) return state;
      // Deterministic: the ops before the refused one fold as they did inside replay().
      const before = replay(rest.slice(0, i), state);
      if (before.ok) state = before.state;
      skipped(rest[i]!, r);
      rest = rest.slice(i + 1);
    }
    return state;
  }

  function skipped(op: CommittedOp, r: Refusal) {
    console.warn(`War Room: committed op ${op.seq} (${op.type}) refused by the reducer (${r.code}); skipped, as the server does.`);
  }

  function applyJoin(j: ParsedJoin, myEpoch: number) {
    if (myEpoch !== epoch) return;
    ctx.saver.joined();
    if (j.snapshot && j.snapshot.seq > get().headSeq) {
      const s = get();
      set({ committed: j.snapshot.state, headSeq: j.snapshot.seq, view: computeView(j.snapshot.state, j.snapshot.seq, s.outbox) });
      ctx.saver.schedule();
    }
    fold(j.ops, false);
    set({ access: j.access, syncPhase: 'live' });
    if (!joinedOnce) {
      joinedOnce = true;
      const s = get();
      const me = s.prefs.clientId;
      if (s.committed) {
        set({ awaySummary: summarizeSince(s.committed, awayBase, { id: me, skills: own(s.committed.members, me)?.skills ?? s.prefs.skills }) });
        markSeen(get, set, ctx, key(), seenMark(s.committed, s.prefs.clientId));
      }
      const joinQueued = s.outbox.some((o) => o.type === 'member.join');
      if (j.access !== 'viewer' && s.view && !own(s.view.members, me) && !joinQueued) get().joinAsMember();
    }
  }

  async function doJoin(myEpoch: number) {
    const s = get();
    const incidentId = s.incidentId;
    // Until the local copy is loaded, a join would fold onto nothing and then be overwritten.
    if (!incidentId || !connected() || s.syncPhase === 'loading') return;
    if (!joinedOnce) set({ syncPhase: 'joining' });
    const first = s.outbox[0];
    if (s.committed === null && s.headSeq === 0 && first?.type === 'incident.create' && !acked.has(first.opId)) {
      const res = await transport.request('incident:create', first);
      if (myEpoch !== epoch) return;
      if (!res.ok) {
        if (transient(res.code)) {
          if (res.code !== 'SERVER_UNREACHABLE') retryLater(first.opId, res, myEpoch, () => void join());
          return;
        }
        // Nothing of an incident that was never created can be sent: all of it goes to the tray.
        await get().keepUnsent(get().outbox, res);
        if (myEpoch !== epoch) return;
        get().pushNotice({ kind: 'refused', code: res.code, opType: 'incident.create', message: res.message });
        set({ outbox: [], view: null });
        get().closeIncident();
        return;
      }
      retries.took(first.opId);
      acked.set(first.opId, res.seq);
    }
    // A big snapshot comes in pages (no message over SNAPSHOT_PAGE_BYTES); assembleJoin makes it one answer again.
    const res = (await assembleJoin((e, req) => transport.request(e, req), incidentId,
      await transport.request('incident:join', { incidentId, sinceSeq: get().headSeq, snapshotPages: true }))) as RequestResult<'incident:join'> | Refusal;
    noteRtt();
    if (myEpoch !== epoch) return;
    if (!res.ok) {
      if (res.code === 'INCIDENT_NOT_FOUND') set({ syncPhase: 'not-found' });
      else if (res.code === 'FORBIDDEN_INCIDENT' || res.code === 'AUTH_INVALID') set({ syncPhase: 'forbidden' });
      if (!transient(res.code)) get().pushNotice({ kind: 'error', code: res.code, opType: null, message: res.message });
      // A store outage refuses joins too: try again, or the incident would wait for the next reconnect.
      else if (res.code !== 'SERVER_UNREACHABLE') retryLater(JOIN_KEY, res, myEpoch, () => void join());
      return;
    }
    retries.took(JOIN_KEY);
    const parsed = parseJoinResult(res, incidentId);
    if (!parsed.ok) {
      get().pushNotice({ kind: 'error', code: 'INVALID_OP', opType: null, message: parsed.message });
      return;
    }
    applyJoin(parsed.value, myEpoch);
  }


  /** Refused for good: into the unsent tray (on disk first), then out of the outbox. */
  async function refused(op: Op, res: Refusal) {
    // Escalations race between clients by design; a refusal only means someone got there first.
    if (op.type !== 'help.escalate') {
      await get().keepUnsent([op], res);
      get().pushNotice({ kind: 'refused', code: res.code, opType: op.type, message: res.message });
    }
    dropFromOutbox(new Set([op.opId]));
  }

  async function doFlush(myEpoch: number) {
    for (;;) {
      if (myEpoch !== epoch || !connected() || get().syncPhase !== 'live') return;
      const op = get().outbox.find((o) => !acked.has(o.opId));
      if (!op) return;
      const res = await transport.request('op:submit', op);
      noteRtt();
      if (myEpoch !== epoch) return;
      if (res.ok) {
        retries.took(op.opId);
        if (res.seq <= get().headSeq) dropFromOutbox(new Set([op.opId]));
        else {
          acked.set(op.opId, res.seq);
          later(CATCH_UP_AFTER_ACK_MS, () => {
            if (myEpoch === epoch && get().headSeq < res.seq) void join();
          });
        }
        continue;
      }
      if (!transient(res.code)) {
        await refused(op, res);
        continue;
      }
      if (res.code === 'SERVER_UNREACHABLE') return;
      if (res.code === 'NOT_JOINED') {
        void join();
        return;
      }
      // The op keeps its place at the head of the outbox (ops leave in order) and goes again later.
      retryLater(op.opId, res, myEpoch, () => void flush());
      return;
    }
  }


  function onStatus(status: TransportStatus) {
    const was = get().connection.kind;
    const lastConnectionError = status.kind === 'refused' ? status.message
      : status.kind === 'reconnecting' ? status.lastError ?? get().lastConnectionError : get().lastConnectionError;
    set({ connection: status, lastConnectionError: status.kind === 'connected' ? null : lastConnectionError });
    if (status.kind === 'connected' && was !== 'connected') {
      epoch++;
      connEpoch++;
      acked.clear();
      retries.forget();
      void refreshIncidents();
      void join();
      void flushOthers();
    } else if (status.kind !== 'connected' && was === 'connected') {
      epoch++;
      connEpoch++;
      // The indicator now tells of the connection itself; the next server's answers say the rest.
      get().setServerTrouble(null);
      if (get().syncPhase === 'live' || get().syncPhase === 'joining') set({ syncPhase: 'local' });
      set({ presence: {} });
    }
  }

  function flushOthers(): Promise<number> {
    if (background) return background;
    const mine = connEpoch;
    let refusal: Refusal | null = null;
    background = flushOtherIncidents(get, ctx, () => mine === connEpoch && connected(), (res) => {
      refusal = res;
    }).finally(() => {
      background = null;
      // Edits of closed incidents are words too: a store outage delays them, never strands them.
      if (!refusal) retries.forget(BACKGROUND_KEY);
      else retries.schedule(BACKGROUND_KEY, refusal, () => mine === connEpoch && connected(), () => void flushOthers());
    });
    return background;
  }

  const refreshIncidents = () => refreshIncidentList(api, ctx);

  const unsubs = [
    transport.onStatus(onStatus),
    transport.onOp((op) => {
      if (op.incidentId !== get().incidentId) return;
      const s = get();
      if (op.seq <= s.headSeq) return;
      if (op.seq > s.headSeq + 1 || joins.running) {
        // A gap: the join (running or new) brings everything up to the head.
        if (!joins.running || op.seq > s.headSeq + 1) void join();
        if (op.seq > s.headSeq + 1) return;
      }
      fold([op], s.syncPhase === 'live');
    }),
    transport.onPresence((p) => {
      if (p.incidentId !== get().incidentId) return;
      set({ presence: Object.fromEntries(p.members.map((m) => [m.clientId, m])) });
    }),
    transport.onSummary((summary) => {
      set({ incidents: { ...get().incidents, [summary.id]: summary } });
    }),
    watchHeads(api, transport, later, () => void join(), () => void (get().syncPhase === 'live' ? flush() : join())),
    transport.onNotice?.((notice) => notifyForNotice(get(), ctx, notice)) ?? (() => undefined),
  ];

  return {
    incidentChanged() {
      epoch++;
      // A heartbeat's word was about the incident that was open.
      if (get().serverTrouble?.source === 'head') get().setServerTrouble(null);
      acked.clear();
      retries.forget();
      joinedOnce = false;
      const s = get();
      awayBase = s.incidentId ? s.prefs.lastSeen[key()] : undefined;
      if (s.incidentId && connected()) void join();
      // What the closed incident still had queued goes out in the background (once it is on disk).
      if (!s.incidentId && connected()) void ctx.saver.saveAll().then(flushOthers, () => undefined);
    },
    kick() {
      if (connected() && get().syncPhase === 'live') void flush();
    },
    connect(serverUrl, token, session) {
      transport.connect(serverUrl, {
        token, clientId: get().prefs.clientId, ...(session ? { session } : {}),
        onSessionToken: (grant) => get().adoptSessionToken(grant.token, grant.clientId),
      });
    },
    disconnect() {
      transport.disconnect();
    },
    refreshIncidents,
    leave(incidentId) {
      if (connected()) void transport.request('incident:leave', { incidentId });
    },
    async ping() {
      if (!connected()) return;
      await transport.request('session:whoami');
      noteRtt();
    },
    join,
    flush,
    flushOthers,
    async idle() {
      while (joins.running || flushes.running || background) await (joins.running ?? flushes.running ?? background);
    },
    dispose() {
      epoch++;
      for (const u of unsubs) u();
      for (const t of timers) clearTimeout(t);
      if (seenTimer) clearTimeout(seenTimer);
    },
  };
}
