/** Shared steps of the duty tests: an incident with members and a help request, read back from the store. */
import { randomUUID } from 'node:crypto';
import type { CommittedOp } from '../../shared/ops.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, member, op, type Client } from '../server/helpers.ts';

export async function joinAs(server: WarRoomServer, clientId: string, incidentId: string, role: 'lead' | 'responder' = 'responder'): Promise<Client> {
  // Sessions, not invites: the same member reconnects (another node, after a restart).
  const c = await connect(server.url, { token: server.createSession(clientId, role), clientId });
  const j = await call(c, 'incident:join', { incidentId, sinceSeq: 0 });
  if (!j.ok) throw new Error(`join failed: ${JSON.stringify(j)}`);
  return c;
}

/** Declares an incident as ana (lead), with bo and cy joined, and returns ana's socket. */
export async function incidentWithPeople(server: WarRoomServer, incidentId = `inc-${randomUUID().slice(0, 8)}`): Promise<{ incidentId: string; ana: Client; bo: Client; cy: Client }> {
  const ana = await connect(server.url, { token: server.createSession('ana', 'lead'), clientId: 'ana' });
  const created = await call(ana, 'incident:create', op('incident.create', incidentId, 'ana', { title: 'Checkout 503s', severity: 'SEV1' }));
  if (!created.ok) throw new Error(`create failed: ${JSON.stringify(created)}`);
  await call(ana, 'incident:join', { incidentId, sinceSeq: 0 });
  await submitOk(ana, op('member.join', incidentId, 'ana', member('Ana')));
  const bo = await joinAs(server, 'bo', incidentId);
  await submitOk(bo, op('member.join', incidentId, 'bo', { ...member('Bo'), skills: ['db'] }));
  const cy = await joinAs(server, 'cy', incidentId);
  await submitOk(cy, op('member.join', incidentId, 'cy', member('Cy')));
  return { incidentId, ana, bo, cy };
}

export async function submitOk(c: Client, o: ReturnType<typeof op>): Promise<number> {
  const r = await call<{ ok: boolean; seq?: number; code?: string }>(c, 'op:submit', o);
  if (!r.ok) throw new Error(`${o.type} refused: ${JSON.stringify(r)}`);
  return r.seq!;
}

export async function opsOf(server: WarRoomServer, incidentId: string): Promise<CommittedOp[]> {
  return server.store.readOps(incidentId, 0, 100_000);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
