import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, refuse } from '../../shared/errors.ts';
import { stateHash } from '../../shared/hash.ts';
import { SERVER_ACTOR_ID } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { FakeServer } from './testing/fakeServer.ts';
import { makeClient, settle, type TestClient } from './testing/harness.ts';

let clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients) c.store.dispose();
  clients = [];
});

function client(server: FakeServer, opts: Parameters<typeof makeClient>[1] = {}): TestClient {
  const c = makeClient(server, opts);
  clients.push(c);
  c.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
  return c;
}

/** A connected lead with a declared incident, synced. */
async function withIncident() {
  const server = new FakeServer();
  const a = client(server, { name: 'Ana', skills: ['db'] });
  await settle(a.store);
  const r = a.store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
  if (!r.ok || !r.incidentId) throw new Error('declare failed');
  await settle(a.store);
  return { server, a, incidentId: r.incidentId };
}

async function joinOther(server: FakeServer, incidentId: string, opts: Parameters<typeof makeClient>[1] = {}) {
  const b = client(server, { name: 'Bo', skills: ['network'], ...opts });
  await settle(b.store);
  await b.store.getState().openIncident(incidentId);
  await settle(b.store);
  return b;
}

const serverHash = (server: FakeServer, id: string) => stateHash(server.incidents.get(id)!.state);

