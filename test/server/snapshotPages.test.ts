/**
 * Paged snapshots on a real server with real socket.io clients: a joiner that asks for pages gets
 * no message over SNAPSHOT_PAGE_BYTES (+ envelope), the pages put together are exactly the state
 * an unpaged join gets (multi-byte characters cut across pages included), each page is served
 * once, only to the socket it was offered to, and never after a leave. A joiner that does not ask
 * gets the answer it always got.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_PAGE_BYTES } from '../../shared/constants.ts';
import { stateHash } from '../../shared/hash.ts';
import type { IncidentState } from '../../shared/model.ts';
import { assembleJoin } from '../../shared/snapshotPages.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';

const INCIDENT = 'big-one';
/** 2 + 4 bytes of UTF-8 per 3 UTF-16 units: page cuts land inside characters. */
const NOTE = 'é🔥'.repeat(3_300);
const NOTES = 150;

type AnyAck = { ok: boolean; code?: string; [k: string]: unknown };

let dir: string;
let server: WarRoomServer;
const sockets: Client[] = [];

async function client(clientId: string): Promise<Client> {
  const c = await connect(server.url, { token: server.createSession(clientId, 'responder'), clientId });
  sockets.push(c);
  return c;
}

const pageRequest = (c: Client) => (event: 'incident:snapshot', req: unknown) => call(c, event, req);

beforeAll(async () => {
  dir = tempDir();
  // Any join more than 5 ops behind gets a snapshot.
  server = await startServer(dir, { limits: { joinMaxOpsWithoutSnapshot: 5 } });
  const writer = await client('writer');
  expect((await call<AnyAck>(writer, 'incident:create', op('incident.create', INCIDENT, 'writer', { title: 'Big', severity: 'SEV2' }))).ok).toBe(true);
  expect((await call<AnyAck>(writer, 'incident:join', { incidentId: INCIDENT, sinceSeq: 0 })).ok).toBe(true);
  expect((await call<AnyAck>(writer, 'op:submit', op('member.join', INCIDENT, 'writer', member('Writer')))).ok).toBe(true);
  const acks = await Promise.all(Array.from({ length: NOTES }, (_, i) =>
    call<AnyAck>(writer, 'op:submit', op('timeline.add', INCIDENT, 'writer', { entryId: `n-${i}`, kind: 'note', text: `${i} ${NOTE}` }))));
  expect(acks.filter((a) => !a.ok)).toEqual([]);
}, 60_000);

afterAll(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  removeDir(dir);
});

