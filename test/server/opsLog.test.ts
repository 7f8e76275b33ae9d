/**
 * incident:ops on a real server with real socket.io clients: paging through a log of several
 * pages returns every committed op exactly once, in order; the token's scope and bad payloads are
 * refused with their codes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixture from '../fixtures/black-friday-corruption.json' with { type: 'json' };
import { OPS_PAGE_MAX } from '../../shared/constants.ts';
import { stateHash } from '../../shared/hash.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { OpsPage } from '../../shared/protocol.ts';
import { replay } from '../../shared/reducer.ts';
import { fixedUuid, loadScenario } from '../../shared/scenario.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { call, connect, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';

type PageAck = ({ ok: true } & OpsPage) | { ok: false; code: string; message: string };

const INCIDENT = 'black-friday';
/** More than two full pages, and not a multiple of the page size. */
const EXTRA_NOTES = 2 * OPS_PAGE_MAX + 345;

/** The scenario's log followed by many notes: a long incident, seeded straight into the store. */
function longLog(): CommittedOp[] {
  const { ops, people } = loadScenario(fixture, INCIDENT);
  const author = people[0]!.id;
  const last = ops[ops.length - 1]!;
  const notes = Array.from({ length: EXTRA_NOTES }, (_, i): CommittedOp => {
    const seq = ops.length + i + 1;
    const at = last.serverTime + (i + 1) * 1_000;
    return {
      opId: fixedUuid(seq, 0x10), incidentId: INCIDENT, actorId: author, clientTime: at, seq, serverTime: at,
      type: 'timeline.add', payload: { entryId: `note-${i}`, kind: 'note', text: `note ${i}, comma, "quote"` },
    };
  });
  return [...ops, ...notes];
}

function smallLog(): CommittedOp[] {
  const at = Date.parse('2026-11-20T10:00:00Z');
  const base = { incidentId: 'other', actorId: 'ben', clientTime: at, serverTime: at };
  return [
    { ...base, seq: 1, opId: fixedUuid(1, 0x20), type: 'incident.create', payload: { title: 'Another one', severity: 'SEV3' } },
    { ...base, seq: 2, opId: fixedUuid(2, 0x20), type: 'member.join', payload: { name: 'Ben', timeZone: 'Europe/Berlin' } },
  ];
}

let dir: string;
let server: WarRoomServer;
let seeded: CommittedOp[];
const sockets: Client[] = [];

async function client(role: 'lead' | 'responder' | 'viewer', scope: string | null, clientId: string): Promise<Client> {
  const c = await connect(server.url, { token: server.createSession(clientId, role, scope), clientId });
  sockets.push(c);
  return c;
}

const page = (c: Client, req: unknown) => call<PageAck>(c, 'incident:ops', req);

/** Pages from seq 0 to the head the first answer reports, the way a client does. */
async function readAll(c: Client, incidentId: string, limit: number): Promise<{ ops: CommittedOp[]; sizes: number[] }> {
  const ops: CommittedOp[] = [];
  const sizes: number[] = [];
  let afterSeq = 0;
  let target = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 100 && afterSeq < target; i++) {
    const r = await page(c, { incidentId, afterSeq, limit });
    if (!r.ok) throw new Error(r.message);
    target = Math.min(target, r.headSeq);
    sizes.push(r.ops.length);
    ops.push(...r.ops);
    if (r.ops.length === 0) break;
    afterSeq = r.ops[r.ops.length - 1]!.seq;
  }
  return { ops, sizes };
}

beforeAll(async () => {
  dir = tempDir();
  seeded = longLog();
  const store = createSqliteStore({ file: join(dir, 'warroom.db') });
  await store.open();
  await store.append([...seeded, ...smallLog()]);
  await store.close();
  server = await startServer(dir);
});

afterAll(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  removeDir(dir);
});

