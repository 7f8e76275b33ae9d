/**
 * README "Duties the server runs": help escalation with no client's timer, and what resolving does
 * (closes open help requests, tells the commander to start the postmortem), seen only through the
 * wire as docs/PROTOCOL.md §5 and §13 describe it. --escalate-after-min 0.02 (1.2 s) keeps it short.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ask, connect, op, startServer, type Client, type Running } from './stranger.ts';

let srv: Running;
let lead: Client;
const INC = 'outsider-duties';
const notices: Record<string, unknown>[] = [];

beforeAll(async () => {
  srv = await startServer(['--escalate-after-min', '0.02']);
  lead = await connect(srv.url, { protocol: 1, token: srv.mint(['--role', 'lead']), clientId: 'ines' });
  lead.socket.on('incident:notice', (n: Record<string, unknown>) => notices.push(n));
  expect(await ask(lead, 'incident:create', op(INC, 'ines', 'incident.create', { title: 'Queue backlog', severity: 'SEV2' }))).toMatchObject({ ok: true });
  expect(await ask(lead, 'incident:join', { incidentId: INC, sinceSeq: 0 })).toMatchObject({ ok: true });
  expect(await ask(lead, 'op:submit', op(INC, 'ines', 'member.join', { name: 'Ines', timeZone: 'Europe/Lisbon', skills: ['kafka'] }))).toMatchObject({ ok: true });
  expect(await ask(lead, 'op:submit', op(INC, 'ines', 'incident.role', { role: 'commander', memberId: 'ines' }))).toMatchObject({ ok: true });
});
afterAll(async () => {
  lead?.socket.close();
  await srv?.stop();
});

const until = async (what: string, test: () => boolean) => {
  const deadline = Date.now() + 15_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

it('an unanswered help request is widened by the server (level 1, then 2), as War Room', async () => {
  expect(await ask(lead, 'op:submit', op(INC, 'ines', 'help.ask', { helpId: 'h-kafka', skills: ['kafka'], memberIds: [], urgency: 'now', text: 'Who knows the consumer groups?' }))).toMatchObject({ ok: true });
  const escalations = () => lead.committed.filter((o) => o.type === 'help.escalate');
  await until('level-2 escalation', () => escalations().some((o) => (o.payload as { level: number }).level === 2));
  expect(escalations().map((o) => [o.actorId, (o.payload as { helpId: string; level: number }).level])).toEqual([['warroom-server', 1], ['warroom-server', 2]]);
});

it('resolving closes the open help request and sends the commander a postmortem-due notice', async () => {
  const resolved = await ask(lead, 'op:submit', op(INC, 'ines', 'incident.status', { status: 'resolved' }));
  expect(resolved).toMatchObject({ ok: true });
  await until('postmortem-due notice', () => notices.some((n) => n.kind === 'postmortem-due'));
  expect(notices.find((n) => n.kind === 'postmortem-due')).toMatchObject({ incidentId: INC, memberIds: ['ines'], title: expect.any(String), body: expect.any(String) });
  // The help request is closed: acknowledging it now is refused as documented (§3 HELP_CLOSED).
  expect(await ask(lead, 'op:submit', op(INC, 'ines', 'help.ack', { helpId: 'h-kafka' }))).toMatchObject({ ok: false, code: 'HELP_CLOSED' });
});
