// SIGTERM drains: a real `warroom serve` child process gets SIGTERM while a client has hundreds of
// ops in flight. Every op is answered (acked ok, or refused SHUTTING_DOWN, transient), the client
// hears 'server:draining' and its connection closes with a reason socket.io reconnects from, the
// process exits 0, and after a restart exactly the acked ops are stored.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { mintInvite, serveChild } from '../../scripts/childServer.ts';
import type { DrainNotice } from '../../shared/protocol.ts';
import { call, connect, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';

type Ack = { ok: true; seq: number } | { ok: false; code: string; message: string };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('SIGTERM drain', () => {
  it('answers every in-flight op, tells the client to reconnect, exits 0; the acked ops are stored', async () => {
    const dir = tempDir('warroom-drain-');
    cleanup.push(() => removeDir(dir));
    const secret = randomBytes(32).toString('hex');
    const token = mintInvite(dir, secret, 'lead');
    const child = await serveChild(dir, secret);
    cleanup.push(() => child.kill('SIGKILL'));
    const { url, exit } = child;
    const c = await connect(url, { token, clientId: 'lia' });
    cleanup.push(() => void c.close());
    expect(await call(c, 'incident:create', op('incident.create', 'inc-1', 'lia', { title: 'Drain me', severity: 'SEV2' }))).toMatchObject({ ok: true });
    expect(await call(c, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 })).toMatchObject({ ok: true });

    const notices: DrainNotice[] = [];
    c.on('server:draining', (n) => notices.push(n));
    const reason = new Promise<string>((ok) => c.once('disconnect', (r) => ok(r)));
    const N = 400;
    const ops = Array.from({ length: N }, (_, n) => op('timeline.add', 'inc-1', 'lia', { entryId: `n${n}`, kind: 'note', text: `note ${n}` }));
    let acks = 0;
    const pending: Promise<Ack | { ok: false; code: 'NO_ANSWER'; message: string }>[] = [];
    // A steady stream; the signal goes out after the 30th ack, while ops keep coming.
    for (const o of ops) {
      pending.push(call<Ack>(c, 'op:submit', o).then((a) => {
        if (a.ok && ++acks === 30) child.kill('SIGTERM');
        return a;
      }, (e: Error) => ({ ok: false as const, code: 'NO_ANSWER' as const, message: e.message })));
      await new Promise((r) => setTimeout(r, 2));
    }
    const answers = await Promise.all(pending);
    expect(await exit).toBe(0);
    const acked = ops.filter((_, i) => answers[i]!.ok).map((o) => o.opId);
    const codes = answers.filter((a) => !a.ok).map((a) => (a as { code: string }).code);
    expect(codes.filter((code) => code !== 'SHUTTING_DOWN' && code !== 'NO_ANSWER'), 'refusals other than SHUTTING_DOWN').toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(30);
    expect(acked.length, 'the signal came while ops were still arriving').toBeLessThan(N);
    expect(notices).toEqual([expect.objectContaining({ code: 'SHUTTING_DOWN', reconnectWithinMs: expect.any(Number) })]);
    expect(await reason).toBe('transport close');
    const shutting = codes.filter((x) => x === 'SHUTTING_DOWN').length;
    console.log(`[figures] drain: ${N} ops streamed, SIGTERM after the 30th ack: ${acked.length} acked, ${shutting} refused SHUTTING_DOWN, `
      + `${codes.length - shutting} sent after the connection closed (never received; a client resends them)`);

    // After a restart the acked ops, and only they, are in the log: no committed op lost its ack.
    const again = await startServer(dir, { secret });
    cleanup.push(() => again.close());
    // 'lia' is bound to her first connection; the same invite admits another member id.
    const reader = await connect(again.url, { token, clientId: 'auditor' });
    cleanup.push(() => void reader.close());
    const page = await call<{ ok: true; ops: { opId: string; type: string }[] }>(reader, 'incident:ops', { incidentId: 'inc-1', afterSeq: 0, limit: 1_000 });
    const stored = page.ops.filter((o) => o.type === 'timeline.add').map((o) => o.opId);
    expect(new Set(stored)).toEqual(new Set(acked));
  }, 60_000);

  it('/readyz answers 503 as soon as the drain starts; new work is refused SHUTTING_DOWN', async () => {
    const dir = tempDir('warroom-drain-');
    cleanup.push(() => removeDir(dir));
    const server = await startServer(dir);
    let closed = false;
    cleanup.push(async () => {
      if (!closed) await server.close();
    });
    const c: Client = await connect(server.url, { token: server.createToken('lead'), clientId: 'lia' });
    cleanup.push(() => void c.close());
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    // A grace period keeps the node listening (for its load balancer to notice) before it closes.
    const drained = server.drain(10_000, 1_000);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(await call<Ack>(c, 'incident:create', op('incident.create', 'late', 'lia', { title: 'Too late', severity: 'SEV3' }))).toMatchObject({ ok: false, code: 'SHUTTING_DOWN' });
    expect(await drained).toEqual({ unanswered: 0, unsentBytes: 0 });
    closed = true;
  });
});
