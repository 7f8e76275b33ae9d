// Server-only ops, the lead-only archive, the server's actor id, and integration tokens at the handshake.
import { describe, expect, it } from 'vitest';
import { SERVER_ACTOR_ID } from '../../shared/model.ts';
import type { OpType, PayloadOf } from '../../shared/ops.ts';
import { call, connect, member, op, refusalOf, serverFixture } from '../server/helpers.ts';

const fx = serverFixture();

async function setUp() {
  const lead = await fx.connectAs('ana', 'lead');
  await call(lead, 'incident:create', op('incident.create', 'inc-1', 'ana', { title: 'T', severity: 'SEV2' }));
  await call(lead, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
  await call(lead, 'op:submit', op('member.join', 'inc-1', 'ana', member('Ana')));
  await call(lead, 'op:submit', op('help.ask', 'inc-1', 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'x' }));
  const resp = await fx.connectAs('bo', 'responder');
  await call(resp, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
  return { lead, resp };
}

const serverOnly: { [T in OpType]?: PayloadOf<T> } = {
  'help.escalate': { helpId: 'h1', level: 1 },
  'incident.reminder': { kind: 'update-overdue', dueAt: Date.now() },
  'alert.record': {
    entryId: 'a1', source: 'alertmanager', status: 'firing', name: 'X', fingerprint: 'f', labels: [], summary: '', description: '',
    startsAt: Date.now(), endsAt: null, generatorUrl: '',
  },
};

describe('permissions', () => {
  it.each(Object.entries(serverOnly))('%s is refused from a lead with SERVER_ONLY, and nothing is stored', async (type, payload) => {
    const { lead } = await setUp();
    const before = await fx.server.store.headSeq('inc-1');
    const r = await call(lead, 'op:submit', op(type as OpType, 'inc-1', 'ana', payload as never));
    expect(r).toMatchObject({ ok: false, code: 'SERVER_ONLY' });
    expect(await fx.server.store.headSeq('inc-1')).toBe(before);
  });

  it('archive is lead only, undoable, and the list carries archivedAt', async () => {
    const { lead, resp } = await setUp();
    expect(await call(resp, 'op:submit', op('incident.archive', 'inc-1', 'bo', { archived: true }))).toMatchObject({ ok: false, code: 'LEAD_ONLY' });
    expect(await call(lead, 'op:submit', op('incident.archive', 'inc-1', 'ana', { archived: true }))).toMatchObject({ ok: true });
    const list = await call<{ ok: true; incidents: { id: string; archivedAt: number | null }[] }>(lead, 'incident:list');
    expect(list.incidents.find((i) => i.id === 'inc-1')!.archivedAt).toEqual(expect.any(Number));
    expect(await call(lead, 'op:submit', op('incident.archive', 'inc-1', 'ana', { archived: false }))).toMatchObject({ ok: true });
    const again = await call<{ ok: true; incidents: { id: string; archivedAt: number | null }[] }>(lead, 'incident:list');
    expect(again.incidents.find((i) => i.id === 'inc-1')!.archivedAt).toBeNull();
  });

  it('no client may connect as, or act as, the server', async () => {
    const refusal = await refusalOf(fx.server.url, { token: fx.server.createToken('lead'), clientId: SERVER_ACTOR_ID });
    expect(refusal.code).toBe('ACTOR_MISMATCH');
    const { lead } = await setUp();
    const r = await call(lead, 'op:submit', op('timeline.add', 'inc-1', SERVER_ACTOR_ID, { entryId: 'e1', kind: 'note', text: 'I am the server' }));
    expect(r).toMatchObject({ ok: false, code: 'SERVER_ONLY' });
  });

  it('an integration token is refused at the handshake', async () => {
    const refusal = await refusalOf(fx.server.url, { token: fx.server.createToken('integration'), clientId: 'prom' });
    expect(refusal.code).toBe('INTEGRATION_ONLY');
    expect(refusal.message).toMatch(/monitoring webhooks/);
    // Refused before redemption: the member id it claimed is still free for a real invite.
    const c = await connect(fx.server.url, { token: fx.server.createToken('viewer'), clientId: 'prom' });
    c.close();
  });
});
