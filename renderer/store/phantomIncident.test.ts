import { describe, expect, it } from 'vitest';
import { refuse } from '../../shared/errors.ts';
import { FakeServer } from '../sync/testing/fakeServer.ts';
import { makeClient, settle } from '../sync/testing/harness.ts';
import { tokenRole } from './tokenClaims.ts';

describe('an incident the server refuses to create', () => {
  it('leaves the list and the disk instead of staying as a phantom', async () => {
    const server = new FakeServer();
    server.veto = (op) => (op.type === 'incident.create' ? refuse('FORBIDDEN_ROLE') : null);
    const c = makeClient(server, { name: 'Vera Viewer' });
    c.store.getState().connect({ serverUrl: 'http://warroom.local:4000', token: 'tok_abcdefghijk' });
    await settle(c.store);
    const r = c.store.getState().declareIncident({ title: 'Not allowed', severity: 'SEV2' });
    expect(r.ok).toBe(true);
    const id = (r as { incidentId: string }).incidentId;
    expect(Object.hasOwn(c.store.getState().incidents, id)).toBe(true);
    await settle(c.store);
    const s = c.store.getState();
    expect(s.incidentId).toBeNull();
    expect(Object.hasOwn(s.incidents, id)).toBe(false);
    expect(s.notices.some((n) => n.opType === 'incident.create' && n.code === 'FORBIDDEN_ROLE')).toBe(true);
    expect((await c.persistence.listIncidents('http://warroom.local:4000')).map((x) => x.incidentId)).not.toContain(id);
  });

  it('keeps an incident declared offline (its create op is still queued) when closed', async () => {
    const server = new FakeServer();
    const c = makeClient(server, { name: 'Olga Offline' });
    const r = c.store.getState().declareIncident({ title: 'Declared on a plane', severity: 'SEV3' });
    const id = (r as { incidentId: string }).incidentId;
    c.store.getState().closeIncident();
    await settle(c.store);
    expect(Object.hasOwn(c.store.getState().incidents, id)).toBe(true);
  });
});

describe('tokenRole', () => {
  const token = (claims: unknown) => `${btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.sig`;
  it.each([
    [token({ role: 'viewer', incidentId: null, iat: 1, jti: 'x' }), 'viewer'],
    [token({ role: 'lead', incidentId: 'db', iat: 1, jti: 'x' }), 'lead'],
    [token({ role: 'root' }), null],
    ['not-a-token', null],
    [null, null],
  ])('reads %s as %s', (t, role) => {
    expect(tokenRole(t)).toBe(role);
  });
});
