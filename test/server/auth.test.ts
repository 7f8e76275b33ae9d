import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { IncidentSummary } from '../../shared/model.ts';
import type { PresenceState } from '../../shared/protocol.ts';
import { createToken, verifyToken } from '../../server/auth.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, op, refusalOf, removeDir, startServer, tempDir, until, type Client } from './helpers.ts';

let dir: string;
let server: WarRoomServer;
const open: Client[] = [];

beforeAll(async () => {
  dir = tempDir();
  server = await startServer(dir, { limits: { rateLimitPerSec: 1, rateLimitBurst: 8 }, maxPayloadBytes: 16 * 1024 });
  const lead = await as('lead', 'lia');
  for (const id of ['inc-a', 'inc-b']) expect(await call(lead, 'incident:create', op('incident.create', id, 'lia', { title: id, severity: 'SEV3' }))).toMatchObject({ ok: true });
});
afterAll(async () => {
  for (const c of open) c.close();
  await server.close();
  removeDir(dir);
});

async function as(role: 'lead' | 'responder' | 'viewer', clientId: string, incidentId: string | null = null): Promise<Client> {
  const c = await connect(server.url, { token: server.createSession(clientId, role, incidentId), clientId });
  open.push(c);
  return c;
}

describe('the secret', () => {
  it('is created in the data dir with mode 0600 and signs tokens only it verifies', () => {
    const file = join(dir, 'secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8').trim();
    const t = createToken(secret, 'viewer', 'inc-a');
    expect(verifyToken(secret, t)).toMatchObject({ role: 'viewer', incidentId: 'inc-a' });
    expect(verifyToken('another-secret-another-secret-another', t)).toBeNull();
  });
});

