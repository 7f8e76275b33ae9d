/**
 * A joining client process: a fresh socket.io connection, incident:join with the seq it already
 * has, then the renderer's own parse (renderer/sync/inbound.ts: every op checked by zod, the
 * snapshot's shape checked) and a fold with the shared reducer until it holds the head state:
 * replay() for a run of ops, apply() for one, as renderer/sync/syncEngine.ts foldRun() does.
 * The same code joins War Room and the relay baseline; it asks for a big snapshot in pages
 * (shared/snapshotPages.ts, as the app does), which War Room sends and the relay ignores.
 */
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import { apply, replay } from '../../shared/reducer.ts';
import { parseJoinResult } from '../../renderer/sync/inbound.ts';
import { assembleJoin, isPagedJoin } from '../../shared/snapshotPages.ts';
import { serveChild } from '../lib/proc.ts';

const bases = new Map<string, IncidentState>();

interface MeasureArgs { url: string; token: string; incidentId: string; baseKey: string | null; sinceSeq: number; expectHead: number; reps: number; warmup: number }
/**
 * `answerBytes`: the largest engine.io packet that arrived while joining (the join answer, or its
 * largest page when the snapshot came in pages); `totalBytes`: all of them.
 */
export interface JoinTiming { connectMs: number; ackMs: number; foldMs: number; totalMs: number; snapshot: boolean; ops: number; answerBytes: number; totalBytes: number; pages: number }

async function once(a: MeasureArgs, n: number): Promise<JoinTiming> {
  const base = a.baseKey ? bases.get(a.baseKey) ?? null : null;
  const t0 = performance.now();
  const socket = io(a.url, {
    transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000,
    // A fresh member id per connection: an invite cannot claim an id it already bound (each join measures a first join).
    auth: { token: a.token, protocol: PROTOCOL_VERSION, clientId: `joiner${n}-${randomUUID().slice(0, 8)}` },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    let answerBytes = 0;
    let totalBytes = 0;
    // The engine.io packets that arrive while joining: the answer (and its pages), plus any presence frame.
    const count = (p: { data?: unknown }) => {
      const n = typeof p.data === 'string' ? p.data.length : p.data instanceof ArrayBuffer || ArrayBuffer.isView(p.data) ? p.data.byteLength : 0;
      answerBytes = Math.max(answerBytes, n);
      totalBytes += n;
    };
    socket.io.engine.on('packet', count);
    const t1 = performance.now();
    const first: unknown = await socket.timeout(60_000).emitWithAck('incident:join', { incidentId: a.incidentId, sinceSeq: a.sinceSeq, snapshotPages: true });
    const pages = isPagedJoin(first) ? (first as { snapshot: { pages: number } }).snapshot.pages : 0;
    const res = await assembleJoin((event, req) => socket.timeout(60_000).emitWithAck(event, req), a.incidentId, first);
    const t2 = performance.now();
    socket.io.engine.off('packet', count);
    if (!(res as { ok?: boolean }).ok) throw new Error(`join refused: ${JSON.stringify(res).slice(0, 200)}`);
    const parsed = parseJoinResult(res, a.incidentId);
    if (!parsed.ok) throw new Error(parsed.message);
    let state: IncidentState | null = parsed.value.snapshot ? parsed.value.snapshot.state : base;
    const ops = parsed.value.ops;
    if (ops.length === 1) {
      const r = apply(state, ops[0]!);
      if (!r.ok) throw new Error(`op ${ops[0]!.seq} refused while folding: ${r.code}`);
      state = r.state;
    } else if (ops.length > 1) {
      const r = replay(ops, state);
      if (!r.ok) throw new Error(`op ${r.seq} refused while folding: ${r.code}`);
      state = r.state;
    }
    const t3 = performance.now();
    if (state?.headSeq !== a.expectHead) throw new Error(`reached seq ${state?.headSeq}, expected ${a.expectHead}`);
    return { connectMs: t1 - t0, ackMs: t2 - t1, foldMs: t3 - t2, totalMs: t3 - t0, snapshot: parsed.value.snapshot !== null, ops: parsed.value.ops.length, answerBytes, totalBytes, pages };
  } finally {
    socket.close();
  }
}

serveChild({
  setBase: (a: { key: string; state: IncidentState }) => {
    bases.set(a.key, a.state);
    return true;
  },
  measure: async (a: MeasureArgs) => {
    const out: JoinTiming[] = [];
    for (let i = 0; i < a.warmup + a.reps; i++) {
      const t = await once(a, i);
      if (i >= a.warmup) out.push(t);
      (globalThis as { gc?: () => void }).gc?.();
    }
    return out;
  },
}, { pid: process.pid });
