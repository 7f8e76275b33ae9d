// Outbound webhooks: a receiver that fails its first attempts, is down across a server restart,
// and still gets every event once, in order, signed. Then two PostgreSQL nodes deliver once.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../server/config.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { createPostgresWebhookQueue } from '../../server/webhooks/queuePostgres.ts';
import { webhookSecret } from '../../server/webhooks/sign.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, until, type Client } from '../server/helpers.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, uniqueName } from '../scaleout/services.ts';
import { startReceiver } from './receiver.ts';

const pgUp = await postgresAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const FAST = { retryBaseMs: 50, retryMaxMs: 400, pollMs: 50, leaseMs: 2_000, settleMs: 200 };
const SECRET = randomBytes(32).toString('hex');

async function submit(c: Client, o: ReturnType<typeof op>): Promise<void> {
  const r = await call(c, 'op:submit', o);
  if (!r.ok) throw new Error(`${o.type}: ${JSON.stringify(r)}`);
}

async function lead(server: WarRoomServer, incidentId: string, create: boolean): Promise<Client> {
  // A session, not an invite: ana reconnects after the restart and from the other node.
  const c = await connect(server.url, { token: server.createSession('ana', 'lead'), clientId: 'ana' });
  cleanup.push(() => void c.close());
  if (create) await call(c, 'incident:create', op('incident.create', incidentId, 'ana', { title: 'Checkout 503s', severity: 'SEV2' }));
  await call(c, 'incident:join', { incidentId, sinceSeq: 0 });
  return c;
}

const EXPECTED = ['incident.declared', 'incident.role_changed', 'incident.status_changed', 'incident.severity_changed', 'incident.update_posted', 'help.asked', 'help.escalated', 'help.escalated', 'incident.resolved'];

