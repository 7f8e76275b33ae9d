// A crash between an op's commit and its webhook enqueue loses no event. A real `warroom serve`
// child delays each live enqueue (WARROOM_TEST_WEBHOOK_ENQUEUE_DELAY_MS, test only) and is killed
// with SIGKILL right after an op is acked, so that op is in the log but its event is not in the
// queue (checked in the file). Restarted on the same data dir, its reconcile pass queues the event:
// the receiver gets it exactly once, every other event once, all in commit order, signed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { mintInvite } from '../../scripts/childServer.ts';
import { webhookSecret } from '../../server/webhooks/sign.ts';
import { call, connect, member, op, removeDir, tempDir, until, type Client } from '../server/helpers.ts';
import { startReceiver } from './receiver.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const ENQUEUE_DELAY_MS = 1_500;

/** `warroom serve` with one webhook; resolves once it listens. */
function serve(dir: string, secret: string, webhook: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['server/cli.ts', 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn', '--backup-every-min', '0', '--webhook', webhook], {
    env: { ...process.env, WARROOM_SECRET: secret, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<void>((ok) => child.once('exit', () => ok()));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  child.stderr.on('data', (b: Buffer) => process.stderr.write(b));
  return new Promise<{ url: string; kill: () => Promise<void> }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, kill: () => (child.kill('SIGKILL'), exit) });
    });
    void exit.then(() => reject(new Error(`server exited before listening: ${out}`)));
  });
}

async function submit(c: Client, o: ReturnType<typeof op>): Promise<void> {
  const r = await call(c, 'op:submit', o);
  if (!r.ok) throw new Error(`${o.type}: ${JSON.stringify(r)}`);
}

/** What the killed process left in the queue; then its delivery lease is expired by hand (see below). */
function queuedEventIdsThenExpireLease(file: string): string[] {
  const db = new DatabaseSync(file);
  try {
    const ids = (db.prepare('SELECT event_id FROM webhook_deliveries ORDER BY event_at, event_seq').all() as { event_id: string }[]).map((r) => r.event_id);
    // The dead process's lease would keep the restarted one from sending for up to WEBHOOK_LEASE_MS
    // (30 s; each process is a new holder). Lease takeover is the queue tests' subject, not this one's.
    expect(Number(db.prepare('UPDATE webhook_leases SET expires_at = 0').run().changes)).toBe(1);
    return ids;
  } finally {
    db.close();
  }
}

describe('webhooks out across a crash', () => {
  it('SIGKILL between a commit and its enqueue: after a restart the receiver gets that event once, in order', { timeout: 90_000 }, async () => {
    const secret = randomBytes(32).toString('hex');
    const rx = await startReceiver((url) => webhookSecret(secret, url));
    cleanup.push(() => rx.close());
    const dir = tempDir('warroom-webhook-crash-');
    cleanup.push(() => removeDir(dir));

    const first = await serve(dir, secret, rx.url, { WARROOM_TEST_WEBHOOK_ENQUEUE_DELAY_MS: String(ENQUEUE_DELAY_MS) });
    const ana = await connect(first.url, { token: mintInvite(dir, secret, 'lead'), clientId: 'ana' });
    cleanup.push(() => void ana.close());
    expect(await call(ana, 'incident:create', op('incident.create', 'inc-1', 'ana', { title: 'Checkout 503s', severity: 'SEV2' }))).toMatchObject({ ok: true });
    expect(await call(ana, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 })).toMatchObject({ ok: true });
    await submit(ana, op('member.join', 'inc-1', 'ana', member('Ana')));
    await submit(ana, op('incident.status', 'inc-1', 'ana', { status: 'identified' }));
    await submit(ana, op('incident.severity', 'inc-1', 'ana', { severity: 'SEV1' }));
    await until(() => rx.accepted.length >= 3, 'the first three events', 30_000);

    // Acked means committed to the op log; its enqueue is still waiting out the delay when the kill lands.
    const update = op('timeline.add', 'inc-1', 'ana', { entryId: 'u1', kind: 'update', text: 'Rolled back the deploy.' });
    await submit(ana, update);
    await first.kill();
    ana.close();
    const lostId = `${update.opId}:incident.update_posted`;
    const queued = queuedEventIdsThenExpireLease(join(dir, 'warroom.db'));
    expect(queued, 'the kill landed between the commit and the enqueue').not.toContain(lostId);
    expect(queued).toHaveLength(3);
    expect(rx.accepted).toHaveLength(3);

    // Same data dir, no delay: the start-up reconcile queues the lost event.
    const second = await serve(dir, secret, rx.url);
    await until(() => rx.accepted.length >= 4, 'the lost event after the restart', 30_000);
    expect(rx.accepted[3]!.eventId).toBe(lostId);
    // Another member: the invite bound 'ana' to the first connection's device.
    const bo = await connect(second.url, { token: mintInvite(dir, secret, 'lead'), clientId: 'bo' });
    cleanup.push(() => void bo.close());
    expect(await call(bo, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 })).toMatchObject({ ok: true });
    await submit(bo, op('member.join', 'inc-1', 'bo', member('Bo')));
    await submit(bo, op('incident.status', 'inc-1', 'bo', { status: 'resolved' }));
    await until(() => rx.accepted.length >= 5, 'the event after the restart', 30_000);
    // Room for a duplicate to show up, if the restart were to send anything twice.
    await new Promise((r) => setTimeout(r, 2_000));

    expect(rx.accepted.map((r) => r.type)).toEqual(['incident.declared', 'incident.status_changed', 'incident.severity_changed', 'incident.update_posted', 'incident.resolved']);
    expect(new Set(rx.accepted.map((r) => r.eventId)).size).toBe(5);
    expect(rx.accepted.every((r) => r.signed)).toBe(true);
    const seqs = rx.accepted.map((r) => (JSON.parse(r.body) as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const lost = JSON.parse(rx.accepted[3]!.body) as { data: { text: string }; incident: { severity: string } };
    expect(lost.data.text).toBe('Rolled back the deploy.');
    expect(lost.incident.severity).toBe('SEV1');
  });
});
