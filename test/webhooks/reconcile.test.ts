// The reconcile pass on the SQLite store and queue: it queues the events of ops inside the window
// (and only those), folds from a snapshot before the window, fills a hole a crash left in the
// queue in commit order, and re-running it (same process or a restarted one) adds nothing and
// never resets a delivered row.
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_RECONCILE_WINDOW_MS } from '../../shared/constants.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { replay } from '../../shared/reducer.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { eventOf } from '../../server/webhooks/events.ts';
import type { WebhookQueue } from '../../server/webhooks/queue.ts';
import { createSqliteWebhookQueue } from '../../server/webhooks/queueSqlite.ts';
import { createReconciler, type ReconcileStore } from '../../server/webhooks/reconcile.ts';
import { member, op, removeDir, tempDir } from '../server/helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const WH = ['wh_a', 'wh_b'];
const quiet = { warn: () => undefined, info: () => undefined };

/** Six ops of inc-1: three 20 min ago (outside the window), three in the last 5 min. */
function opsOfIncident(): CommittedOp[] {
  const raw = [
    op('incident.create', 'inc-1', 'ana', { title: 'Checkout 503s', severity: 'SEV2' }),
    op('member.join', 'inc-1', 'ana', member('Ana')),
    op('incident.status', 'inc-1', 'ana', { status: 'identified' }),
    op('incident.severity', 'inc-1', 'ana', { severity: 'SEV1' }),
    op('timeline.add', 'inc-1', 'ana', { entryId: 'u1', kind: 'update', text: 'Rolled back.' }),
    op('incident.status', 'inc-1', 'ana', { status: 'resolved' }),
  ];
  const times = [NOW - 21 * MIN, NOW - 20 * MIN, NOW - 20 * MIN, NOW - 5 * MIN, NOW - 4 * MIN, NOW - 3 * MIN];
  return raw.map((o, i) => ({ ...o, seq: i + 1, serverTime: times[i]! }) as CommittedOp);
}

async function setup() {
  const dir = tempDir('warroom-reconcile-');
  cleanup.push(() => removeDir(dir));
  const file = join(dir, 'warroom.db');
  const store = createSqliteStore({ file });
  await store.open();
  cleanup.push(() => store.close());
  const ops = opsOfIncident();
  await store.append(ops);
  // A snapshot at seq 2, before the window: the fold starts there, not at seq 0.
  const s2 = replay(ops.slice(0, 2));
  if (!s2.ok || !s2.state) throw new Error('replay failed');
  await store.saveSnapshot({ incidentId: 'inc-1', seq: 2, state: s2.state });
  const queue = createSqliteWebhookQueue(file);
  await queue.open();
  cleanup.push(() => queue.close());
  const rows = () => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return db.prepare('SELECT webhook_id, event_id, event, state FROM webhook_deliveries ORDER BY webhook_id, event_at, event_seq, id').all() as
        { webhook_id: string; event_id: string; event: string; state: string }[];
    } finally {
      db.close();
    }
  };
  return { store, queue, ops, rows };
}

function reconcilerOn(store: ReconcileStore, queue: WebhookQueue, pageOps = 2) {
  const reads: number[] = [];
  const spied: ReconcileStore = { ...store, readOps: (id, after, limit) => (reads.push(after), store.readOps(id, after, limit)) };
  const r = createReconciler({
    store: spied, logger: quiet, now: () => NOW, pageOps,
    enqueue: (o, e) => queue.enqueue(WH, e.id, JSON.stringify(e), { at: o.serverTime, seq: o.seq }, NOW),
  });
  return { r, reads };
}

/** The event the live path would have queued: the state after the op. */
function expectedEvent(ops: CommittedOp[], seq: number) {
  const s = replay(ops.slice(0, seq));
  if (!s.ok) throw new Error('replay failed');
  return eventOf(ops[seq - 1]!, s.state)!;
}

