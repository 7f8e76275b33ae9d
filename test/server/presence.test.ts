// Presence is coalesced per incident: a storm of joins, typing toggles and leaves reaches each member
// as a few 'presence:state' messages (at most one per PRESENCE_BROADCAST_MS, the last one exact),
// not one whole list per change; the lobby's online counts likewise. A joiner still gets the list at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRESENCE_BROADCAST_MS } from '../../shared/constants.ts';
import type { IncidentSummary } from '../../shared/model.ts';
import type { PresenceState } from '../../shared/protocol.ts';
import { createCoalescer } from '../../server/presence.ts';
import { call, op, serverFixture, until, type Client } from './helpers.ts';

const N = 60;
const fx = serverFixture();
const as = (clientId: string): Promise<Client> => fx.connectAs(clientId, 'lead');

/** Every 'presence:state' a socket gets, and when. */
function record(socket: Client) {
  const got: PresenceState[] = [];
  socket.on('presence:state', (p) => got.push(p));
  return { got, ids: () => (got.at(-1)?.members ?? []).map((m) => m.clientId) };
}

/** Most messages a coalesced sender may send over `ms`: one per interval, plus both edges. */
const bound = (ms: number) => Math.floor(ms / PRESENCE_BROADCAST_MS) + 2;
/** Lets a trailing send that may still be pending arrive, so it is counted too. */
const settle = () => new Promise((r) => setTimeout(r, PRESENCE_BROADCAST_MS * 2 + 100));

const names = Array.from({ length: N }, (_, i) => `c${String(i).padStart(2, '0')}`);

describe('presence under a join storm', () => {
  it('a member gets a few coalesced lists, far fewer than the joins, and the last one lists everyone', async () => {
    const first = await as(names[0]!);
    await call(first, 'incident:create', op('incident.create', 'storm', names[0]!, { title: 'Storm', severity: 'SEV2' }));
    const lobby = await as('watcher');
    const summaries: IncidentSummary[] = [];
    lobby.on('incident:summary', (s) => summaries.push(s));
    const early = record(first);
    const others = await Promise.all(names.slice(1).map((n) => as(n)));
    const late = record(others.at(-1)!);

    const t0 = Date.now();
    expect((await call(first, 'incident:join', { incidentId: 'storm', sinceSeq: 0 })).ok).toBe(true);
    const acks = await Promise.all(others.map((s) => call(s, 'incident:join', { incidentId: 'storm', sinceSeq: 0 })));
    expect(acks.every((a) => a.ok)).toBe(true);
    await until(() => early.ids().length === N, 'the early member sees all joiners');
    await settle();
    const elapsed = Date.now() - t0;

    expect(early.ids()).toEqual(names);
    expect(late.ids()).toEqual(names);
    // The old code sent the whole list to the whole room per join: N messages to the early member.
    expect(early.got.length).toBeLessThanOrEqual(bound(elapsed));
    expect(early.got.length).toBeLessThan(N / 4);
    const online = summaries.filter((s) => s.id === 'storm');
    expect(online.at(-1)?.online).toBe(N);
    expect(online.length).toBeLessThanOrEqual(bound(elapsed));
    expect(online.length).toBeLessThan(N / 4);
  });

  it('a joiner gets the current list at once, for itself only', async () => {
    const ana = await as('ana');
    await call(ana, 'incident:create', op('incident.create', 'quiet', 'ana', { title: 'Quiet', severity: 'SEV3' }));
    await call(ana, 'incident:join', { incidentId: 'quiet', sinceSeq: 0 });
    const ben = await as('ben');
    const benSeen = record(ben);
    await call(ben, 'incident:join', { incidentId: 'quiet', sinceSeq: 0 });
    // Sent just before the ack, although the room is inside the pause after Ana's join.
    expect(benSeen.ids()).toEqual(['ana', 'ben']);
    await settle();
    const before = benSeen.got.length;
    const anaSeen = record(ana);
    // Joining again (a catch-up) answers with the list again, to the joiner only: nobody's presence changed.
    await call(ben, 'incident:join', { incidentId: 'quiet', sinceSeq: 0 });
    expect(benSeen.got.length).toBe(before + 1);
    expect(benSeen.ids()).toEqual(['ana', 'ben']);
    await settle();
    expect(anaSeen.got).toEqual([]);
  });
});

