/**
 * The outage scenario shared by the store setups: while the store is down two clients keep typing
 * notes — a plain socket.io client written from PROTOCOL.md and the renderer's own store + socket
 * transport. Afterwards every note must be stored exactly once; during the outage the refusals are
 * STORE_UNAVAILABLE (never INTERNAL, never permanent), the heartbeat says the store is unavailable,
 * and the renderer's indicator said "Saving… (server unavailable)".
 */
import { expect } from 'vitest';
import { connectionText } from '../../renderer/components/header/ConnectionIndicator.tsx';
import { toConnectionView } from '../../renderer/hooks/useConnectionView.ts';
import { MemoryPersistence } from '../../renderer/persistence/memoryPersistence.ts';
import { createWarRoomStore, type WarRoomStore } from '../../renderer/store/index.ts';
import { troubleLabel } from '../../renderer/sync/refusals.ts';
import { SocketTransport } from '../../renderer/sync/socketTransport.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import type { Store } from '../../server/store/store.ts';
import { call, connect, member, op, type Client } from '../server/helpers.ts';
import { DocClient, until } from './tools.ts';

export interface OutageSetup {
  name: string;
  server: WarRoomServer;
  /** A store on the same data, to count what was stored (read after the outage). */
  reader: Store;
  down(): Promise<void>;
  up(): Promise<void>;
  notesEach: number;
  outageMs: number;
}

export interface OutageResult {
  outageMs: number;
  typed: number;
  stored: number;
  refusals: Record<string, number>;
  indicator: string[];
}

export async function runOutage(setup: OutageSetup, cleanup: (fn: () => Promise<void> | void) => void): Promise<OutageResult> {
  const { server } = setup;
  const incidentId = `outage-${Date.now().toString(36)}`;
  const sockets: Client[] = [];
  let store: WarRoomStore | null = null;
  cleanup(() => {
    store?.getState().disconnect();
    store?.dispose();
    for (const s of sockets) s.close();
  });
  const lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'lead' });
  sockets.push(lead);
  expect(await call(lead, 'incident:create', op('incident.create', incidentId, 'lead', { title: 'Primary down', severity: 'SEV1' }))).toMatchObject({ ok: true });

  const plainSocket = await connect(server.url, { token: server.createToken('responder'), clientId: 'doc' });
  sockets.push(plainSocket);
  const doc = new DocClient(plainSocket, incidentId);
  await doc.join();
  await doc.submit(op('member.join', incidentId, 'doc', member('Doc')));

  store = createWarRoomStore({
    transport: new SocketTransport({ reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 }),
    persistence: new MemoryPersistence(), timers: false, saveDebounceMs: 5,
  });
  const s = store;
  s.getState().setPreferences({ name: 'Rena', timeZone: 'Europe/Paris' });
  s.getState().connect({ serverUrl: server.url, token: server.createToken('responder') });
  await until('renderer connected', () => s.getState().connection.kind === 'connected');
  await s.getState().openIncident(incidentId);
  await until('renderer live', () => s.getState().syncPhase === 'live' && s.getState().outbox.length === 0);
  const indicator: string[] = [];
  s.subscribe((now) => {
    const label = now.serverTrouble ? troubleLabel(now.serverTrouble.code) : null;
    const text = connectionText({ ...toConnectionView(now.connection, now.outbox.length), ...(label ? { trouble: label } : {}) });
    if (indicator.at(-1) !== text) indicator.push(text);
  });

  await setup.down();
  const downAt = Date.now();
  const typed: string[] = [];
  for (let i = 0; i < setup.notesEach; i++) {
    const a = `doc note ${i}`;
    const b = `renderer note ${i}`;
    typed.push(a, b);
    void doc.submit(op('timeline.add', incidentId, 'doc', { entryId: `doc-${i}`, kind: 'note', text: a }));
    expect(s.getState().addEntry('note', b).ok).toBe(true);
    await new Promise((r) => setTimeout(r, setup.outageMs / setup.notesEach));
  }
  await until('a heartbeat saying the store is down', () => doc.heads.some((h) => !h.storeAvailable));
  await until('the renderer saying so', () => indicator.some((t) => t.startsWith('Saving… (server unavailable)')));
  await setup.up();
  const outageMs = Date.now() - downAt;

  await until('both queues empty', () => doc.queue.length === 0 && s.getState().outbox.length === 0, 90_000);
  await doc.join();
  await until('renderer caught up', () => s.getState().headSeq === doc.head, 20_000);
  const stored = (await setup.reader.readOps(incidentId, 0, 10_000)).filter((o) => o.type === 'timeline.add')
    .map((o) => (o.payload as { text: string }).text);
  const counts = new Map<string, number>();
  for (const t of stored) counts.set(t, (counts.get(t) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual([...typed].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(doc.refusals.length).toBeGreaterThan(0);
  expect(new Set(doc.refusals)).toEqual(new Set(['STORE_UNAVAILABLE']));
  expect(doc.permanent).toEqual([]);
  expect(s.getState().unsent).toEqual([]);
  // A heartbeat that failed just before the store came back may still be on its way: the next one clears it.
  await until('the indicator back to Live', () => s.getState().serverTrouble === null && indicator.at(-1) === 'Live', 10_000);
  expect(s.getState().committed?.timeline.filter((e) => e.kind === 'note').map((e) => e.text).sort()).toEqual([...typed].sort());
  const refusals: Record<string, number> = {};
  for (const c of doc.refusals) refusals[c] = (refusals[c] ?? 0) + 1;
  const result = { outageMs, typed: typed.length, stored: stored.length, refusals, indicator: [...new Set(indicator.map((t) => t.replace(/\d+ unsynced changes?/, 'N unsynced')))] };
  console.info(`DELIVERY outage (${setup.name}): ${JSON.stringify(result)}`);
  return result;
}
