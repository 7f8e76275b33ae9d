// Ids that are JavaScript property names ("constructor", "__proto__", "toString"…) are just ids: the
// server, a client folding the server's log, and the exporter agree on every decision and state.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv, formatHtml, formatJson, formatMarkdown, importJson } from '../../shared/export/index.ts';
import { stateHash } from '../../shared/hash.ts';
import { own, type IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';
import { idSchema } from '../../shared/ops.ts';
import { apply, replay } from '../../shared/reducer.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';

const PROTO_NAMES = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', 'toJSON', 'then', 'length'];
const ACTORS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'alice'];
const id = fc.oneof(fc.constantFrom(...PROTO_NAMES), fc.stringMatching(/^[A-Za-z0-9_.:-]{1,10}$/));

/** One step a person could take, with ids drawn from the schema's grammar and every prototype name. */
const stepArb = fc.tuple(fc.constantFrom(...ACTORS), fc.oneof(
  id.map((taskId) => ['task.add', { taskId, title: `task ${taskId}` }] as const),
  fc.tuple(id, id).map(([taskId, assigneeId]) => ['task.update', { taskId, assigneeId }] as const),
  id.map((taskId) => ['task.move', { taskId, column: 'doing', rank: 1 }] as const),
  id.map((taskId) => ['task.delete', { taskId }] as const),
  fc.tuple(id, id).map(([helpId, m]) => ['help.ask', { helpId, skills: [], memberIds: [m], urgency: 'now', text: 'help' }] as const),
  id.map((helpId) => ['help.ask', { helpId, skills: ['db'], memberIds: [], urgency: 'soon', text: 'help' }] as const),
  id.map((helpId) => ['help.ack', { helpId }] as const),
  id.map((helpId) => ['help.resolve', { helpId }] as const),
  id.map((memberId) => ['incident.role', { role: 'commander', memberId }] as const),
  fc.constant(['member.update', { availability: 'busy' }] as const),
  id.map((entryId) => ['timeline.add', { entryId, kind: 'note', text: `note ${entryId}` }] as const),
  id.map((entryId) => ['timeline.pin', { entryId, pinned: true }] as const),
  fc.tuple(id, id).map(([actionId, ownerId]) => ['postmortem.action.add', { actionId, title: 'fix', priority: 'P2', type: 'prevent', ownerId }] as const),
));

/** Every keyed record is its own key's record: no inherited value ever passed for one. */
function assertWellFormed(s: IncidentState): void {
  for (const [name, coll] of [['members', s.members], ['tasks', s.tasks], ['help', s.help]] as const) {
    expect(Object.getPrototypeOf(coll)).toBe(Object.prototype);
    for (const [key, value] of Object.entries(coll as Record<string, { id: string }>)) {
      expect(typeof value, `${name}.${key}`).toBe('object');
      expect(value.id, `${name}.${key}`).toBe(key);
    }
  }
  for (const holder of Object.values(s.roles)) if (holder !== null) expect(own(s.members, holder)).toBeDefined();
  for (const t of Object.values(s.tasks)) if (t.assigneeId !== null) expect(own(s.members, t.assigneeId)).toBeDefined();
}

let dir = '';
let server: WarRoomServer;
const sockets = new Map<string, Client>();

beforeAll(async () => {
  for (const a of ACTORS) expect(idSchema.safeParse(a).success).toBe(true);
  dir = tempDir();
  server = await startServer(dir);
  for (const a of ACTORS) sockets.set(a, await connect(server.url, { token: server.createToken('lead'), clientId: a }));
});

afterAll(async () => {
  for (const s of sockets.values()) s.close();
  await server?.close();
  removeDir(dir);
});

let run = 0;