describe('sync engine with an in-memory server', () => {
  it('declares offline-first: shown at once, committed after sync, then view is committed', async () => {
    const server = new FakeServer();
    const a = client(server, { name: 'Ana' });
    await settle(a.store);
    const r = a.store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
    expect(r.ok).toBe(true);
    const s0 = a.store.getState();
    expect(s0.view?.title).toBe('Checkout 500s');
    expect(s0.committed).toBeNull();
    expect(s0.outbox.map((o) => o.type)).toEqual(['incident.create', 'member.join']);
    await settle(a.store);
    const s1 = a.store.getState();
    expect(s1.outbox).toEqual([]);
    expect(s1.headSeq).toBe(2);
    expect(s1.view).toBe(s1.committed);
    expect(s1.syncPhase).toBe('live');
    expect(stateHash(s1.committed)).toBe(serverHash(server, s1.incidentId!));
  });

  it('applies an edit optimistically with a provisional seq, then the ack clears the outbox', async () => {
    const { server, a, incidentId } = await withIncident();
    const r = a.store.getState().addEntry('note', 'Error rate at 40%');
    expect(r.ok).toBe(true);
    let s = a.store.getState();
    const entry = s.view!.timeline.find((e) => e.text === 'Error rate at 40%')!;
    expect(entry.seq).toBe(s.headSeq + 1);
    expect(s.committed!.timeline.some((e) => e.text === 'Error rate at 40%')).toBe(false);
    expect(s.outbox).toHaveLength(1);
    await settle(a.store);
    s = a.store.getState();
    expect(s.outbox).toEqual([]);
    expect(s.view).toBe(s.committed);
    expect(s.committed!.timeline.some((e) => e.text === 'Error rate at 40%')).toBe(true);
    expect(stateHash(s.committed)).toBe(serverHash(server, incidentId));
  });

  it('keeps two clients in one incident converged', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = await joinOther(server, incidentId);
    a.store.getState().addEntry('decision', 'Roll back deploy 4812');
    const t = b.store.getState().addTask({ title: 'Drain node pool' });
    await settle(a.store, b.store);
    if (!t.ok) throw new Error('task refused');
    a.store.getState().moveTask(t.id!, 'doing', 5);
    await settle(a.store, b.store);
    const ha = stateHash(a.store.getState().committed);
    expect(ha).toBe(stateHash(b.store.getState().committed));
    expect(ha).toBe(serverHash(server, incidentId));
    expect(b.store.getState().view!.tasks[t.id!]!.column).toBe('doing');
    expect(Object.keys(a.store.getState().view!.members)).toHaveLength(2);
  });

  it('removes a refused op and shows the server sentence', async () => {
    const { server, a } = await withIncident();
    server.veto = (op) => (op.type === 'timeline.add' ? refuse('FORBIDDEN_ROLE') : null);
    a.store.getState().addEntry('note', 'will be refused');
    await settle(a.store);
    const s = a.store.getState();
    expect(s.outbox).toEqual([]);
    expect(s.view!.timeline.some((e) => e.text === 'will be refused')).toBe(false);
    expect(s.notices.map((n) => [n.kind, n.code, n.message, n.opType])).toEqual([
      ['refused', 'FORBIDDEN_ROLE', ERROR_MESSAGES.FORBIDDEN_ROLE, 'timeline.add'],
    ]);
  });

  it('ignores duplicates and catches up on a seq gap', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = await joinOther(server, incidentId);
    const joinsBefore = b.transport.sent.filter((x) => x.event === 'incident:join').length;
    let dropped: CommittedOp | null = null;
    server.deliver = (op, to) => {
      if (to === b.transport && !dropped && op.type === 'timeline.add') {
        dropped = op;
        return false;
      }
      return true;
    };
    a.store.getState().addEntry('note', 'first (lost on the way to b)');
    await settle(a.store, b.store);
    expect(b.store.getState().headSeq).toBe(dropped!.seq - 1);
    a.store.getState().addEntry('note', 'second');
    await settle(a.store, b.store);
    const sb = b.store.getState();
    expect(b.transport.sent.filter((x) => x.event === 'incident:join').length).toBe(joinsBefore + 1);
    expect(stateHash(sb.committed)).toBe(serverHash(server, incidentId));
    // Redelivering an op already folded changes nothing, not even the object.
    const before = sb.committed;
    b.transport.push('op', dropped!);
    await settle(b.store);
    expect(b.store.getState().committed).toBe(before);
  });

  it('after a network cut, resubmits the outbox in order, each op exactly once', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = await joinOther(server, incidentId);
    a.transport.dropNetwork();
    expect(a.store.getState().connection).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = a.store.getState().addEntry('note', `offline edit ${i}`);
      if (!r.ok) throw new Error(r.message);
      ids.push(r.opId);
    }
    await settle(a.store, b.store);
    expect(a.store.getState().outbox).toHaveLength(20);
    expect(a.store.getState().view!.timeline.filter((e) => e.text.startsWith('offline edit'))).toHaveLength(20);
    a.transport.goOnline();
    await settle(a.store, b.store);
    const sentIds = server.received.map((o) => o.opId).filter((id) => ids.includes(id));
    expect(sentIds).toEqual(ids);
    for (const s of [a.store.getState(), b.store.getState()]) {
      expect(s.committed!.timeline.filter((e) => e.text.startsWith('offline edit')).map((e) => e.text))
        .toEqual(ids.map((_, i) => `offline edit ${i}`));
      expect(stateHash(s.committed)).toBe(serverHash(server, incidentId));
    }
    expect(a.store.getState().outbox).toEqual([]);
  });

  it('an op committed whose ack was lost is not applied twice after reconnecting', async () => {
    const { server, a, incidentId } = await withIncident();
    server.veto = (op) => {
      if (op.type === 'timeline.add') queueMicrotask(() => a.transport.dropNetwork());
      return null;
    };
    const r = a.store.getState().addEntry('note', 'ack lost');
    await settle(a.store);
    expect(a.store.getState().outbox).toHaveLength(1);
    server.veto = () => null;
    a.transport.goOnline();
    await settle(a.store);
    const s = a.store.getState();
    expect(s.outbox).toEqual([]);
    expect(s.committed!.timeline.filter((e) => e.text === 'ack lost')).toHaveLength(1);
    expect(server.incidents.get(incidentId)!.ops.filter((o) => o.opId === (r as { opId: string }).opId)).toHaveLength(1);
  });

  it('reloading while offline shows the queued edits and sends them once online', async () => {
    const { server, a, incidentId } = await withIncident();
    a.transport.dropNetwork();
    const kept = a.store.getState().addEntry('note', 'typed while offline');
    if (!kept.ok) throw new Error(kept.message);
    await kept.kept;
    a.store.dispose();
    const transport = server.transport();
    const again = makeClient(server, { persistence: a.persistence, transport });
    clients.push(again);
    expect(again.store.getState().prefs.clientId).toBe(a.store.getState().prefs.clientId);
    await again.store.getState().openIncident(incidentId);
    expect(again.store.getState().view!.timeline.some((e) => e.text === 'typed while offline')).toBe(true);
    expect(again.store.getState().syncPhase).toBe('local');
    again.store.getState().resume();
    await settle(again.store);
    const s = again.store.getState();
    expect(s.outbox).toEqual([]);
    expect(s.committed!.timeline.filter((e) => e.text === 'typed while offline')).toHaveLength(1);
  });

  it('a far-behind joiner gets a snapshot and ends in the same state', async () => {
    const { server, a, incidentId } = await withIncident();
    for (let i = 0; i < 8; i++) a.store.getState().addEntry('note', `n${i}`);
    await settle(a.store);
    server.snapshotAfter = 3;
    const b = await joinOther(server, incidentId);
    expect(b.transport.sent.some((x) => x.event === 'incident:join')).toBe(true);
    expect(stateHash(b.store.getState().committed)).toBe(serverHash(server, incidentId));
  });

  it('a refused handshake becomes a refused status with the server sentence', async () => {
    const server = new FakeServer();
    const c = makeClient(server);
    clients.push(c);
    c.transport.refuseWith = { code: 'AUTH_INVALID', message: ERROR_MESSAGES.AUTH_INVALID };
    c.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'bad-token-bad' });
    await settle(c.store);
    expect(c.store.getState().connection).toEqual({ kind: 'refused', code: 'AUTH_INVALID', message: ERROR_MESSAGES.AUTH_INVALID });
    expect(c.store.getState().lastConnectionError).toBe(ERROR_MESSAGES.AUTH_INVALID);
  });

  it('a viewer cannot queue edits', async () => {
    const { server, incidentId } = await withIncident();
    const v = await joinOther(server, incidentId, { access: 'viewer' });
    expect(v.store.getState().access).toBe('viewer');
    const r = v.store.getState().addEntry('note', 'x');
    expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN_ROLE' });
    expect(v.store.getState().view!.members[v.store.getState().prefs.clientId]).toBeUndefined();
  });

  it('notifies a member when a help request reaches their skill', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = await joinOther(server, incidentId);
    a.store.getState().askHelp({ skills: ['network'], memberIds: [], urgency: 'now', text: 'BGP flapping' });
    a.store.getState().askHelp({ skills: ['frontend'], memberIds: [], urgency: 'soon', text: 'CSS' });
    await settle(a.store, b.store);
    expect(b.notified.map((n) => n.body)).toEqual(['Ana: BGP flapping']);
    expect(a.notified).toEqual([]);
  });

  it('summarizes what changed since the member last looked', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = await joinOther(server, incidentId);
    const bId = b.store.getState().prefs.clientId;
    b.store.getState().closeIncident();
    await settle(a.store, b.store);
    a.store.getState().addEntry('note', 'While you were out');
    a.store.getState().setStatus('identified');
    a.store.getState().addTask({ title: 'Your task', assigneeId: bId });
    a.store.getState().askHelp({ skills: ['network'], memberIds: [], urgency: 'now', text: 'need network' });
    await settle(a.store);
    await b.store.getState().openIncident(incidentId);
    await settle(b.store);
    const away = b.store.getState().awaySummary!;
    expect(away.newEntries.map((e) => e.text)).toEqual(['While you were out']);
    expect(away.changes.map((e) => e.kind)).toEqual(['status']);
    expect(away.tasksForMe.map((t) => t.title)).toEqual(['Your task']);
    expect(away.helpForMe.map((h) => h.text)).toEqual(['need network']);
  });

  it('opening while connected reads the local copy before joining, and closing mid-read wipes nothing', async () => {
    const { server, a, incidentId } = await withIncident();
    a.transport.dropNetwork();
    const r = a.store.getState().addEntry('note', 'queued on disk');
    if (!r.ok) throw new Error(r.message);
    await r.kept;
    a.store.dispose();
    const b = makeClient(server, { persistence: a.persistence });
    clients.push(b);
    b.store.getState().resume();
    await settle(b.store);
    void b.store.getState().openIncident(incidentId);
    b.store.getState().closeIncident();
    await settle(b.store);
    const serverUrl = b.store.getState().prefs.serverUrl!;
    // Not wiped: the edit is still queued on disk, or (sent in the background) folded into the stored state.
    const stored = (await a.persistence.loadIncident(serverUrl, incidentId))!;
    const onDisk = stored.outbox.some((o) => o.opId === r.opId) || stored.state!.timeline.some((e) => e.text === 'queued on disk');
    expect(onDisk).toBe(true);
    // The connection comes up while the disk is still answering: the join must wait for the local copy.
    b.store.getState().disconnect();
    const load = a.persistence.loadIncident.bind(a.persistence);
    a.persistence.loadIncident = async (...args) => {
      await new Promise((done) => setTimeout(done, 20));
      return load(...args);
    };
    const opened = b.store.getState().openIncident(incidentId);
    b.store.getState().reconnect();
    await opened;
    await settle(b.store);
    const joins = b.transport.sent.filter((x) => x.event === 'incident:join');
    expect(joins.at(-1)!.args[0]).toEqual({ incidentId, sinceSeq: stored.state!.headSeq, snapshotPages: true });
    expect(joins.filter((j) => (j.args[0] as { sinceSeq: number }).sinceSeq === 0)).toEqual([]);
    expect(server.received.filter((o) => o.opId === r.opId)).toHaveLength(1);
    expect(b.store.getState().committed!.timeline.filter((e) => e.text === 'queued on disk')).toHaveLength(1);
  });

  it('sends edits queued in an incident that is no longer open, without reopening it', async () => {
    const { server, a, incidentId } = await withIncident();
    const other = a.store.getState().declareIncident({ title: 'Second fire', severity: 'SEV3' });
    if (!other.ok) throw new Error(other.message);
    await settle(a.store);
    await a.store.getState().openIncident(incidentId);
    await settle(a.store);
    a.transport.dropNetwork();
    server.veto = (op) => (op.type === 'timeline.add' && op.payload.text === 'refused one' ? refuse('FORBIDDEN_ROLE') : null);
    const kept = ['queued 1', 'refused one', 'queued 2'].map((t) => a.store.getState().addEntry('note', t));
    await Promise.all(kept.map((k) => (k.ok ? k.kept : null)));
    await a.store.getState().openIncident(other.incidentId!);
    a.transport.goOnline();
    await settle(a.store);
    const committed = server.incidents.get(incidentId)!.state.timeline.map((e) => e.text);
    expect(committed.filter((t) => t.startsWith('queued'))).toEqual(['queued 1', 'queued 2']);
    const stored = await a.persistence.loadIncident(a.store.getState().prefs.serverUrl!, incidentId);
    expect(stored!.outbox).toEqual([]);
    expect(stored!.headSeq).toBe(server.incidents.get(incidentId)!.state.headSeq);
    expect(a.store.getState().notices.map((n) => n.message)).toEqual([`Checkout 500s: ${ERROR_MESSAGES.FORBIDDEN_ROLE}`]);
    expect(a.transport.joined.has(incidentId)).toBe(false);
  });

  it('no client sends an escalation on the tick; the server\'s escalation op notifies who it now reaches', async () => {
    const server = new FakeServer();
    let clock = server.time - 60_000;
    const now = () => clock;
    const a = client(server, { name: 'Ana', now });
    await settle(a.store);
    const declared = a.store.getState().declareIncident({ title: 'Escalation drill', severity: 'SEV2' });
    await settle(a.store);
    const incidentId = declared.ok ? declared.incidentId! : '';
    const b = await joinOther(server, incidentId, { now });
    const asked = a.store.getState().askHelp({ skills: ['db'], memberIds: [], urgency: 'now', text: 'DBA please' });
    if (!asked.ok) throw new Error(asked.message);
    await settle(a.store, b.store);
    clock += 60 * 60_000;
    a.store.tick();
    b.store.tick();
    await settle(a.store, b.store);
    expect(server.received.filter((o) => o.type === 'help.escalate')).toEqual([]);
    // B has no #db skill: only the server's level-2 escalation reaches B.
    expect(b.notified).toEqual([]);
    server.serverWrites({
      opId: '00000000-0000-5000-8000-000000000001', incidentId, actorId: SERVER_ACTOR_ID, clientTime: server.time, type: 'help.escalate',
      payload: { helpId: asked.id!, level: 2 },
    });
    await settle(a.store, b.store);
    expect(b.store.getState().committed!.help[asked.id!]!.escalation).toBe(2);
    expect(b.notified.map((n) => n.title)).toEqual(['Help needed now: Escalation drill']);
    expect(a.notified).toEqual([]);
  });

  it('shows a server notice to the members it names, and to nobody else', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = await joinOther(server, incidentId);
    const me = a.store.getState().prefs.clientId;
    server.notice({ incidentId, kind: 'update-overdue', memberIds: [me], title: 'Stakeholder update overdue: X', body: 'Post an update', seq: 3, late: false });
    server.notice({ incidentId, kind: 'postmortem-due', memberIds: null, title: 'Resolved: X', body: 'Start the postmortem', seq: 4, late: false });
    await settle(a.store, b.store);
    expect(a.notified.map((n) => n.title)).toEqual(['Stakeholder update overdue: X', 'Resolved: X']);
    expect(b.notified.map((n) => n.title)).toEqual(['Resolved: X']);
  });
});
