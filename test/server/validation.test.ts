import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';

let dir: string;
let server: WarRoomServer;
let ana: Client;

beforeAll(async () => {
  dir = tempDir();
  server = await startServer(dir);
  ana = await connect(server.url, { token: server.createToken('responder'), clientId: 'ana' });
  expect(await call(ana, 'incident:create', op('incident.create', 'inc-1', 'ana', { title: 'Valid', severity: 'SEV2' }))).toMatchObject({ ok: true });
  expect(await call(ana, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 })).toMatchObject({ ok: true });
});
afterAll(async () => {
  ana.close();
  await server.close();
  removeDir(dir);
});

const good = () => op('timeline.add', 'inc-1', 'ana', { entryId: 'e1', kind: 'note', text: 'fine' });
const without = (key: string) => {
  const o = good() as unknown as Record<string, unknown>;
  delete o[key];
  return o;
};
const withField = (patch: Record<string, unknown>) => ({ ...good(), ...patch });
const withPayload = (patch: Record<string, unknown>) => ({ ...good(), payload: { ...good().payload, ...patch } });

const invalid: [string, unknown, string][] = [
  ['null', null, 'INVALID_OP'],
  ['a number', 42, 'INVALID_OP'],
  ['a string', 'timeline.add', 'INVALID_OP'],
  ['an array', [good()], 'INVALID_OP'],
  ['a boolean', true, 'INVALID_OP'],
  ['an empty object', {}, 'INVALID_OP'],
  ['no opId', without('opId'), 'INVALID_OP'],
  ['no type', without('type'), 'INVALID_OP'],
  ['no payload', without('payload'), 'INVALID_OP'],
  ['no clientTime', without('clientTime'), 'INVALID_OP'],
  ['opId not a UUID', withField({ opId: 'abc' }), 'INVALID_OP'],
  ['clientTime as a string', withField({ clientTime: '2026-11-27' }), 'INVALID_OP'],
  ['clientTime negative', withField({ clientTime: -1 }), 'INVALID_OP'],
  ['incidentId with a slash', withField({ incidentId: '../etc' }), 'INVALID_OP'],
  ['incidentId too long', withField({ incidentId: 'x'.repeat(65) }), 'INVALID_OP'],
  ['an unknown op type', withField({ type: 'incident.destroy' }), 'UNKNOWN_OP_TYPE'],
  ['type not a string', withField({ type: 7 }), 'INVALID_OP'],
  ['an extra top-level field', withField({ seq: 1 }), 'INVALID_OP'],
  ['an extra payload field', withPayload({ admin: true }), 'INVALID_OP'],
  ['payload as an array', withField({ payload: [] }), 'INVALID_OP'],
  ['an empty text', withPayload({ text: '   ' }), 'INVALID_OP'],
  ['a text over the bound', withPayload({ text: 'x'.repeat(10_001) }), 'INVALID_OP'],
  ['an entry kind users cannot write', withPayload({ kind: 'system' }), 'INVALID_OP'],
  ['a __proto__ key', JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(good()).slice(1)}`), 'INVALID_OP'],
  ['an actor that is not this connection', withField({ actorId: 'mallory' }), 'ACTOR_MISMATCH'],
  ['an incident this socket did not join', withField({ incidentId: 'inc-2' }), 'NOT_JOINED'],
  ['an edit of a missing entry', op('timeline.edit', 'inc-1', 'ana', { entryId: 'nope', text: 'x' }), 'ENTRY_NOT_FOUND'],
  ['a second create of the incident', op('incident.create', 'inc-1', 'ana', { title: 'Again', severity: 'SEV1' }), 'INCIDENT_EXISTS'],
];

describe('invalid op:submit payloads', () => {
  it.each(invalid)('%s is refused and nothing is stored', async (_name, payload, code) => {
    const before = await server.store.headSeq('inc-1');
    const r = await call(ana, 'op:submit', payload);
    expect(r).toMatchObject({ ok: false, code });
    expect(typeof (r as { message: string }).message).toBe('string');
    expect(await server.store.headSeq('inc-1')).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a submit with no payload at all (only the ack) is refused', async () => {
    const r = await (ana.timeout(5_000) as unknown as { emitWithAck(e: string): Promise<unknown> }).emitWithAck('op:submit');
    expect(r).toMatchObject({ ok: false, code: 'INVALID_OP' });
  });

  it('incident:create refuses ops of another type', async () => {
    expect(await call(ana, 'incident:create', good())).toMatchObject({ ok: false, code: 'INVALID_OP' });
  });

  it('incident:join and presence:typing refuse malformed requests', async () => {
    for (const bad of [null, 'inc-1', {}, { incidentId: 'inc-1' }, { incidentId: 'inc-1', sinceSeq: -1 }, { incidentId: 'inc-1', sinceSeq: 1.5 }, { incidentId: 'inc-1', sinceSeq: '0' }, { incidentId: 5, sinceSeq: 0 }]) {
      expect(await call(ana, 'incident:join', bad)).toMatchObject({ ok: false, code: 'INVALID_OP' });
    }
    expect(await call(ana, 'incident:join', { incidentId: 'no-such', sinceSeq: 0 })).toMatchObject({ ok: false, code: 'INCIDENT_NOT_FOUND' });
    expect(await call(ana, 'presence:typing', { incidentId: 'inc-1', typing: 'yes' })).toMatchObject({ ok: false, code: 'INVALID_OP' });
    expect(await call(ana, 'presence:typing', { incidentId: 'inc-2', typing: true })).toMatchObject({ ok: false, code: 'NOT_JOINED' });
  });

  it('an unknown event gets an answer instead of silence', async () => {
    expect(await call(ana, 'incident:delete', { incidentId: 'inc-1' })).toMatchObject({ ok: false, code: 'INVALID_OP' });
  });

  it('the server stays up and keeps accepting valid ops after all of that', async () => {
    const before = await server.store.headSeq('inc-1');
    const r = await call(ana, 'op:submit', op('timeline.add', 'inc-1', 'ana', { entryId: randomUUID(), kind: 'note', text: 'still here' }));
    expect(r).toMatchObject({ ok: true, seq: before + 1 });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
