/**
 * Two server nodes on one PostgreSQL schema: a member id bound on one node is bound on the other,
 * a session from one works on the other, and a revocation made through either ends the sockets
 * of both within 5 s.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEnded } from '../../shared/protocol.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, redeemInvite, refusalOf, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, uniqueName } from '../scaleout/services.ts';

const pgUp = await postgresAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startNode(schema: string, secret: string): Promise<WarRoomServer> {
  const dir = tempDir('warroom-id-node-');
  const node = await startServer(dir, { secret }, {
    store: createPostgresStore({ connectionString: DATABASE_URL, schema }),
    access: createPostgresAccess({ connectionString: DATABASE_URL, schema }),
  });
  cleanup.push(async () => {
    await node.close();
    removeDir(dir);
  });
  return node;
}

async function redeem(url: string, token: string, clientId: string) {
  const r = await redeemInvite(url, token, clientId);
  open.push(r.socket);
  return r;
}

describe.skipIf(!pgUp)('identity across two PostgreSQL nodes', () => {
  it('bindings, sessions and revocations are shared by both nodes', async () => {
    const schema = uniqueName('wr_ident');
    cleanup.push(() => dropSchema(schema));
    const secret = randomBytes(32).toString('hex');
    const [a, b] = await Promise.all([startNode(schema, secret), startNode(schema, secret)]);

    const lead = await redeem(a.url, a.createToken('lead'), 'camille');
    // Bound on A, so B refuses an invite claiming it…
    expect((await refusalOf(b.url, { token: b.createToken('responder'), clientId: 'camille' })).code).toBe('CLIENT_ID_TAKEN');
    // …and takes her session, acting as her whatever the client claims.
    const onB = await connect(b.url, { token: lead.grant.token, clientId: 'not-camille' });
    open.push(onB);
    expect(await call(onB, 'session:whoami')).toMatchObject({ ok: true, clientId: 'camille', access: 'lead' });

    // A race for one new id across both nodes: exactly one redemption wins.
    const attempts = await Promise.allSettled([a, b, a, b, a, b].map((n) => connect(n.url, { token: n.createToken('responder'), clientId: 'sam' })));
    const won = attempts.filter((r) => r.status === 'fulfilled');
    for (const r of won) open.push((r as PromiseFulfilledResult<Client>).value);
    expect(won).toHaveLength(1);

    // A responder invite minted on A, redeemed on B, revoked through A: B's socket ends within 5 s.
    const invite = await a.access.issueInvite('responder');
    const tom = await redeem(b.url, invite.token, 'tom');
    let reason: SessionEnded | null = null;
    tom.socket.on('session:ended', (e) => (reason = e));
    const t0 = Date.now();
    const gone = new Promise<number>((ok) => tom.socket.once('disconnect', () => ok(Date.now() - t0)));
    expect(await a.access.registry.revoke(invite.claims.jti, Date.now())).toMatchObject({ sessions: 1 });
    const afterMs = await gone;
    expect(afterMs).toBeLessThan(5_000);
    expect(reason).toMatchObject({ code: 'TOKEN_REVOKED' });
    expect((await refusalOf(b.url, { token: tom.grant.token, clientId: 'tom' })).code).toBe('TOKEN_REVOKED');
    expect((await refusalOf(a.url, { token: invite.token, clientId: 'tom2' })).code).toBe('TOKEN_REVOKED');
    expect(onB.connected).toBe(true);

    // Either node's registry lists what both issued.
    await Promise.all([a.access.settle(), b.access.settle()]);
    const listed = await b.access.registry.list();
    expect(listed.some((t) => t.jti === invite.claims.jti && t.revokedAt !== null)).toBe(true);
    expect(listed.some((t) => t.kind === 'session' && t.memberId === 'camille')).toBe(true);
    console.log(`cluster revocation: socket on node B ended ${afterMs} ms after the revoke on node A`);
  }, 60_000);
});
