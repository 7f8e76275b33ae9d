// The server's clock: help escalation with no client connected, survival across a restart (late),
// nothing after a resolve, and the overdue-update reminder with its notice to commander and comms.
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_ACTOR_ID } from '../../shared/model.ts';
import type { IncidentNotice } from '../../shared/protocol.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import type { ServerConfig } from '../../server/config.ts';
import { op, removeDir, startServer, tempDir, until, type Client } from '../server/helpers.ts';
import { incidentWithPeople, opsOf, sleep, submitOk } from './helpers.ts';

const dirs: string[] = [];
const servers: WarRoomServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function start(config: Partial<ServerConfig>, dir = tempDir('warroom-duties-')): Promise<{ server: WarRoomServer; dir: string }> {
  if (!dirs.includes(dir)) dirs.push(dir);
  const server = await startServer(dir, { dutyScanMs: 100, ...config });
  servers.push(server);
  return { server, dir };
}

async function stop(server: WarRoomServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1);
  await server.close();
}

const escalations = async (server: WarRoomServer, incidentId: string) => (await opsOf(server, incidentId)).filter((o) => o.type === 'help.escalate');

describe('help escalation on the server', () => {
  it('widens to the skill, then to everyone, with every client gone, once each', { timeout: 30_000 }, async () => {
    // 0.02 min = 1.2 s per step.
    const { server } = await start({ escalateAfterMin: 0.02 });
    const { incidentId, ana, bo, cy } = await incidentWithPeople(server);
    const askedSeq = await submitOk(ana, op('help.ask', incidentId, 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'DB on fire' }));
    const asked = (await opsOf(server, incidentId)).find((o) => o.seq === askedSeq)!;
    const askedAt = Math.min(asked.clientTime, asked.serverTime);
    for (const c of [ana, bo, cy]) c.close();
    await until(() => server.incidentState(incidentId)?.help.h1?.escalation === 2, 'level 2 escalation', 15_000);
    // Let a few more scans run: nothing more is written.
    await sleep(600);
    const ops = await escalations(server, incidentId);
    expect(ops.map((o) => (o.type === 'help.escalate' ? o.payload.level : 0))).toEqual([1, 2]);
    expect(ops.every((o) => o.actorId === SERVER_ACTOR_ID)).toBe(true);
    expect(ops[0]!.serverTime - askedAt).toBeGreaterThanOrEqual(1_200);
    expect(ops[1]!.serverTime - askedAt).toBeGreaterThanOrEqual(2_400);
    const rows = server.incidentState(incidentId)!.timeline.filter((e) => e.ref === 'h1' && e.text.includes('escalated'));
    expect(rows.map((e) => e.text)).toEqual(['Help request unanswered: escalated to everyone with #db', 'Help request unanswered: escalated to everyone in the incident']);
  });

  it('an acknowledged request does not widen', { timeout: 20_000 }, async () => {
    const { server } = await start({ escalateAfterMin: 0.01 });
    const { incidentId, ana, bo } = await incidentWithPeople(server);
    clients.push(ana, bo);
    await submitOk(ana, op('help.ask', incidentId, 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'x' }));
    await submitOk(bo, op('help.ack', incidentId, 'bo', { helpId: 'h1' }));
    await sleep(1_800);
    expect(await escalations(server, incidentId)).toEqual([]);
  });

  it('an escalation due 1 s after the resolve never fires, and the resolve closes the open help', { timeout: 20_000 }, async () => {
    // 1/60 min = 1 s.
    const { server } = await start({ escalateAfterMin: 1 / 60 });
    const { incidentId, ana, bo, cy } = await incidentWithPeople(server);
    clients.push(ana, bo, cy);
    await submitOk(ana, op('help.ask', incidentId, 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'x' }));
    await submitOk(ana, op('incident.status', incidentId, 'ana', { status: 'resolved' }));
    expect(server.incidentState(incidentId)!.help.h1!.status).toBe('cancelled');
    await sleep(3_000);
    expect(await escalations(server, incidentId)).toEqual([]);
    expect(server.incidentState(incidentId)!.timeline.some((e) => e.text === 'Help request closed: the incident was resolved')).toBe(true);
  });

  it('an archived incident gets no escalation until it is taken out of the archive', { timeout: 20_000 }, async () => {
    const { server } = await start({ escalateAfterMin: 0.005 });
    const { incidentId, ana, bo, cy } = await incidentWithPeople(server);
    clients.push(ana, bo, cy);
    await submitOk(ana, op('incident.archive', incidentId, 'ana', { archived: true }));
    await submitOk(ana, op('help.ask', incidentId, 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'x' }));
    await sleep(1_500);
    expect(await escalations(server, incidentId)).toEqual([]);
    await submitOk(ana, op('incident.archive', incidentId, 'ana', { archived: false }));
    await until(() => server.incidentState(incidentId)?.help.h1?.escalation === 2, 'escalation after unarchive');
  });

  it('a duty due while the server was down fires once on start, marked late', { timeout: 30_000 }, async () => {
    const first = await start({ escalateAfterMin: 60 });
    const { incidentId, ana, bo, cy } = await incidentWithPeople(first.server);
    await submitOk(ana, op('help.ask', incidentId, 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'x' }));
    for (const c of [ana, bo, cy]) c.close();
    await stop(first.server);
    await sleep(800);
    // 0.005 min = 0.3 s: both levels fell due while no server ran; only the highest goes out.
    const second = await start({ escalateAfterMin: 0.005 }, first.dir);
    await until(() => second.server.incidentState(incidentId)?.help.h1?.escalation === 2, 'late escalation');
    await stop(second.server);
    const third = await start({ escalateAfterMin: 0.005 }, first.dir);
    await sleep(600);
    const ops = await escalations(third.server, incidentId);
    expect(ops).toHaveLength(1);
    expect(ops[0]!.type === 'help.escalate' && ops[0]!.payload).toEqual({ helpId: 'h1', level: 2, late: true });
    expect(third.server.incidentState(incidentId)!.timeline.some((e) => e.text.includes('(late: the server was not running when it was due)'))).toBe(true);
  });
});

