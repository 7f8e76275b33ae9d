import { describe, expect, it } from 'vitest';
import { HELP_ESCALATE_AFTER_MIN } from '../../shared/constants.ts';
import { webInviteLink } from '../../shared/invite.ts';
import { MemoryPersistence } from '../persistence/memoryPersistence.ts';
import { FakeServer } from '../sync/testing/fakeServer.ts';
import { createWarRoomStore } from './index.ts';
import { incidentIdFor } from './incidentsSlice.ts';
import { normalizeServerUrl } from './connectionSlice.ts';

const newStore = (persistence = new MemoryPersistence()) =>
  createWarRoomStore({ transport: new FakeServer().transport(), persistence, timers: false });

describe('preferences slice', () => {
  it('makes a clientId once and keeps it across restarts', () => {
    const persistence = new MemoryPersistence();
    const first = newStore(persistence).getState().prefs;
    expect(first.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(first.helpEscalateAfterMin).toBe(HELP_ESCALATE_AFTER_MIN);
    const again = newStore(persistence).getState().prefs;
    expect(again.clientId).toBe(first.clientId);
  });

  it('repairs damaged stored fields one by one instead of failing', () => {
    const persistence = new MemoryPersistence();
    persistence.prefs = { clientId: 'abc-123', name: 'Ana', timeZone: 'Mars/Olympus', skills: 'db', showUtc: 'yes' };
    const p = newStore(persistence).getState().prefs;
    expect(p).toMatchObject({ clientId: 'abc-123', name: 'Ana', skills: [], showUtc: false });
    expect(p.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('setPreferences and toggleUtc persist', () => {
    const persistence = new MemoryPersistence();
    const s = newStore(persistence);
    s.getState().setPreferences({ name: 'Ana', skills: ['db', 'k8s'] });
    s.getState().toggleUtc();
    expect(persistence.prefs).toMatchObject({ name: 'Ana', skills: ['db', 'k8s'], showUtc: true });
  });
});

describe('connection slice', () => {
  it('accepts an invite link whole and opens its incident', async () => {
    const s = newStore();
    const r = s.getState().connect({ invite: webInviteLink('http://warroom.local:4000', 'tok_abcdefghijk', 'db-fire') });
    expect(r).toEqual({ ok: true, incidentId: 'db-fire' });
    expect(s.getState().prefs).toMatchObject({ serverUrl: 'http://warroom.local:4000', token: 'tok_abcdefghijk' });
    expect(s.getState().incidentId).toBe('db-fire');
    await Promise.resolve();
    expect(s.getState().connection.kind).toBe('connected');
  });

  it('refuses a broken invite or address with a sentence and does not connect', () => {
    const s = newStore();
    const bad = s.getState().connect({ invite: 'ftp://nope' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/cannot be used/);
    const noToken = s.getState().connect({ serverUrl: 'localhost:4000', token: '  ' });
    expect(noToken).toMatchObject({ ok: false, code: 'INVITE_INVALID' });
    expect(s.getState().connection.kind).toBe('idle');
    expect(s.getState().resume()).toBe(false);
  });

  it('normalizes typed server addresses', () => {
    expect(normalizeServerUrl('localhost:4000')).toBe('http://localhost:4000');
    expect(normalizeServerUrl('https://war.example.com/some/path')).toBe('https://war.example.com');
    expect(normalizeServerUrl('javascript:alert(1)')).toBeNull();
    expect(normalizeServerUrl('')).toBeNull();
  });
});

describe('outbox slice: submit', () => {
  it('refuses at once when nothing is open, when malformed, or when it cannot apply', () => {
    const s = newStore();
    expect(s.getState().addEntry('note', 'x')).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    s.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    expect(s.getState().addEntry('note', '   ')).toMatchObject({ ok: false, code: 'INVALID_OP' });
    expect(s.getState().editEntry('missing', 'x')).toMatchObject({ ok: false, code: 'ENTRY_NOT_FOUND' });
    expect(s.getState().outbox.map((o) => o.type)).toEqual(['incident.create', 'member.join']);
  });

  it('stamps ops with a fresh opId, the incident, my clientId and the time', () => {
    const persistence = new MemoryPersistence();
    const s = createWarRoomStore({ transport: new FakeServer().transport(), persistence, timers: false, now: () => 1_800_000_000_000 });
    s.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    const r = s.getState().addEntry('decision', 'Fail over to replica');
    expect(r.ok).toBe(true);
    const op = s.getState().outbox.at(-1)!;
    expect(op).toMatchObject({ type: 'timeline.add', incidentId: s.getState().incidentId, actorId: s.getState().prefs.clientId, clientTime: 1_800_000_000_000 });
    expect(new Set(s.getState().outbox.map((o) => o.opId)).size).toBe(3);
    if (r.ok) expect(s.getState().view!.timeline.find((e) => e.id === r.id)?.text).toBe('Fail over to replica');
  });

  it('an edit is kept once its outbox write resolves', async () => {
    const persistence = new MemoryPersistence();
    const s = createWarRoomStore({ transport: new FakeServer().transport(), persistence, timers: false });
    s.getState().setPreferences({ serverUrl: 'http://x:1' });
    s.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    const r = s.getState().addEntry('note', 'keep me');
    if (!r.ok) throw new Error(r.message);
    await r.kept;
    const stored = await persistence.loadIncident('http://x:1', s.getState().incidentId!);
    expect(stored!.outbox.map((o) => o.type)).toEqual(['incident.create', 'member.join', 'timeline.add']);
  });

  it('notices can be dismissed', () => {
    const s = newStore();
    s.getState().pushNotice({ kind: 'info', code: null, opType: null, message: 'hello' });
    const [n] = s.getState().notices;
    s.getState().dismissNotice(n!.id);
    expect(s.getState().notices).toEqual([]);
  });
});

describe('incidents slice', () => {
  it('a declared incident is listed at once, even offline', () => {
    const s = newStore();
    const r = s.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    expect(r.ok).toBe(true);
    expect(s.getState().incidents[r.ok ? r.incidentId! : '']).toMatchObject({ title: 'Disk full', severity: 'SEV2', status: 'investigating' });
  });

  it('switching servers forgets the other server\'s list and closes its incident', () => {
    const s = newStore();
    s.getState().connect({ serverUrl: 'http://one:1', token: 'tok-one-aaaaaaaa' });
    s.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    s.getState().connect({ serverUrl: 'http://two:1', token: 'tok-two-aaaaaaaa' });
    expect(s.getState().incidents).toEqual({});
    expect(s.getState().incidentId).toBeNull();
  });

  it('makes readable unique ids', () => {
    expect(incidentIdFor('Checkout 500s on EU!', 'a1b2c3d4-0000')).toBe('checkout-500s-on-eu-a1b2c3');
    expect(incidentIdFor('???', 'ffeedd00')).toBe('incident-ffeedd');
  });
});