describe('handshake refusals', () => {
  it('no token at all: AUTH_MISSING with the sentence and the server protocol', async () => {
    expect(await refusalOf(server.url, { auth: {} })).toEqual({ code: 'AUTH_MISSING', message: ERROR_MESSAGES.AUTH_MISSING, serverProtocol: PROTOCOL_VERSION });
    expect(await refusalOf(server.url, { auth: { protocol: PROTOCOL_VERSION, clientId: 'x' } })).toMatchObject({ code: 'AUTH_MISSING' });
  });

  it('a garbage, foreign or tampered token: AUTH_INVALID', async () => {
    expect(await refusalOf(server.url, { token: 'not-a-token', clientId: 'x' })).toMatchObject({ code: 'AUTH_INVALID' });
    const foreign = createToken('a-different-server-secret-of-enough-length', 'lead');
    expect(await refusalOf(server.url, { token: foreign, clientId: 'x' })).toMatchObject({ code: 'AUTH_INVALID' });
    const [body, sig] = server.createToken('viewer').split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, role: 'lead' })).toString('base64url')}.${sig}`;
    expect(await refusalOf(server.url, { token: forged, clientId: 'x' })).toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('a missing or malformed clientId: AUTH_INVALID', async () => {
    const token = server.createToken('responder');
    expect(await refusalOf(server.url, { auth: { token, protocol: PROTOCOL_VERSION } })).toMatchObject({ code: 'AUTH_INVALID' });
    expect(await refusalOf(server.url, { token, clientId: 'has space' })).toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('another protocol version: PROTOCOL_UNSUPPORTED naming the server version', async () => {
    const r = await refusalOf(server.url, { token: server.createToken('lead'), clientId: 'x', protocol: PROTOCOL_VERSION + 1 });
    expect(r.code).toBe('PROTOCOL_UNSUPPORTED');
    expect(r.serverProtocol).toBe(PROTOCOL_VERSION);
    expect(r.message).toContain(`the server speaks protocol ${PROTOCOL_VERSION}`);
    expect(r.message).toContain(ERROR_MESSAGES.PROTOCOL_UNSUPPORTED);
    const none = await refusalOf(server.url, { auth: { token: server.createToken('lead'), clientId: 'x' } });
    expect(none.code).toBe('PROTOCOL_UNSUPPORTED');
  });
});

describe('roles and scopes', () => {
  it('session:whoami reports the access and scope of the token', async () => {
    const v = await as('viewer', 'vic', 'inc-a');
    expect(await call(v, 'session:whoami')).toEqual({ ok: true, clientId: 'vic', access: 'viewer', incidentId: 'inc-a', serverProtocol: PROTOCOL_VERSION, expiresAt: expect.any(Number) });
  });

  it('a viewer reads but cannot write: FORBIDDEN_ROLE and nothing stored', async () => {
    const v = await as('viewer', 'vic');
    expect(await call(v, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 })).toMatchObject({ ok: true, access: 'viewer', headSeq: 1 });
    const r = await call(v, 'op:submit', op('member.join', 'inc-a', 'vic', { name: 'Vic', timeZone: 'UTC' }));
    expect(r).toEqual({ ok: false, code: 'FORBIDDEN_ROLE', message: ERROR_MESSAGES.FORBIDDEN_ROLE });
    expect(await call(v, 'incident:create', op('incident.create', 'inc-v', 'vic', { title: 'v', severity: 'SEV4' }))).toMatchObject({ ok: false, code: 'FORBIDDEN_ROLE' });
    expect(await server.store.headSeq('inc-a')).toBe(1);
    expect(await server.store.headSeq('inc-v')).toBe(0);
  });

  it('a token scoped to one incident cannot join, write or list another', async () => {
    const r = await as('responder', 'rae', 'inc-a');
    expect(await call(r, 'incident:join', { incidentId: 'inc-b', sinceSeq: 0 })).toMatchObject({ ok: false, code: 'FORBIDDEN_INCIDENT' });
    expect(await call(r, 'op:submit', op('member.join', 'inc-b', 'rae', { name: 'Rae', timeZone: 'UTC' }))).toMatchObject({ ok: false, code: 'FORBIDDEN_INCIDENT' });
    expect(await call(r, 'incident:create', op('incident.create', 'inc-new', 'rae', { title: 'n', severity: 'SEV4' }))).toMatchObject({ ok: false, code: 'FORBIDDEN_INCIDENT' });
    const list = await call<{ ok: true; incidents: IncidentSummary[] }>(r, 'incident:list');
    expect(list.incidents.map((i) => i.id)).toEqual(['inc-a']);
    expect(await call(r, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 })).toMatchObject({ ok: true });
    expect(await server.store.headSeq('inc-b')).toBe(1);
  });
});

describe('presence and summaries', () => {
  it('shows who is connected and typing, is never stored, and summaries reach only sockets allowed to see them', async () => {
    const lead = await as('lead', 'lia');
    const bo = await as('responder', 'bo');
    const scopedToB = await as('responder', 'sam', 'inc-b');
    const summaries: IncidentSummary[] = [];
    const scopedSummaries: IncidentSummary[] = [];
    lead.on('incident:summary', (s) => summaries.push(s));
    scopedToB.on('incident:summary', (s) => scopedSummaries.push(s));
    const seen: PresenceState[] = [];
    lead.on('presence:state', (p) => seen.push(p));
    await call(lead, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
    await call(bo, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
    await until(() => seen.some((p) => p.members.some((m) => m.clientId === 'bo')), 'bo in presence');
    await call(bo, 'presence:typing', { incidentId: 'inc-a', typing: true });
    await until(() => seen.at(-1)?.members.find((m) => m.clientId === 'bo')?.typing === true, 'bo typing');
    const head = await server.store.headSeq('inc-a');
    await call(lead, 'op:submit', op('incident.status', 'inc-a', 'lia', { status: 'identified' }));
    await until(() => summaries.some((s) => s.id === 'inc-a' && s.status === 'identified'), 'summary broadcast');
    expect(scopedSummaries.filter((s) => s.id === 'inc-a')).toEqual([]);
    expect(await server.store.headSeq('inc-a')).toBe(head + 1);
    bo.close();
    await until(() => seen.at(-1)?.members.every((m) => m.clientId !== 'bo') === true, 'bo gone from presence');
  });
});

describe('limits', () => {
  it('a socket over its rate limit gets RATE_LIMITED, and only acked ops are stored', async () => {
    const lead = await as('lead', 'rita');
    await call(lead, 'incident:join', { incidentId: 'inc-b', sinceSeq: 0 });
    const before = await server.store.headSeq('inc-b');
    const started = performance.now();
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(lead, 'op:submit', op('timeline.add', 'inc-b', 'rita', { entryId: `r${i}`, kind: 'note', text: `burst ${i}` }))));
    const okCount = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((a) => !a.ok && a.code === 'RATE_LIMITED' && a.message === ERROR_MESSAGES.RATE_LIMITED)).toBe(true);
    // Burst 8, one spent on the join, plus the refill of 1/s while the burst was in flight.
    expect(okCount).toBeLessThanOrEqual(7 + Math.ceil((performance.now() - started) / 1000));
    expect(await server.store.headSeq('inc-b')).toBe(before + okCount);
  });

  it('a message over maxPayloadBytes gets PAYLOAD_TOO_LARGE with the sentence; a huge one is cut off and the server stays up', async () => {
    const big = await as('lead', 'pat');
    const r = await call(big, 'op:submit', op('timeline.add', 'inc-a', 'pat', { entryId: 'big', kind: 'note', text: 'x'.repeat(20_000) }));
    expect(r).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
    expect((r as { message: string }).message).toContain(ERROR_MESSAGES.PAYLOAD_TOO_LARGE);
    const huge = await as('lead', 'hugh');
    const gone = new Promise<string>((resolve) => huge.once('disconnect', resolve));
    huge.emit('op:submit', op('timeline.add', 'inc-a', 'hugh', { entryId: 'huge', kind: 'note', text: 'x'.repeat(1_000_000) }) as never, () => undefined);
    expect(await gone).toMatch(/transport/);
    const still = await as('responder', 'ok');
    expect(await call(still, 'incident:list')).toMatchObject({ ok: true });
  });
});
