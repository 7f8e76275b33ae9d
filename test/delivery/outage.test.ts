/**
 * A store outage with the real server (SQLite behind a wrapper that fails like a disk that went
 * away): two clients keep typing notes through it — a plain socket.io client written from
 * PROTOCOL.md and the renderer's own store + socket transport. Every note is stored exactly once
 * after the outage, refusals during it are STORE_UNAVAILABLE (never INTERNAL), the heartbeat says
 * the store is unavailable, and the renderer showed "Saving… (server unavailable)".
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionText } from '../../renderer/components/header/ConnectionIndicator.tsx';
import { toConnectionView } from '../../renderer/hooks/useConnectionView.ts';
import { MemoryPersistence } from '../../renderer/persistence/memoryPersistence.ts';
import { createWarRoomStore, type WarRoomStore } from '../../renderer/store/index.ts';
import { troubleLabel } from '../../renderer/sync/refusals.ts';
import { SocketTransport } from '../../renderer/sync/socketTransport.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';
import { DocClient, flakyStore, until } from './tools.ts';

const NOTES_EACH = 12;
const OUTAGE_MS = 4_000;

let dir: string;
let server: WarRoomServer;
let flaky: ReturnType<typeof flakyStore>;
const sockets: Client[] = [];
let store: WarRoomStore | null = null;

beforeAll(async () => {
  dir = tempDir('warroom-delivery-');
  flaky = flakyStore(createSqliteStore({ file: join(dir, 'flaky.db') }));
  server = await startServer(join(dir, 'data'), {}, { store: flaky.store });
});
afterAll(async () => {
  store?.getState().disconnect();
  store?.dispose();
  for (const s of sockets) s.close();
  await server?.close();
  removeDir(dir);
});

describe('a store outage while two clients type', () => {
  it('stores every note exactly once afterwards; clients were told STORE_UNAVAILABLE and showed it', async () => {
    const lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'lead' });
    sockets.push(lead);
    expect(await call(lead, 'incident:create', op('incident.create', 'db', 'lead', { title: 'Primary down', severity: 'SEV1' }))).toMatchObject({ ok: true });

    const plainSocket = await connect(server.url, { token: server.createToken('responder'), clientId: 'doc' });
    sockets.push(plainSocket);
    const doc = new DocClient(plainSocket, 'db');
    await doc.join();
    await doc.submit(op('member.join', 'db', 'doc', member('Doc')));

    store = createWarRoomStore({
      transport: new SocketTransport({ reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 }),
      persistence: new MemoryPersistence(), timers: false, saveDebounceMs: 5,
    });
    const s = store;
    s.getState().setPreferences({ name: 'Rena', timeZone: 'Europe/Paris' });
    s.getState().connect({ serverUrl: server.url, token: server.createToken('responder') });
    await until('renderer connected', () => s.getState().connection.kind === 'connected');
    await s.getState().openIncident('db');
    await until('renderer live', () => s.getState().syncPhase === 'live' && s.getState().outbox.length === 0);
    const texts: string[] = [];
    s.subscribe((now) => {
      const label = now.serverTrouble ? troubleLabel(now.serverTrouble.code) : null;
      const view = { ...toConnectionView(now.connection, now.outbox.length), ...(label ? { trouble: label } : {}) };
      const text = connectionText(view);
      if (texts.at(-1) !== text) texts.push(text);
    });

    flaky.setDown(true);
    const downAt = Date.now();
    const typed: string[] = [];
    for (let i = 0; i < NOTES_EACH; i++) {
      const a = `doc note ${i}`;
      const b = `renderer note ${i}`;
      typed.push(a, b);
      void doc.submit(op('timeline.add', 'db', 'doc', { entryId: `doc-${i}`, kind: 'note', text: a }));
      expect(s.getState().addEntry('note', b).ok).toBe(true);
      await new Promise((r) => setTimeout(r, OUTAGE_MS / NOTES_EACH));
    }
    await until('a heartbeat saying the store is down', () => doc.heads.some((h) => !h.storeAvailable));
    await until('the renderer saying so', () => texts.some((t) => t.startsWith('Saving… (server unavailable)')));
    flaky.setDown(false);
    const outageMs = Date.now() - downAt;

    await until('both queues empty', () => doc.queue.length === 0 && s.getState().outbox.length === 0, 60_000);
    await doc.join();
    await until('renderer caught up', () => s.getState().headSeq === doc.head, 20_000);
    const stored = (await flaky.store.readOps('db', 0, 10_000)).filter((o) => o.type === 'timeline.add').map((o) => (o.payload as { text: string }).text);
    const counts = new Map<string, number>();
    for (const t of stored) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...typed].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Refusals during the outage said what happened; none was INTERNAL, none permanent.
    expect(doc.refusals.length).toBeGreaterThan(0);
    expect(new Set(doc.refusals)).toEqual(new Set(['STORE_UNAVAILABLE']));
    expect(doc.permanent).toEqual([]);
    expect(s.getState().unsent).toEqual([]);
    expect(s.getState().serverTrouble).toBeNull();
    expect(texts.at(-1)).toBe('Live');
    // Every client folds the same log.
    expect(s.getState().committed?.timeline.filter((e) => e.kind === 'note').length).toBe(typed.length);
    console.info(`DELIVERY outage (SQLite wrapper): ${JSON.stringify({ outageMs, typed: typed.length, stored: stored.length, storeFailures: flaky.failures(), indicator: texts })}`);
  }, 120_000);
});