describe('stakeholder update reminder', () => {
  it('writes one system row per missed due time and notifies commander and comms', { timeout: 30_000 }, async () => {
    let offsetMs = 0;
    const { server } = await start({ dutyNow: () => Date.now() + offsetMs });
    const { incidentId, ana, bo, cy } = await incidentWithPeople(server);
    clients.push(ana, bo, cy);
    await submitOk(ana, op('incident.role', incidentId, 'ana', { role: 'commander', memberId: 'ana' }));
    await submitOk(ana, op('incident.role', incidentId, 'ana', { role: 'comms', memberId: 'bo' }));
    const notices: Record<string, IncidentNotice[]> = { ana: [], bo: [], cy: [] };
    for (const [name, c] of [['ana', ana], ['bo', bo], ['cy', cy]] as const) c.on('incident:notice', (n) => notices[name]!.push(n));
    await sleep(400);
    expect((await opsOf(server, incidentId)).filter((o) => o.type === 'incident.reminder')).toEqual([]);
    // SEV1: an update every 15 minutes from the declaration.
    offsetMs = 15 * 60_000 + 1_000;
    await until(() => notices.ana!.length === 1 && notices.bo!.length === 1, 'reminder notices');
    await sleep(500);
    const reminders = (await opsOf(server, incidentId)).filter((o) => o.type === 'incident.reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.actorId).toBe(SERVER_ACTOR_ID);
    expect(notices.ana![0]).toMatchObject({ incidentId, kind: 'update-overdue', memberIds: ['ana', 'bo'], late: false });
    expect(server.incidentState(incidentId)!.timeline.filter((e) => e.ref === 'reminder:update')).toHaveLength(1);
    // A missed cadence later, still no update: a second reminder. Then an update stops them.
    offsetMs = 30 * 60_000 + 2_000;
    await until(() => notices.ana!.length === 2, 'second reminder');
    // Back to the real clock (the update's time is the server's), then the next update is not due.
    offsetMs = 0;
    await submitOk(ana, op('timeline.add', incidentId, 'ana', { entryId: 'u1', kind: 'update', text: 'Mitigated, watching.' }));
    await sleep(500);
    expect((await opsOf(server, incidentId)).filter((o) => o.type === 'incident.reminder')).toHaveLength(2);
  });

  it('resolving stops reminders and sends the postmortem notice', { timeout: 20_000 }, async () => {
    let offsetMs = 0;
    const { server } = await start({ dutyNow: () => Date.now() + offsetMs });
    const { incidentId, ana, bo, cy } = await incidentWithPeople(server);
    clients.push(ana, bo, cy);
    await submitOk(ana, op('incident.role', incidentId, 'ana', { role: 'commander', memberId: 'ana' }));
    const got: IncidentNotice[] = [];
    ana.on('incident:notice', (n) => got.push(n));
    await submitOk(ana, op('incident.status', incidentId, 'ana', { status: 'resolved' }));
    await until(() => got.length === 1, 'postmortem notice');
    expect(got[0]).toMatchObject({ kind: 'postmortem-due', memberIds: ['ana'], incidentId });
    offsetMs = 60 * 60_000;
    await sleep(800);
    expect((await opsOf(server, incidentId)).filter((o) => o.type === 'incident.reminder')).toEqual([]);
    expect(got).toHaveLength(1);
  });
});
