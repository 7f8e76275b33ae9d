/**
 * Identity bound to the token: a responder tries to act as the commander every way a client can
 * (claim her id with an invite, claim it with the responder's own session, sign ops with her id),
 * through the test helpers and through a bare socket.io client. Every attempt fails and nothing
 * is stored in her name.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as rawIo } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { SessionTokenGrant } from '../../shared/protocol.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, op, openSocket, redeemInvite, refusalOf, removeDir, startServer, tempDir, until, type Client } from '../server/helpers.ts';

let dir = '';
let server: WarRoomServer;
const open: Client[] = [];
beforeEach(async () => {
  dir = tempDir();
  server = await startServer(dir);
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await server.close();
  removeDir(dir);
});

/** Connects with an invite and returns the socket with the session token the server granted. */
async function redeem(token: string, clientId: string): Promise<{ socket: Client; grant: SessionTokenGrant }> {
  const { socket, grant } = await redeemInvite(server.url, token, clientId);
  open.push(socket);
  const who = await call<{ ok: true; clientId: string; sessionToken?: string; expiresAt: number }>(socket, 'session:whoami');
  expect(who.clientId).toBe(clientId);
  expect(who.sessionToken).toEqual(expect.any(String));
  expect(grant.token).toBe(who.sessionToken);
  return { socket, grant };
}

async function setUp() {
  const lead = await redeem(server.createToken('lead'), 'camille');
  const incident = op('incident.create', 'db-fire', 'camille', { title: 'DB on fire', severity: 'SEV1' });
  expect(await call(lead.socket, 'incident:create', incident)).toMatchObject({ ok: true, seq: 1 });
  const responderInvite = server.createToken('responder');
  return { lead, responderInvite };
}

const resolveAs = (actorId: string) => op('incident.status', 'db-fire', actorId, { status: 'resolved', note: 'resolved by camille (really)' });