describe('incident:ops', () => {
  it('pages through a log of several pages: every op exactly once, in seq order, for a viewer that never joined', async () => {
    const viewer = await client('viewer', null, 'vic');
    const { ops, sizes } = await readAll(viewer, INCIDENT, OPS_PAGE_MAX);
    const full = Math.floor(seeded.length / OPS_PAGE_MAX);
    expect(full).toBeGreaterThanOrEqual(2);
    expect(sizes).toEqual([...Array<number>(full).fill(OPS_PAGE_MAX), seeded.length - full * OPS_PAGE_MAX]);
    expect(ops.map((o) => o.seq)).toEqual(seeded.map((o) => o.seq));
    expect(new Set(ops.map((o) => o.opId)).size).toBe(seeded.length);
    expect(ops).toEqual(seeded);
    // Same log, same state: the pages fold into exactly what the server holds.
    const folded = replay(ops);
    expect(folded.ok && stateHash(folded.state)).toBe(stateHash(server.incidentState(INCIDENT)));
  });

  it('serves at most OPS_PAGE_MAX per answer and pages correctly with an odd page size', async () => {
    const viewer = await client('viewer', null, 'vic2');
    const big = await page(viewer, { incidentId: INCIDENT, afterSeq: 10, limit: 50_000 });
    if (!big.ok) throw new Error(big.message);
    expect(big.ops).toHaveLength(OPS_PAGE_MAX);
    expect(big.ops[0]!.seq).toBe(11);
    expect(big.headSeq).toBe(seeded.length);
    const { ops, sizes } = await readAll(viewer, INCIDENT, 777);
    expect(sizes.slice(0, -1).every((n) => n === 777)).toBe(true);
    expect(ops.map((o) => o.opId)).toEqual(seeded.map((o) => o.opId));
  });

  it('answers the ops committed since, and nothing past the head', async () => {
    const lead = await client('lead', null, seeded[0]!.actorId);
    expect(await call(lead, 'incident:join', { incidentId: INCIDENT, sinceSeq: seeded.length })).toMatchObject({ ok: true });
    const added = op('timeline.add', INCIDENT, seeded[0]!.actorId, { entryId: 'late-note', kind: 'note', text: 'after the export started' });
    expect(await call(lead, 'op:submit', added)).toMatchObject({ ok: true, seq: seeded.length + 1 });
    const r = await page(lead, { incidentId: INCIDENT, afterSeq: seeded.length, limit: OPS_PAGE_MAX });
    expect(r.ok && r.ops.map((o) => [o.seq, o.opId])).toEqual([[seeded.length + 1, added.opId]]);
    expect(r.ok && r.headSeq).toBe(seeded.length + 1);
    expect(await page(lead, { incidentId: INCIDENT, afterSeq: seeded.length + 1, limit: 5 })).toEqual({ ok: true, ops: [], headSeq: seeded.length + 1 });
    expect(await page(lead, { incidentId: INCIDENT, afterSeq: 99_999, limit: 5 })).toEqual({ ok: true, ops: [], headSeq: seeded.length + 1 });
  });

  it('keeps a scoped token to its incident and says when an incident does not exist', async () => {
    const scoped = await client('viewer', 'other', 'sam');
    expect(await page(scoped, { incidentId: INCIDENT, afterSeq: 0, limit: 10 })).toMatchObject({ ok: false, code: 'FORBIDDEN_INCIDENT' });
    // The scope is checked first: a scoped token learns nothing about other incidents.
    expect(await page(scoped, { incidentId: 'nope', afterSeq: 0, limit: 10 })).toMatchObject({ ok: false, code: 'FORBIDDEN_INCIDENT' });
    const own = await page(scoped, { incidentId: 'other', afterSeq: 0, limit: 10 });
    expect(own.ok && own.ops.map((o) => o.opId)).toEqual(smallLog().map((o) => o.opId));
    const everyone = await client('responder', null, 'rita');
    const missing = await page(everyone, { incidentId: 'nope', afterSeq: 0, limit: 10 });
    expect(missing).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
    expect(!missing.ok && missing.message).toMatch(/^That incident does not exist on this server\./);
  });

  it('refuses malformed requests with INVALID_OP and keeps serving the socket', async () => {
    const c = await client('responder', null, 'bob');
    const bad: unknown[] = [
      undefined, null, 'black-friday', 42, [],
      { incidentId: INCIDENT, afterSeq: 0 },
      { incidentId: INCIDENT, limit: 10 },
      { afterSeq: 0, limit: 10 },
      { incidentId: INCIDENT, afterSeq: -1, limit: 10 },
      { incidentId: INCIDENT, afterSeq: 1.5, limit: 10 },
      { incidentId: INCIDENT, afterSeq: '0', limit: 10 },
      { incidentId: INCIDENT, afterSeq: 0, limit: 0 },
      { incidentId: INCIDENT, afterSeq: 0, limit: Number.POSITIVE_INFINITY },
      { incidentId: 'bad id!', afterSeq: 0, limit: 10 },
      { incidentId: INCIDENT, afterSeq: 0, limit: 10, extra: true },
    ];
    for (const req of bad) {
      const r = await page(c, req);
      expect(r, JSON.stringify(req)).toMatchObject({ ok: false, code: 'INVALID_OP' });
      expect(!r.ok && r.message).toMatch(/^The server refused a malformed change\. \(incident:ops takes/);
    }
    const fine = await page(c, { incidentId: INCIDENT, afterSeq: 0, limit: 3 });
    expect(fine.ok && fine.ops.map((o) => o.seq)).toEqual([1, 2, 3]);
  });
});