describe('typing and leaving', () => {
  it('typing toggles are coalesced, the final typing state goes out, and leavers disappear', async () => {
    const ana = await as('ana');
    await call(ana, 'incident:create', op('incident.create', 'talk', 'ana', { title: 'Talk', severity: 'SEV3' }));
    const ben = await as('ben');
    const cam = await as('cam');
    const dee = await as('dee');
    for (const s of [ana, ben, cam, dee]) await call(s, 'incident:join', { incidentId: 'talk', sinceSeq: 0 });
    const seen = record(ana);
    await until(() => seen.ids().join() === 'ana,ben,cam,dee', 'everyone in presence');
    await settle();
    seen.got.length = 0;

    const toggles = 40;
    const t0 = Date.now();
    for (let i = 0; i < toggles; i++) ben.emit('presence:typing', { incidentId: 'talk', typing: i % 2 === 0 });
    // Ends typing (the last toggle above was false); acked so it is known to have arrived.
    await call(ben, 'presence:typing', { incidentId: 'talk', typing: true });
    await until(() => seen.got.at(-1)?.members.find((m) => m.clientId === 'ben')?.typing === true, 'ben typing');
    await settle();
    const elapsed = Date.now() - t0;
    expect(seen.got.at(-1)?.members.find((m) => m.clientId === 'ben')?.typing).toBe(true);
    expect(seen.got.length).toBeLessThanOrEqual(bound(elapsed));
    expect(seen.got.length).toBeLessThan(toggles / 4);

    expect((await call(cam, 'incident:leave', { incidentId: 'talk' })).ok).toBe(true);
    dee.close();
    await until(() => seen.ids().join() === 'ana,ben', 'cam and dee gone');
    await settle();
    expect(seen.ids()).toEqual(['ana', 'ben']);
  });

  it('real incident changes reach the lobby each at once, not coalesced like online counts', async () => {
    const ana = await as('ana');
    await call(ana, 'incident:create', op('incident.create', 'sev', 'ana', { title: 'Sev', severity: 'SEV3' }));
    const lobby = await as('watcher');
    const summaries: IncidentSummary[] = [];
    lobby.on('incident:summary', (s) => summaries.push(s));
    await call(ana, 'incident:join', { incidentId: 'sev', sinceSeq: 0 });
    const ben = await as('ben');
    await call(ben, 'incident:join', { incidentId: 'sev', sinceSeq: 0 });
    const severities = ['SEV1', 'SEV2', 'SEV1', 'SEV2', 'SEV1', 'SEV4'] as const;
    for (const severity of severities) {
      expect((await call(ana, 'op:submit', op('incident.severity', 'sev', 'ana', { severity }))).ok).toBe(true);
    }
    await until(() => summaries.at(-1)?.severity === 'SEV4', 'last severity in the lobby');
    await settle();
    // Each change is its own summary, in order (coalescing would merge changes made within a pause).
    const changes = summaries.map((s) => s.severity).filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(changes.slice(-severities.length)).toEqual([...severities]);
    expect(summaries.at(-1)?.online).toBe(2);
  });
});

describe('the coalescer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a quiet key at once, merges marks during the pause into one trailing send, then forgets the key', async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const c = createCoalescer(PRESENCE_BROADCAST_MS, (key) => {
      sent.push(key);
    });
    for (let i = 0; i < 10; i++) c.mark('a');
    c.mark('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(['a', 'b']);
    for (let i = 0; i < 10; i++) c.mark('a');
    await vi.advanceTimersByTimeAsync(PRESENCE_BROADCAST_MS - 1);
    expect(sent).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(['a', 'b', 'a']);
    await vi.advanceTimersByTimeAsync(PRESENCE_BROADCAST_MS * 3);
    expect(sent).toEqual(['a', 'b', 'a']);
    expect(c.pending()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close clears pending pauses: no timer is left and nothing more is sent', async () => {
    vi.useFakeTimers();
    let sends = 0;
    const c = createCoalescer(PRESENCE_BROADCAST_MS, async () => {
      sends++;
    });
    c.mark('a');
    await vi.advanceTimersByTimeAsync(0);
    c.mark('a');
    expect(vi.getTimerCount()).toBe(1);
    c.close();
    expect(vi.getTimerCount()).toBe(0);
    c.mark('a');
    await vi.advanceTimersByTimeAsync(PRESENCE_BROADCAST_MS * 3);
    expect(sends).toBe(1);
  });
});