describe('a responder cannot act as the commander', () => {
  it('an invite cannot claim an id already bound: CLIENT_ID_TAKEN with its sentence', async () => {
    const { responderInvite } = await setUp();
    const r = await refusalOf(server.url, { token: responderInvite, clientId: 'camille' });
    expect(r.code).toBe('CLIENT_ID_TAKEN');
    expect(r.message).toContain(ERROR_MESSAGES.CLIENT_ID_TAKEN);
    // Even the lead's own invite, replayed, cannot re-claim her id: it is bound to her session.
    expect((await refusalOf(server.url, { token: server.createToken('lead'), clientId: 'camille' })).code).toBe('CLIENT_ID_TAKEN');
  });

  it('with her own session, claiming the commander\'s clientId makes her act as herself; ops in the commander\'s name are refused', async () => {
    const { responderInvite } = await setUp();
    const tom = await redeem(responderInvite, 'tom');
    tom.socket.close();
    const forger = await connect(server.url, { token: tom.grant.token, clientId: 'camille' });
    open.push(forger);
    expect(await call(forger, 'session:whoami')).toMatchObject({ ok: true, clientId: 'tom', access: 'responder' });
    await call(forger, 'incident:join', { incidentId: 'db-fire', sinceSeq: 0 });
    const r = await call<{ ok: false; code: string; message: string }>(forger, 'op:submit', resolveAs('camille'));
    expect(r).toMatchObject({ ok: false, code: 'ACTOR_MISMATCH' });
    expect(r.message).toContain('tom');
    expect(server.incidentState('db-fire')).toMatchObject({ status: 'investigating', headSeq: 1 });
    expect(await server.store.headSeq('db-fire')).toBe(1);
    // What she may do, she does in her own name.
    expect(await call(forger, 'op:submit', resolveAs('tom'))).toMatchObject({ ok: true, seq: 2 });
    expect(server.incidentState('db-fire')!.timeline.at(-1)).toMatchObject({ authorId: 'tom' });
  });

  it('over a bare socket.io client with hand-written frames, the same forgery fails', async () => {
    const { responderInvite } = await setUp();
    const raw = rawIo(server.url, {
      transports: ['websocket'], reconnection: false, forceNew: true,
      auth: { token: responderInvite, protocol: PROTOCOL_VERSION, clientId: 'camille' },
    });
    const refused = await new Promise<unknown>((ok) => raw.once('connect_error', (e: Error & { data?: unknown }) => ok(e.data)));
    raw.close();
    expect(refused).toMatchObject({ code: 'CLIENT_ID_TAKEN', serverProtocol: PROTOCOL_VERSION });

    const honest = rawIo(server.url, {
      transports: ['websocket'], reconnection: false, forceNew: true,
      auth: { token: responderInvite, protocol: PROTOCOL_VERSION, clientId: 'tom' },
    });
    const grant = await new Promise<SessionTokenGrant>((ok) => honest.once('session:token', ok));
    honest.close();
    const forger = rawIo(server.url, {
      transports: ['websocket'], reconnection: false, forceNew: true,
      auth: { token: grant.token, protocol: PROTOCOL_VERSION, clientId: 'camille' },
    });
    await new Promise<void>((ok) => forger.once('connect', () => ok()));
    try {
      await forger.timeout(5_000).emitWithAck('incident:join', { incidentId: 'db-fire', sinceSeq: 0 });
      const ack = await forger.timeout(5_000).emitWithAck('op:submit', resolveAs('camille'));
      expect(ack).toMatchObject({ ok: false, code: 'ACTOR_MISMATCH' });
    } finally {
      forger.close();
    }
    expect(await server.store.headSeq('db-fire')).toBe(1);
  });

  it('a session of another server, or one with a changed holder, is AUTH_INVALID', async () => {
    const { responderInvite } = await setUp();
    const tom = await redeem(responderInvite, 'tom');
    const [body, sig] = tom.grant.token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, sub: 'camille' })).toString('base64url')}.${sig}`;
    expect((await refusalOf(server.url, { token: forged, clientId: 'camille' })).code).toBe('AUTH_INVALID');
    const other = await startServer(tempDir());
    try {
      expect((await refusalOf(other.url, { token: tom.grant.token, clientId: 'tom' })).code).toBe('AUTH_INVALID');
    } finally {
      await other.close();
    }
  });

  it('opening a second invite for her own id works only with her live session as proof', async () => {
    const { lead, responderInvite } = await setUp();
    const tom = await redeem(server.createToken('responder'), 'tom');
    // Tom's own session does not prove anything about camille's id.
    expect((await refusalOf(server.url, { auth: { token: responderInvite, protocol: PROTOCOL_VERSION, clientId: 'camille', session: tom.grant.token } })).code).toBe('CLIENT_ID_TAKEN');
    // Camille's does: she opens a viewer invite scoped to another incident and gets a session for it, as herself.
    const scoped = server.createToken('viewer', 'db-fire');
    let grant: SessionTokenGrant | null = null;
    const socket = openSocket(server.url, { auth: { token: scoped, protocol: PROTOCOL_VERSION, clientId: 'camille', session: lead.grant.token } });
    open.push(socket);
    socket.on('session:token', (g) => (grant = g));
    await until(() => grant !== null, 'the second session');
    expect(await call(socket, 'session:whoami')).toMatchObject({ ok: true, clientId: 'camille', access: 'viewer', incidentId: 'db-fire' });
    // A revoked session is no proof.
    await server.access.settle();
    await server.access.registry.revoke(JSON.parse(Buffer.from(lead.grant.token.split('.')[0]!, 'base64url').toString()).jti, Date.now());
    expect((await refusalOf(server.url, { auth: { token: server.createToken('lead'), protocol: PROTOCOL_VERSION, clientId: 'camille', session: lead.grant.token } })).code).toBe('CLIENT_ID_TAKEN');
  });

  it('two people redeeming invites for the same new id at once: exactly one gets it', async () => {
    const tokens = Array.from({ length: 6 }, () => server.createToken('responder'));
    const results = await Promise.allSettled(tokens.map((token) => connect(server.url, { token, clientId: 'sam' })));
    const won = results.filter((r) => r.status === 'fulfilled');
    for (const r of won) open.push((r as PromiseFulfilledResult<Client>).value);
    expect(won).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect(((r as PromiseRejectedResult).reason as { data: { code: string } }).data.code).toBe('CLIENT_ID_TAKEN');
    }
  });

  it('the same person on two devices: the second device proposes its own id; an admin session can give her the same one', async () => {
    const { lead } = await setUp();
    const admin = server.createSession('camille', 'lead');
    const again = openSocket(server.url, { token: admin, clientId: 'whatever' });
    open.push(again);
    let told: SessionTokenGrant | null = null;
    again.on('session:token', (g) => (told = g));
    // The client claimed another id: the server tells it whom it acts as.
    await until(() => told !== null, 'session:token naming the holder');
    expect(told).toMatchObject({ token: admin, clientId: 'camille' });
    expect(await call(again, 'session:whoami')).toMatchObject({ ok: true, clientId: 'camille', access: 'lead' });
    lead.socket.close();
    // Her first session still works after the admin one was issued.
    const first = await connect(server.url, { token: lead.grant.token, clientId: 'camille' });
    open.push(first);
    expect(await call(first, 'session:whoami')).toMatchObject({ ok: true, clientId: 'camille' });
  });
});
