/**
 * Delivery through transient and permanent refusals and quiet gaps, against the in-memory server:
 * a transient refusal never costs the change (retried with backoff, never given up), a permanent
 * one moves it to the unsent tray on disk, and a head heartbeat above ours brings a missed op.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STUCK_AFTER_ATTEMPTS, SUBMIT_RETRY_DELAY_MS, SUBMIT_RETRY_MAX_DELAY_MS } from '../../shared/constants.ts';
import { ERROR_MESSAGES, refuse, type ErrorCode } from '../../shared/errors.ts';
import { MemoryPersistence } from '../persistence/memoryPersistence.ts';
import { parseUnsent } from '../persistence/unsent.ts';
import { retryDelayMs } from './refusals.ts';
import { FakeServer } from './testing/fakeServer.ts';
import { makeClient, type TestClient } from './testing/harness.ts';

let clients: TestClient[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  for (const c of clients) c.store.dispose();
  clients = [];
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Runs fake time forward in small steps so answers, retries and catch-ups all play out. */
async function run(ms: number) {
  for (let t = 0; t < ms; t += 50) await vi.advanceTimersByTimeAsync(50);
}

async function lead(server: FakeServer, persistence?: MemoryPersistence) {
  const c = makeClient(server, { name: 'Ana', ...(persistence ? { persistence } : {}) });
  clients.push(c);
  c.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
  await run(200);
  return c;
}

async function withIncident(persistence?: MemoryPersistence) {
  const server = new FakeServer();
  const a = await lead(server, persistence);
  const r = a.store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
  if (!r.ok || !r.incidentId) throw new Error('declare failed');
  await run(200);
  return { server, a, incidentId: r.incidentId };
}

const textsOn = (server: FakeServer, id: string) => server.incidents.get(id)!.state.timeline.map((e) => e.text);

describe('retry delays', () => {
  it('double from the first delay, stop at the cap, and are jittered downwards only', () => {
    expect(retryDelayMs(1, () => 0)).toBe(SUBMIT_RETRY_DELAY_MS);
    expect(retryDelayMs(2, () => 0)).toBe(SUBMIT_RETRY_DELAY_MS * 2);
    expect(retryDelayMs(1, () => 1)).toBe(SUBMIT_RETRY_DELAY_MS / 2);
    expect(retryDelayMs(50, () => 0)).toBe(SUBMIT_RETRY_MAX_DELAY_MS);
    expect(retryDelayMs(1_000_000, () => 0.999)).toBeGreaterThan(0);
  });
});