describe('paged snapshots', () => {
  it('sends a big snapshot in pages of at most SNAPSHOT_PAGE_BYTES that add up to the unpaged state', async () => {
    const plain = await client('plain');
    const whole = await call<AnyAck & { snapshot: { seq: number; state: IncidentState } }>(plain, 'incident:join', { incidentId: INCIDENT, sinceSeq: 0 });
    expect(whole.ok).toBe(true);
    expect(whole.snapshot.state.timeline.length).toBeGreaterThanOrEqual(NOTES);
    expect(Buffer.byteLength(JSON.stringify(whole.snapshot.state))).toBeGreaterThan(2 * SNAPSHOT_PAGE_BYTES);

    const paged = await client('paged');
    const sizes: number[] = [];
    paged.io.engine.on('packet', (p: { data?: unknown }) => {
      if (typeof p.data === 'string') sizes.push(p.data.length);
      else if (p.data instanceof ArrayBuffer || ArrayBuffer.isView(p.data)) sizes.push(p.data.byteLength);
    });
    const first = await call<AnyAck & { snapshot: { seq: number; pages: number; bytes: number } }>(paged, 'incident:join', { incidentId: INCIDENT, sinceSeq: 0, snapshotPages: true });
    expect(first.ok).toBe(true);
    expect(first.snapshot.pages).toBe(Math.ceil(first.snapshot.bytes / SNAPSHOT_PAGE_BYTES));
    expect(first.snapshot.pages).toBeGreaterThanOrEqual(3);
    expect(first.snapshot).not.toHaveProperty('state');
    const res = (await assembleJoin(pageRequest(paged), INCIDENT, first)) as AnyAck & { snapshot: { seq: number; state: IncidentState }; headSeq: number };
    expect(res.ok).toBe(true);
    expect(res.snapshot.seq).toBe(whole.snapshot.seq);
    expect(stateHash(res.snapshot.state)).toBe(stateHash(whole.snapshot.state));
    expect(res.snapshot.state.timeline.find((e) => e.id === 'n-7')?.text).toBe(`7 ${NOTE}`);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SNAPSHOT_PAGE_BYTES + 1024);
  });

  it('serves each page once, to the socket it was offered to, and nothing after a leave', async () => {
    const a = await client('a');
    const b = await client('b');
    const first = await call<AnyAck & { snapshot: { seq: number; pages: number } }>(a, 'incident:join', { incidentId: INCIDENT, sinceSeq: 0, snapshotPages: true });
    const { seq, pages } = first.snapshot;
    const p1 = await call<AnyAck & { part: unknown; page: number }>(a, 'incident:snapshot', { incidentId: INCIDENT, seq, page: 1 });
    expect(p1.ok).toBe(true);
    expect(p1.page).toBe(1);
    expect((await call<AnyAck>(a, 'incident:snapshot', { incidentId: INCIDENT, seq, page: 1 })).code).toBe('SNAPSHOT_GONE');
    expect((await call<AnyAck>(a, 'incident:snapshot', { incidentId: INCIDENT, seq: seq - 1, page: 2 })).code).toBe('SNAPSHOT_GONE');
    expect((await call<AnyAck>(a, 'incident:snapshot', { incidentId: INCIDENT, seq, page: pages })).code).toBe('SNAPSHOT_GONE');
    expect((await call<AnyAck>(b, 'incident:snapshot', { incidentId: INCIDENT, seq, page: 2 })).code).toBe('SNAPSHOT_GONE');
    expect((await call<AnyAck>(a, 'incident:snapshot', { incidentId: INCIDENT, seq, page: 0 })).code).toBe('INVALID_OP');
    await call(a, 'incident:leave', { incidentId: INCIDENT });
    expect((await call<AnyAck>(a, 'incident:snapshot', { incidentId: INCIDENT, seq, page: 2 })).code).toBe('SNAPSHOT_GONE');
  });

  it('a refused page comes back from assembleJoin as that refusal, so the caller joins again', async () => {
    const c = await client('c');
    const first = await call<AnyAck & { snapshot: { seq: number } }>(c, 'incident:join', { incidentId: INCIDENT, sinceSeq: 0, snapshotPages: true });
    // Another join replaces the offer: pages of the first one are gone once it is answered.
    await call(c, 'incident:leave', { incidentId: INCIDENT });
    const res = (await assembleJoin(pageRequest(c), INCIDENT, first)) as AnyAck;
    expect(res.ok).toBe(false);
    expect(res.code).toBe('SNAPSHOT_GONE');
  });
});

describe('assembleJoin on bad pages', () => {
  const head = { ok: true, ops: [], headSeq: 9, access: 'responder' };
  const bytes = new TextEncoder().encode(JSON.stringify({ a: 'é' }));

  it('returns an answer that is not paged as it is', async () => {
    const plain = { ...head, snapshot: { seq: 9, state: { a: 1 } } };
    expect(await assembleJoin(async () => ({}), 'x', plain)).toBe(plain);
  });

  it('puts pages cut inside a character back together', async () => {
    const cut = 8;
    const res = await assembleJoin(async (_e, req) => ({ ok: true, seq: 9, page: (req as { page: number }).page, part: bytes.slice(cut) }), 'x',
      { ...head, snapshot: { seq: 9, pages: 2, bytes: bytes.length, part: bytes.slice(0, cut) } });
    expect(res).toEqual({ ...head, snapshot: { seq: 9, state: { a: 'é' } } });
  });

  it('refuses missing bytes, a wrong page and text that is not binary with INVALID_OP', async () => {
    const short = await assembleJoin(async () => ({ ok: true, seq: 9, page: 1, part: bytes.slice(5, 7) }), 'x', { ...head, snapshot: { seq: 9, pages: 2, bytes: bytes.length, part: bytes.slice(0, 5) } });
    expect(short).toMatchObject({ ok: false, code: 'INVALID_OP' });
    const wrong = await assembleJoin(async () => ({ ok: true, seq: 9, page: 3, part: bytes.slice(5) }), 'x', { ...head, snapshot: { seq: 9, pages: 2, bytes: bytes.length, part: bytes.slice(0, 5) } });
    expect(wrong).toMatchObject({ ok: false, code: 'INVALID_OP' });
    const text = await assembleJoin(async () => ({}), 'x', { ...head, snapshot: { seq: 9, pages: 1, bytes: 3, part: 'abc' } });
    expect(text).toMatchObject({ ok: false, code: 'INVALID_OP' });
  });
});