describe('webhooks out', () => {
  it('a receiver failing, then down across a restart, gets every event once, in order, signed', { timeout: 60_000 }, async () => {
    const rx = await startReceiver((url) => webhookSecret(SECRET, url));
    cleanup.push(() => rx.close());
    // Down (503 to everything) from the start until after the restart.
    rx.setDown(true);
    const dir = tempDir('warroom-webhooks-');
    cleanup.push(() => removeDir(dir));
    const config: Partial<ServerConfig> = { secret: SECRET, webhooks: [{ url: rx.url, format: 'json' }], webhookTiming: FAST, escalateAfterMin: 0.005, dutyScanMs: 100 };
    let server = await startServer(dir, config);
    const ana = await lead(server, 'inc-1', true);
    await submit(ana, op('member.join', 'inc-1', 'ana', member('Ana')));
    await submit(ana, op('incident.role', 'inc-1', 'ana', { role: 'commander', memberId: 'ana' }));
    await submit(ana, op('incident.status', 'inc-1', 'ana', { status: 'identified' }));
    await submit(ana, op('incident.severity', 'inc-1', 'ana', { severity: 'SEV1' }));
    await submit(ana, op('timeline.add', 'inc-1', 'ana', { entryId: 'u1', kind: 'update', text: 'We found it.' }));
    await submit(ana, op('timeline.add', 'inc-1', 'ana', { entryId: 'n1', kind: 'note', text: 'not an event' }));
    await submit(ana, op('help.ask', 'inc-1', 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'anyone?' }));
    // The escalations (0.3 s, then 0.6 s) are written by the server itself.
    await until(() => server.incidentState('inc-1')?.help.h1?.escalation === 2, 'escalation');
    await until(() => rx.attempts() >= 3, 'three failed attempts', 20_000);
    ana.close();
    await server.close();
    expect(rx.accepted).toEqual([]);

    server = await startServer(dir, config);
    cleanup.push(() => server.close());
    const again = await lead(server, 'inc-1', false);
    await submit(again, op('incident.status', 'inc-1', 'ana', { status: 'resolved' }));
    await new Promise((r) => setTimeout(r, 500));
    const status = (await server.duties.dispatcher!.status())[0]!;
    expect(status.pending).toBe(EXPECTED.length);
    expect(status.lastStatus).toBe(503);
    rx.setDown(false);
    await until(() => rx.accepted.length >= EXPECTED.length, 'every event', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.accepted.map((r) => r.type)).toEqual(EXPECTED);
    expect(new Set(rx.accepted.map((r) => r.eventId)).size).toBe(EXPECTED.length);
    expect(rx.accepted.every((r) => r.signed)).toBe(true);
    const seqs = rx.accepted.map((r) => (JSON.parse(r.body) as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(rx.attempts()).toBeGreaterThan(EXPECTED.length + 3);
    const after = (await server.duties.dispatcher!.status())[0]!;
    expect(after).toMatchObject({ pending: 0, delivered: EXPECTED.length, dead: 0, lastStatus: 204 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/warroom_webhook_deliveries_total\{webhook="wh_[0-9a-f]+",result="delivered"\} \d+/);
    const admin = await fetch(`${server.url}/admin/webhooks`, { headers: { authorization: `Bearer ${server.createToken('lead')}` } });
    expect(((await admin.json()) as { webhooks: { delivered: number }[] }).webhooks[0]!.delivered).toBe(EXPECTED.length);
    expect((await fetch(`${server.url}/admin/webhooks`, { headers: { authorization: `Bearer ${server.createToken('responder')}` } })).status).toBe(401);
  });

  it('a slack: webhook gets a { text } body', { timeout: 30_000 }, async () => {
    const rx = await startReceiver((url) => webhookSecret(SECRET, url));
    cleanup.push(() => rx.close());
    const dir = tempDir('warroom-webhooks-');
    cleanup.push(() => removeDir(dir));
    const server = await startServer(dir, { secret: SECRET, webhooks: [{ url: rx.url, format: 'slack' }], webhookTiming: FAST });
    cleanup.push(() => server.close());
    await lead(server, 'inc-1', true);
    await until(() => rx.accepted.length === 1, 'the declared event', 20_000);
    expect(JSON.parse(rx.accepted[0]!.body)).toEqual({ text: '[War Room] Incident declared (SEV2): Checkout 503s' });
  });

  describe.skipIf(!pgUp)('two PostgreSQL nodes', () => {
    it('deliver each event once between them, in order', { timeout: 60_000 }, async () => {
      const schema = uniqueName('wr_hooks');
      cleanup.push(() => dropSchema(schema));
      const rx = await startReceiver((url) => webhookSecret(SECRET, url), { failFirst: 2 });
      cleanup.push(() => rx.close());
      const nodes: WarRoomServer[] = [];
      for (let i = 0; i < 2; i++) {
        const dir = tempDir('warroom-webhooks-node-');
        const node = await startServer(dir, { secret: SECRET, webhooks: [{ url: rx.url, format: 'json' }], webhookTiming: FAST }, {
          store: createPostgresStore({ connectionString: DATABASE_URL, schema }),
          access: createPostgresAccess({ connectionString: DATABASE_URL, schema }),
          webhookQueue: createPostgresWebhookQueue({ connectionString: DATABASE_URL, schema }),
        });
        cleanup.push(async () => {
          await node.close();
          removeDir(dir);
        });
        nodes.push(node);
      }
      const a = await lead(nodes[0]!, 'inc-1', true);
      const b = await lead(nodes[1]!, 'inc-1', false);
      await submit(b, op('member.join', 'inc-1', 'ana', member('Ana')));
      await submit(a, op('incident.status', 'inc-1', 'ana', { status: 'identified' }));
      await submit(b, op('incident.severity', 'inc-1', 'ana', { severity: 'SEV1' }));
      await submit(a, op('incident.status', 'inc-1', 'ana', { status: 'monitoring' }));
      await submit(b, op('incident.status', 'inc-1', 'ana', { status: 'resolved' }));
      const want = ['incident.declared', 'incident.status_changed', 'incident.severity_changed', 'incident.status_changed', 'incident.resolved'];
      await until(() => rx.accepted.length >= want.length, 'every event', 30_000);
      await new Promise((r) => setTimeout(r, 800));
      expect(rx.accepted.map((r) => r.type)).toEqual(want);
      expect(new Set(rx.accepted.map((r) => r.eventId)).size).toBe(want.length);
      expect(rx.accepted.every((r) => r.signed)).toBe(true);
    });
  });
});