describe('transient refusals', () => {
  it('keep every note through an outage (store down, then internal errors), retried until stored once each, saying why meanwhile', async () => {
    const { server, a, incidentId } = await withIncident();
    let refusals = 0;
    const plan: ErrorCode[] = ['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', 'INTERNAL', 'INTERNAL', 'INTERNAL', 'INTERNAL', 'SHUTTING_DOWN', 'OVERLOADED'];
    server.veto = (op) => (op.type === 'timeline.add' && refusals < plan.length ? refuse(plan[refusals++]!) : null);
    const troubles: (string | null)[] = [];
    a.store.subscribe((s, prev) => {
      if (s.serverTrouble !== prev.serverTrouble) troubles.push(s.serverTrouble?.code ?? null);
    });
    const notes = ['db primary is down', 'failing over', 'replica promoted'];
    for (const n of notes) expect(a.store.getState().addEntry('note', n).ok).toBe(true);
    for (let i = 0; i < 400 && a.store.getState().outbox.length > 0; i++) await run(500);
    const s = a.store.getState();
    expect(s.outbox).toEqual([]);
    expect(refusals).toBe(plan.length);
    expect(textsOn(server, incidentId).filter((t) => notes.includes(t))).toEqual(notes);
    expect(s.view!.timeline.filter((e) => notes.includes(e.text)).map((e) => e.text)).toEqual(notes);
    // The first refusal said "server unavailable"; an ack cleared it; nothing was dropped or noticed as refused.
    expect(troubles[0]).toBe('STORE_UNAVAILABLE');
    expect(troubles.at(-1)).toBeNull();
    expect(s.serverTrouble).toBeNull();
    expect(s.unsent).toEqual([]);
    expect(s.notices.filter((n) => n.kind === 'refused')).toEqual([]);
  });

  it('keeps the change queued and shown while the server keeps refusing (never given up)', async () => {
    const { server, a } = await withIncident();
    server.veto = (op) => (op.type === 'timeline.add' ? refuse('INTERNAL') : null);
    a.store.getState().addEntry('note', 'still here');
    await run(120_000);
    const s = a.store.getState();
    expect(s.outbox.map((o) => o.type)).toEqual(['timeline.add']);
    expect(s.view!.timeline.some((e) => e.text === 'still here')).toBe(true);
    expect(s.serverTrouble?.code).toBe('INTERNAL');
    // Capped backoff: about 2 minutes / 15 s plus the first doublings, not hundreds of tries.
    const tries = server.received.filter((o) => o.type === 'timeline.add').length;
    expect(tries).toBeGreaterThan(5);
    expect(tries).toBeLessThan(40);
  });

  it('lets the person set aside a change the server keeps failing on, so the ones behind it go', async () => {
    const { server, a, incidentId } = await withIncident();
    server.veto = (op) => (op.type === 'timeline.add' && op.payload.text === 'poison' ? refuse('INTERNAL') : null);
    a.store.getState().addEntry('note', 'poison');
    a.store.getState().addEntry('note', 'behind it');
    for (let i = 0; i < 200 && (a.store.getState().serverTrouble?.attempts ?? 0) < STUCK_AFTER_ATTEMPTS; i++) await run(500);
    const t = a.store.getState().serverTrouble!;
    expect(t).toMatchObject({ code: 'INTERNAL', source: 'submit', opId: a.store.getState().outbox[0]!.opId });
    expect(textsOn(server, incidentId)).not.toContain('behind it');
    await a.store.getState().setAside(t.opId!);
    await run(3_000);
    const s = a.store.getState();
    expect(s.unsent.map((i) => [i.code, (i.op.payload as { text: string }).text])).toEqual([['INTERNAL', 'poison']]);
    expect(s.outbox).toEqual([]);
    expect(textsOn(server, incidentId)).toContain('behind it');
    expect(textsOn(server, incidentId)).not.toContain('poison');
  });

  it('resends as soon as a heartbeat says the store is back, not after the rest of a long backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { server, a, incidentId } = await withIncident();
    let down = true;
    server.veto = (op) => (down && op.type === 'timeline.add' ? refuse('STORE_UNAVAILABLE') : null);
    a.store.getState().addEntry('note', 'typed during a long outage');
    for (let i = 0; i < 400 && (a.store.getState().serverTrouble?.attempts ?? 0) < 6; i++) await run(100);
    // Just refused: with no jitter the next resend is SUBMIT_RETRY_MAX_DELAY_MS away.
    expect(retryDelayMs(6)).toBe(SUBMIT_RETRY_MAX_DELAY_MS);
    down = false;
    server.beatHeads(true);
    await run(1_000);
    expect(a.store.getState().outbox).toEqual([]);
    expect(textsOn(server, incidentId)).toContain('typed during a long outage');
  });

  it('sends edits of a closed incident once the store is back, without a reconnect', async () => {
    const { server, a, incidentId } = await withIncident();
    a.transport.dropNetwork();
    const r = a.store.getState().addEntry('note', 'typed offline, incident closed');
    if (!r.ok) throw new Error(r.message);
    await r.kept;
    a.store.getState().closeIncident();
    await run(100);
    let refusals = 0;
    server.veto = (op) => (op.type === 'timeline.add' && refusals++ < 3 ? refuse('STORE_UNAVAILABLE') : null);
    a.transport.goOnline();
    await run(60_000);
    expect(refusals).toBeGreaterThan(3);
    expect(textsOn(server, incidentId).filter((t) => t === 'typed offline, incident closed')).toHaveLength(1);
    const stored = (await a.persistence.loadIncident(a.store.getState().prefs.serverUrl!, incidentId))!;
    expect(stored.outbox).toEqual([]);
  });

  it('retries a join the store refused, instead of waiting for the next reconnect', async () => {
    const { server, a, incidentId } = await withIncident();
    a.store.getState().closeIncident();
    await run(100);
    const realHandle = server.handle.bind(server);
    let refused = 0;
    server.handle = (from, event, args) => (event === 'incident:join' && refused++ < 2 ? refuse('STORE_UNAVAILABLE') : realHandle(from, event, args));
    await a.store.getState().openIncident(incidentId);
    await run(20_000);
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(a.store.getState().syncPhase).toBe('live');
  });
});