describe('webhook reconcile (SQLite)', () => {
  it('queues the events of ops in the window only, folded from the snapshot before it', async () => {
    const { store, queue, ops, rows } = await setup();
    const { r, reads } = reconcilerOn(store, queue);
    expect(WEBHOOK_RECONCILE_WINDOW_MS).toBe(15 * MIN);
    expect(await r.pass()).toEqual({ incidents: 1, events: 3, added: 6 });
    const want = [4, 5, 6].map((seq) => expectedEvent(ops, seq));
    expect(want.map((e) => e.type)).toEqual(['incident.severity_changed', 'incident.update_posted', 'incident.resolved']);
    for (const wh of WH) {
      const mine = rows().filter((x) => x.webhook_id === wh);
      expect(mine.map((x) => x.event_id)).toEqual(want.map((e) => e.id));
      expect(mine.map((x) => JSON.parse(x.event) as unknown)).toEqual(want);
    }
    // The fold read from the snapshot (seq 2) on; only the backward walk looked further back.
    const foldReads = reads.slice(reads.lastIndexOf(2));
    expect(foldReads.every((after) => after >= 2)).toBe(true);
    expect(reads).not.toContain(0);
  });

  it('fills the hole a crash left, in commit order; re-running adds nothing and keeps delivered rows', async () => {
    const { store, queue, ops, rows } = await setup();
    // The live path queued seq 4 (delivered since) and seq 6; seq 5's enqueue was lost to a crash.
    for (const seq of [4, 6]) {
      const e = expectedEvent(ops, seq);
      await queue.enqueue(WH, e.id, JSON.stringify(e), { at: e.at, seq }, NOW);
    }
    const first = await queue.head('wh_a');
    expect(first?.eventId).toBe(expectedEvent(ops, 4).id);
    await queue.delivered(first!.id, 204, NOW);

    const { r } = reconcilerOn(store, queue);
    expect(await r.pass()).toEqual({ incidents: 1, events: 3, added: 2 });
    // Next out on wh_a is the lost seq 5, ahead of seq 6 (order is commit order, not insert order).
    expect((await queue.head('wh_a'))?.eventId).toBe(expectedEvent(ops, 5).id);
    const before = rows();
    expect(before.filter((x) => x.webhook_id === 'wh_a').map((x) => x.state)).toEqual(['delivered', 'pending', 'pending']);

    // Same process: the incident's head has not moved, so nothing is derived again.
    expect(await r.pass()).toEqual({ incidents: 1, events: 0, added: 0 });
    // A restarted process (fresh reconciler) derives them again; the queue keeps every row as it was.
    expect(await reconcilerOn(store, queue, 200).r.pass()).toEqual({ incidents: 1, events: 3, added: 0 });
    expect(rows()).toEqual(before);
  });

  it('after an outage longer than the window, the start-up pass reaches back to where the queue stops', async () => {
    const { store, queue, ops } = await setup();
    expect(await queue.newestEventAt()).toBeNull();
    // Seq 4 was queued, then the process died and stayed down 30 min: seqs 5 and 6 fell out of the window.
    const e4 = expectedEvent(ops, 4);
    await queue.enqueue(WH, e4.id, JSON.stringify(e4), { at: e4.at, seq: 4 }, NOW);
    expect(await queue.newestEventAt()).toBe(NOW - 5 * MIN);
    const later = () => createReconciler({
      store, logger: quiet, now: () => NOW + 30 * MIN,
      enqueue: (o, e) => queue.enqueue(WH, e.id, JSON.stringify(e), { at: o.serverTime, seq: o.seq }, NOW + 30 * MIN),
    });
    expect(await later().pass(), 'the window alone').toEqual({ incidents: 1, events: 0, added: 0 });
    expect(await later().pass(() => false, await queue.newestEventAt())).toEqual({ incidents: 1, events: 3, added: 4 });
    expect((await queue.head('wh_b'))?.eventId).toBe(e4.id);
  });

  it('an incident with nothing in the window costs a head query and one op read', async () => {
    const { store, queue } = await setup();
    const reads: number[] = [];
    const spied: ReconcileStore = { ...store, readOps: (id, after, limit) => (reads.push(after), store.readOps(id, after, limit)) };
    const later = createReconciler({
      store: spied, logger: quiet, now: () => NOW + 30 * MIN,
      enqueue: () => Promise.reject(new Error('nothing should be queued')),
    });
    expect(await later.pass()).toEqual({ incidents: 1, events: 0, added: 0 });
    expect(reads).toEqual([5]);
    expect(await queue.status()).toEqual([]);
  });
});