describe('ids that are JavaScript property names', () => {
  it('the listed cases: refusals name the real reason, and nothing is written for an id that does not exist', async () => {
    const ops: CommittedOp[] = [];
    const add = (o: Op) => {
      const c = { ...o, seq: ops.length + 1, serverTime: o.clientTime } as CommittedOp;
      ops.push(c);
      return c;
    };
    const created = apply(null, add(op('incident.create', 'p', 'alice', { title: 'x', severity: 'SEV3' })));
    if (!created.ok) throw new Error(created.message);
    let s: IncidentState = created.state;
    const step = (o: Op) => {
      const r = apply(s, add(o));
      if (r.ok) s = r.state;
      else ops.pop();
      return r.ok ? 'ok' : r.code;
    };
    expect(step(op('member.join', 'p', 'alice', { name: 'Alice', timeZone: 'UTC' }))).toBe('ok');
    expect(step(op('task.add', 'p', 'alice', { taskId: 'constructor', title: 'a task named constructor' }))).toBe('ok');
    expect(step(op('help.ask', 'p', 'alice', { helpId: 'toString', skills: ['db'], memberIds: [], urgency: 'now', text: 'x' }))).toBe('ok');
    expect(step(op('help.ack', 'p', 'alice', { helpId: 'propertyIsEnumerable' }))).toBe('HELP_NOT_FOUND');
    expect(step(op('incident.role', 'p', 'alice', { role: 'commander', memberId: 'constructor' }))).toBe('MEMBER_NOT_FOUND');
    expect(step(op('member.update', 'p', 'toString', { availability: 'busy' }))).toBe('MEMBER_NOT_FOUND');
    expect(step(op('task.add', 'p', 'alice', { taskId: '__proto__', title: 'a task named __proto__' }))).toBe('ok');
    const state = s;
    expect(Object.keys(state.tasks).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(state.members)).toEqual(['alice']);
    expect(Object.keys(state.help)).toEqual(['toString']);
    assertWellFormed(state);
    // The state survives JSON (snapshots, IndexedDB, exports) with the same keys.
    const back = JSON.parse(JSON.stringify(state)) as IncidentState;
    expect(stateHash(back)).toBe(stateHash(state));
    expect(Object.keys(back.tasks).sort()).toEqual(['__proto__', 'constructor']);
    // An export that starts from a snapshot keeps every record on import (zod's record would drop __proto__).
    const file = await formatJson({ base: { seq: state.headSeq, state }, ops: [], exportedAt: Date.now() });
    const imported = await importJson(file);
    if (!imported.ok) throw new Error(imported.message);
    expect(Object.keys(imported.value.state.tasks).sort()).toEqual(['__proto__', 'constructor']);
    expect(stateHash(imported.value.state)).toBe(stateHash(state));
  });

  it('server, a client folding the server log, and the JSON exporter agree on random logs', async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 40 }), async (steps) => {
      const incidentId = `proto-${++run}`;
      const creator = sockets.get('alice')!;
      expect(await call(creator, 'incident:create', op('incident.create', incidentId, 'alice', { title: 'prototype ids', severity: 'SEV3' }))).toMatchObject({ ok: true });
      for (const a of ACTORS) {
        const sock = sockets.get(a)!;
        expect(await call(sock, 'incident:join', { incidentId, sinceSeq: 0 })).toMatchObject({ ok: true });
        // Two of five actors never join as members: ops in their name must be refused, not create records.
        if (a !== 'hasOwnProperty' && a !== '__proto__') {
          expect(await call(sock, 'op:submit', op('member.join', incidentId, a, { name: `M ${a}`, timeZone: 'Europe/Paris', skills: ['db'] }))).toMatchObject({ ok: true });
        }
      }
      // The client's prediction for each step (its optimistic fold) must match the server's answer.
      let predicted: IncidentState | null = server.incidentState(incidentId);
      for (const [actor, [type, payload]] of steps) {
        const o = op(type, incidentId, actor, payload as never);
        const local = apply(predicted, { ...o, seq: (predicted?.headSeq ?? 0) + 1, serverTime: o.clientTime } as CommittedOp);
        const ack = await call<{ ok: boolean; code?: string }>(sockets.get(actor)!, 'op:submit', o);
        expect(ack.ok ? 'ok' : ack.code, `${type} by ${actor} ${JSON.stringify(payload)}`).toBe(local.ok ? 'ok' : local.code);
        if (ack.ok) predicted = server.incidentState(incidentId);
      }
      const serverState = server.incidentState(incidentId)!;
      assertWellFormed(serverState);
      // A client that joins from nothing folds the server's whole log to the same state.
      const page = await call<{ ok: true; ops: CommittedOp[] }>(creator, 'incident:ops', { incidentId, afterSeq: 0, limit: 1000 });
      const folded = replay(page.ops);
      expect(folded.ok).toBe(true);
      const clientState = (folded as { state: IncidentState }).state;
      expect(stateHash(clientState)).toBe(stateHash(serverState));
      // The exporter: JSON round-trips to the same state; the text formats render every record without throwing.
      const json = await formatJson({ ops: page.ops, exportedAt: Date.now() });
      const imported = await importJson(json);
      expect(imported.ok).toBe(true);
      if (imported.ok) expect(stateHash(imported.value.state)).toBe(stateHash(serverState));
      const md = formatMarkdown(serverState, { exportedAt: Date.now() });
      for (const a of ['constructor', 'toString', 'alice']) expect(md).toContain(`M ${a}`);
      expect(() => formatHtml(serverState, { exportedAt: Date.now() })).not.toThrow();
      expect(() => formatCsv(serverState, { exportedAt: Date.now() })).not.toThrow();
    }), { numRuns: 25, seed: 20261203 });
  });
});