describe('permanent refusals', () => {
  it('move the change to the unsent tray on disk with the server sentence; edit and send again makes a new op; dismiss removes', async () => {
    const persistence = new MemoryPersistence();
    const { server, a, incidentId } = await withIncident(persistence);
    server.veto = (op) => (op.type === 'timeline.add' && op.payload.text.startsWith('too') ? refuse('PAYLOAD_TOO_LARGE', '99999 bytes') : null);
    const r = a.store.getState().addEntry('note', 'too long a note');
    if (!r.ok) throw new Error('not queued');
    await run(1_000);
    let s = a.store.getState();
    expect(s.outbox).toEqual([]);
    expect(s.unsent).toHaveLength(1);
    const item = s.unsent[0]!;
    expect(item).toMatchObject({ id: r.opId, incidentId, incidentTitle: 'Checkout 500s', code: 'PAYLOAD_TOO_LARGE', message: `${ERROR_MESSAGES.PAYLOAD_TOO_LARGE} (99999 bytes)` });
    expect(parseUnsent(persistence.unsent)).toEqual([item]);
    // Another session on the same disk sees it.
    const other = makeClient(server, { persistence });
    clients.push(other);
    await run(50);
    expect(other.store.getState().unsent).toEqual([item]);

    expect(a.store.getState().retryUnsent(item.id, 'short note').ok).toBe(true);
    await run(1_000);
    s = a.store.getState();
    expect(s.unsent).toEqual([]);
    expect(parseUnsent(persistence.unsent)).toEqual([]);
    expect(textsOn(server, incidentId)).toContain('short note');
    expect(server.received.filter((o) => o.type === 'timeline.add').map((o) => o.opId)).not.toEqual([item.id, item.id]);

    a.store.getState().addEntry('note', 'too bad');
    await run(1_000);
    const second = a.store.getState().unsent[0]!;
    a.store.getState().dismissUnsent(second.id);
    await run(50);
    expect(a.store.getState().unsent).toEqual([]);
    expect(parseUnsent(persistence.unsent)).toEqual([]);
  });

  it('keep every queued change of an incident whose creation was refused', async () => {
    const server = new FakeServer();
    const a = await lead(server);
    a.store.getState().disconnect();
    server.veto = (op) => (op.type === 'incident.create' ? refuse('FORBIDDEN_ROLE') : null);
    const r = a.store.getState().declareIncident({ title: 'Never created', severity: 'SEV2' });
    a.store.getState().addEntry('note', 'typed before the refusal');
    expect(r.ok).toBe(true);
    a.store.getState().reconnect();
    await run(1_000);
    const s = a.store.getState();
    expect(s.incidentId).toBeNull();
    expect(s.unsent.map((i) => i.op.type)).toEqual(['incident.create', 'member.join', 'timeline.add']);
    expect(s.unsent.every((i) => i.code === 'FORBIDDEN_ROLE')).toBe(true);
  });
});

describe('quiet gaps', () => {
  it('a head heartbeat above ours catches up a missed broadcast although nobody writes again', async () => {
    const { server, a, incidentId } = await withIncident();
    const b = makeClient(server, { name: 'Bo' });
    clients.push(b);
    b.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
    await run(200);
    await b.store.getState().openIncident(incidentId);
    await run(500);
    server.deliver = (_op, to) => to !== b.transport;
    a.store.getState().addEntry('note', 'the last word before a quiet hour');
    await run(500);
    const head = server.incidents.get(incidentId)!.state.headSeq;
    expect(b.store.getState().headSeq).toBe(head - 1);
    server.beatHeads();
    await run(1_000);
    expect(b.store.getState().headSeq).toBe(head);
    expect(b.store.getState().view!.timeline.some((e) => e.text === 'the last word before a quiet hour')).toBe(true);
  });

  it('a heartbeat saying the store is unavailable shows it; the next one clears it', async () => {
    const { server, a } = await withIncident();
    server.beatHeads(false);
    await run(100);
    expect(a.store.getState().serverTrouble).toMatchObject({ code: 'STORE_UNAVAILABLE', source: 'head' });
    server.beatHeads(true);
    await run(100);
    expect(a.store.getState().serverTrouble).toBeNull();
  });
});
