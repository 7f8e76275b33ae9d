/**
 * docs/PROTOCOL.md followed to the letter by a client that knows nothing else: invite → session
 * token → join → the new op types, and every refusal the page documents, with its code and shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, cli, connect, op, startServer, tokenOf, type Client, type Refusal, type Running } from './stranger.ts';

let srv: Running;
let leadInvite: string;
let responderInvite: string;
let viewerInvite: string;
let integration: string;
let lead: Client;
let responder: Client;
const INC = 'outsider-db-latency';
const clients: Client[] = [];

const refusal = (r: unknown) => r as { ok: boolean } & Refusal;
async function open(auth: Record<string, unknown>): Promise<Client> {
  const c = await connect(srv.url, { protocol: 1, ...auth });
  clients.push(c);
  return c;
}
async function refused(auth: Record<string, unknown>): Promise<Refusal> {
  try {
    const c = await open(auth);
    c.socket.close();
  } catch (e) {
    return e as Refusal;
  }
  throw new Error('the handshake was accepted');
}
const expectRefusal = (r: unknown, code: string) => {
  expect(refusal(r)).toMatchObject({ ok: false, code });
  expect(typeof refusal(r).message).toBe('string');
  expect(refusal(r).message.length).toBeGreaterThan(10);
};

beforeAll(async () => {
  srv = await startServer();
  leadInvite = srv.mint(['--role', 'lead']);
  responderInvite = srv.mint(['--role', 'responder']);
  viewerInvite = srv.mint(['--role', 'viewer']);
  integration = srv.mint(['--role', 'integration']);
  lead = await open({ token: leadInvite, clientId: 'camille' });
  responder = await open({ token: responderInvite, clientId: 'tom' });
});
afterAll(async () => {
  for (const c of clients) c.socket.close();
  await srv?.stop();
});

describe('§2 / §12 connecting with an invite', () => {
  it('an invite is redeemed into a personal session token, also in session:whoami', async () => {
    const grant = await lead.session;
    expect(grant).toMatchObject({ clientId: 'camille' });
    expect(typeof grant.token).toBe('string');
    const me = await ask(lead, 'session:whoami');
    expect(me).toMatchObject({ ok: true, clientId: 'camille', access: 'lead', incidentId: null, serverProtocol: 1, sessionToken: grant.token });
  });

  it('the session token reconnects as its holder whatever clientId says; the invite cannot re-claim the id', async () => {
    const grant = await lead.session;
    const again = await open({ token: grant.token, clientId: 'someone-else' });
    expect(await ask(again, 'session:whoami')).toMatchObject({ ok: true, clientId: 'camille', access: 'lead' });
    again.socket.close();
    expect(await refused({ token: leadInvite, clientId: 'camille' })).toMatchObject({ code: 'CLIENT_ID_TAKEN' });
  });

  it('§12 another invite for the same id: auth.session proves it is the holder and brings a new session with the new scope', async () => {
    const grant = await lead.session;
    const other = srv.mint(['--role', 'viewer']);
    expect(await refused({ token: other, clientId: 'camille' })).toMatchObject({ code: 'CLIENT_ID_TAKEN' });
    const c = await open({ token: other, clientId: 'camille', session: grant.token });
    const second = await c.session;
    expect(second.token).not.toBe(grant.token);
    expect(await ask(c, 'session:whoami')).toMatchObject({ ok: true, clientId: 'camille', access: 'viewer' });
    c.socket.close();
  });

  it('documented handshake refusals: protocol, missing token, bad token, integration token, server actor id', async () => {
    expect(await refused({ token: leadInvite, clientId: 'x1', protocol: 2 })).toMatchObject({ code: 'PROTOCOL_UNSUPPORTED', serverProtocol: 1 });
    expect(await refused({ clientId: 'x2' })).toMatchObject({ code: 'AUTH_MISSING' });
    expect(await refused({ token: `${leadInvite}x`, clientId: 'x3' })).toMatchObject({ code: 'AUTH_INVALID' });
    expect(await refused({ token: leadInvite, clientId: 'bad id with spaces' })).toMatchObject({ code: 'AUTH_INVALID' });
    expect(await refused({ token: integration, clientId: 'x4' })).toMatchObject({ code: 'INTEGRATION_ONLY' });
    expect(await refused({ token: leadInvite, clientId: 'warroom-server' })).toMatchObject({ code: 'ACTOR_MISMATCH' });
  });
});

describe('§4 / §6 ops of the new types, and their refusals', () => {
  beforeAll(async () => {
    const created = await ask(lead, 'incident:create', op(INC, 'camille', 'incident.create', { title: 'DB latency', severity: 'SEV2' }));
    expect(created).toMatchObject({ ok: true, seq: 1, incidentId: INC });
    for (const [c, name] of [[lead, 'Camille'], [responder, 'Tom']] as const) {
      expect(await ask(c, 'incident:join', { incidentId: INC, sinceSeq: 0 })).toMatchObject({ ok: true });
      const id = name.toLowerCase();
      expect(await ask(c, 'op:submit', op(INC, id, 'member.join', { name, timeZone: 'Europe/Paris' }))).toMatchObject({ ok: true });
    }
  });

  it('incident.times sets a key time; the same value again is INVALID_STATE', async () => {
    const detectedAt = Date.now() - 60_000;
    const first = await ask(responder, 'op:submit', op(INC, 'tom', 'incident.times', { detectedAt }));
    expect(first).toMatchObject({ ok: true });
    expect(typeof first.seq).toBe('number');
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'incident.times', { detectedAt })), 'INVALID_STATE');
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'incident.times', { startedAt: null })), 'INVALID_OP');
  });

  it('postmortem.action.add as a responder; a taken id is ALREADY_EXISTS; an update of an unknown id ACTION_NOT_FOUND', async () => {
    const action = { actionId: 'a-1', title: 'Alert on p99 latency', priority: 'P1', type: 'detect', ownerId: 'tom', ticketUrl: '' };
    expect(await ask(responder, 'op:submit', op(INC, 'tom', 'postmortem.action.add', action))).toMatchObject({ ok: true });
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'postmortem.action.add', action)), 'ALREADY_EXISTS');
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'postmortem.action.update', { actionId: 'nope', status: 'done' })), 'ACTION_NOT_FOUND');
  });

  it('incident.archive: a responder gets LEAD_ONLY, the lead archives, and the list carries archivedAt', async () => {
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'incident.archive', { archived: true })), 'LEAD_ONLY');
    expect(await ask(lead, 'op:submit', op(INC, 'camille', 'incident.archive', { archived: true }))).toMatchObject({ ok: true });
    const list = await ask<{ ok: boolean; incidents: Record<string, unknown>[] }>(lead, 'incident:list');
    const entry = list.incidents.find((i) => i.id === INC);
    expect(typeof entry?.archivedAt).toBe('number');
    expect(await ask(lead, 'op:submit', op(INC, 'camille', 'incident.archive', { archived: false }))).toMatchObject({ ok: true });
  });

  it('a forged actorId is ACTOR_MISMATCH and stores nothing', async () => {
    const before = await ask<{ headSeq: number }>(responder, 'incident:ops', { incidentId: INC, afterSeq: 0, limit: 1 });
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'camille', 'incident.status', { status: 'resolved' })), 'ACTOR_MISMATCH');
    const after = await ask<{ headSeq: number }>(responder, 'incident:ops', { incidentId: INC, afterSeq: 0, limit: 1 });
    expect(after.headSeq).toBe(before.headSeq);
  });

  it('server-only op types and the server actor id are SERVER_ONLY', async () => {
    expectRefusal(await ask(lead, 'op:submit', op(INC, 'camille', 'help.escalate', { helpId: 'h-1', level: 1 })), 'SERVER_ONLY');
    expectRefusal(await ask(lead, 'op:submit', op(INC, 'camille', 'incident.reminder', { kind: 'update-overdue', dueAt: Date.now() })), 'SERVER_ONLY');
    expectRefusal(await ask(lead, 'op:submit', op(INC, 'warroom-server', 'timeline.add', { entryId: 'e-srv', kind: 'note', text: 'I am the server' })), 'SERVER_ONLY');
  });

  it('a lone surrogate is INVALID_OP naming the field; a paired one (emoji) is text', async () => {
    const bad = await ask(responder, 'op:submit', op(INC, 'tom', 'timeline.add', { entryId: 'e-lone', kind: 'note', text: 'broken \uD800 text' }));
    expectRefusal(bad, 'INVALID_OP');
    expect(refusal(bad).message).toContain('payload.text');
    expect(refusal(bad).message).toContain('surrogate');
    expect(await ask(responder, 'op:submit', op(INC, 'tom', 'timeline.add', { entryId: 'e-emoji', kind: 'note', text: 'fixed 🔥' }))).toMatchObject({ ok: true });
  });

  it('a viewer may read but not write (FORBIDDEN_ROLE); an unknown type is UNKNOWN_OP_TYPE; an unknown incident NOT_JOINED / INCIDENT_NOT_FOUND', async () => {
    const viewer = await open({ token: viewerInvite, clientId: 'vic' });
    expect(await ask(viewer, 'incident:join', { incidentId: INC, sinceSeq: 0 })).toMatchObject({ ok: true, access: 'viewer' });
    expectRefusal(await ask(viewer, 'op:submit', op(INC, 'vic', 'timeline.add', { entryId: 'e-v', kind: 'note', text: 'hi' })), 'FORBIDDEN_ROLE');
    expectRefusal(await ask(lead, 'op:submit', op(INC, 'camille', 'incident.teleport', {})), 'UNKNOWN_OP_TYPE');
    expectRefusal(await ask(lead, 'op:submit', op('no-such-incident', 'camille', 'timeline.add', { entryId: 'e-x', kind: 'note', text: 'x' })), 'NOT_JOINED');
    expectRefusal(await ask(lead, 'incident:join', { incidentId: 'no-such-incident', sinceSeq: 0 }), 'INCIDENT_NOT_FOUND');
    expectRefusal(await ask(lead, 'no:such:event', {}), 'INVALID_OP');
  });

  it('§6 envelope and payload take no unknown fields; a non-empty field of spaces is refused, and a padded one is stored trimmed', async () => {
    expectRefusal(await ask(responder, 'op:submit', { ...op(INC, 'tom', 'timeline.add', { entryId: 'e-env', kind: 'note', text: 'x' }), extra: 1 }), 'INVALID_OP');
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'timeline.add', { entryId: 'e-pay', kind: 'note', text: 'x', colour: 'red' })), 'INVALID_OP');
    expectRefusal(await ask(responder, 'op:submit', op(INC, 'tom', 'timeline.add', { entryId: 'e-blank', kind: 'note', text: '   ' })), 'INVALID_OP');
    const padded = await ask<{ ok: boolean; seq: number }>(responder, 'op:submit', op(INC, 'tom', 'timeline.add', { entryId: 'e-pad', kind: 'note', text: '  trimmed  ' }));
    expect(padded.ok).toBe(true);
    const page = await ask<{ ops: { seq: number; payload: { text?: string } }[] }>(responder, 'incident:ops', { incidentId: INC, afterSeq: padded.seq - 1, limit: 1 });
    expect(page.ops[0]!.payload.text).toBe('trimmed');
  });

  it('a resent opId is acked as a duplicate with its original seq', async () => {
    const o = op(INC, 'tom', 'timeline.add', { entryId: 'e-dup', kind: 'update', text: 'Latency back to normal' });
    const first = await ask(responder, 'op:submit', o);
    expect(await ask(responder, 'op:submit', o)).toMatchObject({ ok: true, seq: first.seq, duplicate: true, incidentId: INC });
  });

  it('§5 incident:head heartbeats carry the store head', async () => {
    const ops = await ask<{ headSeq: number }>(lead, 'incident:ops', { incidentId: INC, afterSeq: 0, limit: 1000 });
    const deadline = Date.now() + 15_000;
    while (!lead.heads.some((h) => (h as { incidentId: string }).incidentId === INC) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const beat = lead.heads.filter((h) => (h as { incidentId: string }).incidentId === INC).at(-1);
    expect(beat).toEqual({ incidentId: INC, headSeq: ops.headSeq, storeAvailable: true });
  });
});

describe('README "token revoke" and §5 session:ended', () => {
  it('revoking an invite by a prefix of its id ends the session redeemed from it within 5 s, with session:ended TOKEN_REVOKED', async () => {
    const created = cli(['token', 'create', '--role', 'responder', '--data-dir', srv.dataDir]);
    expect(created.status).toBe(0);
    const id = /^id (\S+),/m.exec(created.stdout)![1]!;
    const c = await open({ token: tokenOf(created.stdout), clientId: 'leaver' });
    const grant = await c.session;
    const ended = new Promise<Refusal>((ok) => c.socket.once('session:ended', ok));
    const reason = new Promise<string>((ok) => c.socket.once('disconnect', ok));
    const revoked = cli(['token', 'revoke', id.slice(0, 8), '--data-dir', srv.dataDir]);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain(id);
    expect(await ended).toMatchObject({ code: 'TOKEN_REVOKED', message: expect.stringContaining('revoked') });
    expect(await reason).toBe('io server disconnect');
    expect(await refused({ token: grant.token, clientId: 'leaver' })).toMatchObject({ code: 'TOKEN_REVOKED' });
  }, 20_000);

  it('a token scoped to one incident cannot open another (FORBIDDEN_INCIDENT)', async () => {
    const scoped = srv.mint(['--role', 'responder', '--incident', INC]);
    const c = await open({ token: scoped, clientId: 'scoped-sam' });
    expect(await ask(c, 'incident:create', op('another-one', 'scoped-sam', 'incident.create', { title: 'Nope', severity: 'SEV4' }))).toMatchObject({ ok: false, code: 'FORBIDDEN_INCIDENT' });
    const list = await ask<{ incidents: { id: string }[] }>(c, 'incident:list');
    expect(list.incidents.map((i) => i.id)).toEqual([INC]);
  });
});
