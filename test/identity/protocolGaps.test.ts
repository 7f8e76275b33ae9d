/**
 * The behaviours a third-party client could not tell from docs/PROTOCOL.md, pinned by test so the
 * document's claims stay true: nonexistent incidents, opIds reused across incidents, lone
 * surrogates, presence:typing, non-object auth, what counts against the rate limit, and headSeq
 * after a committed op the reducer refuses.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { io as rawIo } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { parseOp } from '../../shared/ops.ts';
import { dbFileOf } from '../../server/dataDir.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';

let dir = '';
let server: WarRoomServer | null = null;
const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await server?.close();
  server = null;
  removeDir(dir);
});

async function setUp(config: Parameters<typeof startServer>[1] = {}) {
  dir = tempDir();
  server = await startServer(dir, config);
  const c = await connect(server.url, { token: server.createSession('ana', 'lead'), clientId: 'ana' });
  open.push(c);
  return { s: server, c };
}

type Ack = { ok: boolean; code?: string; message?: string; seq?: number; duplicate?: boolean; incidentId?: string; headSeq?: number };

describe('incidents that do not exist', () => {
  it('op:submit on one answers NOT_JOINED (a join comes first); join and incident:ops answer INCIDENT_NOT_FOUND', async () => {
    const { c } = await setUp();
    expect(await call<Ack>(c, 'op:submit', op('timeline.add', 'ghost', 'ana', { entryId: 'e1', kind: 'note', text: 'x' }))).toMatchObject({ ok: false, code: 'NOT_JOINED' });
    expect(await call<Ack>(c, 'incident:join', { incidentId: 'ghost', sinceSeq: 0 })).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
    expect(await call<Ack>(c, 'incident:ops', { incidentId: 'ghost', afterSeq: 0, limit: 10 })).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
    // The join did not put the socket in the room: still NOT_JOINED.
    expect(await call<Ack>(c, 'op:submit', op('timeline.add', 'ghost', 'ana', { entryId: 'e1', kind: 'note', text: 'x' }))).toMatchObject({ ok: false, code: 'NOT_JOINED' });
  });
});

describe('an opId reused across incidents', () => {
  it('is answered as a duplicate naming the incident of the original op, and nothing is stored in the second', async () => {
    const { s, c } = await setUp();
    for (const id of ['inc-a', 'inc-b']) {
      await call(c, 'incident:create', op('incident.create', id, 'ana', { title: id, severity: 'SEV3' }));
      await call(c, 'incident:join', { incidentId: id, sinceSeq: 0 });
    }
    const opId = randomUUID();
    expect(await call<Ack>(c, 'op:submit', op('timeline.add', 'inc-a', 'ana', { entryId: 'e1', kind: 'note', text: 'first' }, opId))).toEqual({ ok: true, seq: 2 });
    const again = await call<Ack>(c, 'op:submit', op('timeline.add', 'inc-b', 'ana', { entryId: 'e9', kind: 'note', text: 'other' }, opId));
    expect(again).toEqual({ ok: true, seq: 2, duplicate: true, incidentId: 'inc-a' });
    expect(await s.store.headSeq('inc-b')).toBe(1);
    // Two at once (the second arrives while the first is in flight) get the same answer.
    const opId2 = randomUUID();
    const [x, y] = await Promise.all([
      call<Ack>(c, 'op:submit', op('timeline.add', 'inc-a', 'ana', { entryId: 'e2', kind: 'note', text: 'a' }, opId2)),
      call<Ack>(c, 'op:submit', op('timeline.add', 'inc-b', 'ana', { entryId: 'e3', kind: 'note', text: 'b' }, opId2)),
    ]);
    expect(x).toEqual({ ok: true, seq: 3 });
    expect(y).toEqual({ ok: true, seq: 3, duplicate: true, incidentId: 'inc-a' });
    // incident:create of an id whose opId was used: the ack names the original incident too.
    const created = await call<Ack>(c, 'incident:create', op('incident.create', 'inc-c', 'ana', { title: 'c', severity: 'SEV3' }, opId));
    expect(created).toMatchObject({ ok: true, seq: 2, duplicate: true, incidentId: 'inc-a' });
  });
});

describe('lone surrogates', () => {
  it('are refused with INVALID_OP naming the field; paired surrogates (emoji) are text', async () => {
    const { c } = await setUp();
    await call(c, 'incident:create', op('incident.create', 'inc-a', 'ana', { title: 'a', severity: 'SEV3' }));
    await call(c, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
    for (const bad of ['\uD83D', 'x\uDE00y', '\uDE00\uD83D']) {
      const r = await call<Ack>(c, 'op:submit', op('timeline.add', 'inc-a', 'ana', { entryId: randomUUID(), kind: 'note', text: bad }));
      expect(r).toMatchObject({ ok: false, code: 'INVALID_OP' });
      expect(r.message).toContain('payload.text: contains an unpaired UTF-16 surrogate');
    }
    const r = parseOp(op('member.join', 'inc-a', 'ana', { ...member('Ana'), skills: ['db', 'x\uD800'] }));
    expect(r).toMatchObject({ ok: false, code: 'INVALID_OP' });
    expect(!r.ok && r.message).toContain('payload.skills.1');
    expect(await call<Ack>(c, 'op:submit', op('timeline.add', 'inc-a', 'ana', { entryId: 'ok', kind: 'note', text: 'fire \uD83D\uDD25' }))).toMatchObject({ ok: true });
  });
});

describe('presence:typing', () => {
  it('needs a join, a strict payload, takes an optional ack and counts against the rate limit', async () => {
    const { c } = await setUp({ limits: { rateLimitPerSec: 0.001, rateLimitBurst: 6 } });
    expect(await call<Ack>(c, 'presence:typing', { incidentId: 'inc-a', typing: true })).toMatchObject({ ok: false, code: 'NOT_JOINED' });
    await call(c, 'incident:create', op('incident.create', 'inc-a', 'ana', { title: 'a', severity: 'SEV3' }));
    await call(c, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
    expect(await call<Ack>(c, 'presence:typing', { incidentId: 'inc-a', typing: 'yes' })).toMatchObject({ ok: false, code: 'INVALID_OP' });
    c.emit('presence:typing', { incidentId: 'inc-a', typing: true });
    // 6 events so far (typing, create, join, typing, typing without ack, …): the 7th is refused.
    expect(await call<Ack>(c, 'session:whoami')).toMatchObject({ ok: true });
    expect(await call<Ack>(c, 'session:whoami')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });
});

describe('the rate limit', () => {
  it('counts every event, reads included: whoami, list, join, leave, ops pages, unknown events', async () => {
    const { c } = await setUp({ limits: { rateLimitPerSec: 0.001, rateLimitBurst: 6 } });
    await call(c, 'incident:create', op('incident.create', 'inc-a', 'ana', { title: 'a', severity: 'SEV3' }));
    const answers = [
      await call<Ack>(c, 'session:whoami'), await call<Ack>(c, 'incident:list'), await call<Ack>(c, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 }),
      await call<Ack>(c, 'incident:ops', { incidentId: 'inc-a', afterSeq: 0, limit: 10 }), await call<Ack>(c, 'no:such-event', {}),
      await call<Ack>(c, 'incident:leave', { incidentId: 'inc-a' }), await call<Ack>(c, 'incident:list'),
    ];
    expect(answers.map((a) => a.ok || a.code)).toEqual([true, true, true, true, 'INVALID_OP', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('a handshake auth that is not an object', () => {
  it.each([['a string', 'token-as-a-string'], ['an array', ['t', 1]], ['a boolean', true]])('(%s) is closed by socket.io before any check: no connect_error, no refusal', async (_name, auth) => {
    const { s } = await setUp();
    const socket = rawIo(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: auth as never });
    const outcome = await new Promise<string>((ok) => {
      socket.on('connect', () => ok('connected'));
      socket.on('connect_error', () => ok('connect_error'));
      socket.on('disconnect', (reason) => ok(`disconnect: ${reason}`));
      setTimeout(() => ok('nothing'), 5_000);
    });
    socket.close();
    expect(outcome).toBe('disconnect: transport close');
  });

  it('an object with fields of the wrong type gets AUTH_INVALID (or PROTOCOL_UNSUPPORTED for a bad protocol)', async () => {
    const { s } = await setUp();
    const refusal = async (auth: Record<string, unknown>) => {
      const socket = rawIo(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
      const data = await new Promise<unknown>((ok) => socket.once('connect_error', (e: Error & { data?: unknown }) => ok(e.data)));
      socket.close();
      return data;
    };
    expect(await refusal({ token: 42, protocol: PROTOCOL_VERSION, clientId: 'x' })).toMatchObject({ code: 'AUTH_INVALID' });
    expect(await refusal({ token: s.createToken('lead'), protocol: '1', clientId: 'x' })).toMatchObject({ code: 'PROTOCOL_UNSUPPORTED' });
    expect(await refusal({ token: s.createToken('lead'), protocol: PROTOCOL_VERSION, clientId: 7 })).toMatchObject({ code: 'AUTH_INVALID' });
  });
});

describe('headSeq after a committed op the reducer refuses', () => {
  it('the log head moves past it (join headSeq, snapshot.seq); the state\'s own headSeq stays at the last op it applied', async () => {
    const { s, c } = await setUp();
    await call(c, 'incident:create', op('incident.create', 'inc-a', 'ana', { title: 'a', severity: 'SEV3' }));
    await call(c, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
    await call(c, 'op:submit', op('timeline.add', 'inc-a', 'ana', { entryId: 'e1', kind: 'note', text: 'one' }));
    c.close();
    await s.close();
    server = null;
    // A stored op the reducer refuses (what a quarantine or a bug upstream can leave): an edit of a missing entry.
    const store = createSqliteStore({ file: dbFileOf(dir) });
    await store.open();
    const refused: CommittedOp = { ...op('timeline.edit', 'inc-a', 'ana', { entryId: 'missing', text: 'x' }), seq: 3, serverTime: Date.now() } as CommittedOp;
    await store.append([refused]);
    await store.close();

    server = await startServer(dir, { limits: { joinMaxOpsWithoutSnapshot: 0 } });
    const d = await connect(server.url, { token: server.createSession('ana', 'lead'), clientId: 'ana' });
    open.push(d);
    const full = await call<{ ok: true; headSeq: number; snapshot?: { seq: number; state: { headSeq: number } }; ops: CommittedOp[] }>(d, 'incident:join', { incidentId: 'inc-a', sinceSeq: 0 });
    expect(full.headSeq).toBe(3);
    expect(full.snapshot!.seq).toBe(3);
    expect(full.snapshot!.state.headSeq).toBe(2);
    const page = await call<{ ok: true; headSeq: number; ops: CommittedOp[] }>(d, 'incident:ops', { incidentId: 'inc-a', afterSeq: 0, limit: 10 });
    expect(page.ops.map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(page.headSeq).toBe(3);
    // Resuming from the log head (3), not from state.headSeq (2), is what ends the catch-up.
    expect(await call(d, 'incident:join', { incidentId: 'inc-a', sinceSeq: 3 })).toMatchObject({ ok: true, headSeq: 3, ops: [] });
    expect(server.incidentState('inc-a')!.headSeq).toBe(2);
  });
});
