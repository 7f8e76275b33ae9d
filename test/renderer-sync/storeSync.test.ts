/**
 * The renderer's store + socket.io transport against the real server (port 0, temp SQLite):
 * two stores converge, and one that went offline for 20 edits converges with each applied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import { stateHash } from '../../shared/hash.ts';
import { MemoryPersistence } from '../../renderer/persistence/memoryPersistence.ts';
import { createWarRoomStore, type WarRoomStore } from '../../renderer/store/index.ts';
import { SocketTransport } from '../../renderer/sync/socketTransport.ts';
import { removeDir, startServer, tempDir } from '../server/helpers.ts';
import type { WarRoomServer } from '../../server/createServer.ts';

let server: WarRoomServer;
let dir: string;
const stores: WarRoomStore[] = [];

beforeAll(async () => {
  dir = tempDir('warroom-renderer-sync-');
  server = await startServer(dir);
});

afterAll(async () => {
  for (const s of stores) {
    s.getState().disconnect();
    s.dispose();
  }
  await server?.close();
  if (dir) removeDir(dir);
});

function makeStore(name: string, token: string, url = server.url): WarRoomStore {
  const store = createWarRoomStore({
    transport: new SocketTransport({ reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 }),
    persistence: new MemoryPersistence(), timers: false, saveDebounceMs: 5,
  });
  stores.push(store);
  store.getState().setPreferences({ name, timeZone: 'Europe/Paris', skills: ['db'] });
  const r = store.getState().connect({ serverUrl: url, token });
  expect(r.ok).toBe(true);
  return store;
}

/** Polls a condition, bounded: fails with what it waited for after 10 s. */
async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const synced = (s: WarRoomStore) => s.getState().syncPhase === 'live' && s.getState().outbox.length === 0;
const hashOf = (s: WarRoomStore) => stateHash(s.getState().committed);

describe('renderer store against the real server', () => {
  it('refuses a bad token with the server sentence', async () => {
    const store = makeStore('Mallory', 'not-a-valid-token-at-all');
    await until('a refusal', () => store.getState().connection.kind === 'refused');
    expect(store.getState().connection).toMatchObject({ kind: 'refused', code: 'AUTH_INVALID', message: ERROR_MESSAGES.AUTH_INVALID });
  });

  it('two stores converge; one offline for 20 edits converges with each edit applied exactly once', async () => {
    const token = server.createToken('lead');
    const a = makeStore('Ana', token);
    const b = makeStore('Bo', token);
    await until('both connected', () => a.getState().connection.kind === 'connected' && b.getState().connection.kind === 'connected');

    const declared = a.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
    if (!declared.ok || !declared.incidentId) throw new Error('declare refused');
    const incidentId = declared.incidentId;
    await until('the incident on the server', () => synced(a));
    await b.getState().openIncident(incidentId);
    await until('b joined', () => synced(b) && Object.keys(b.getState().committed?.members ?? {}).length === 2);

    const t = a.getState().addTask({ title: 'Roll back deploy 4812' });
    b.getState().addEntry('note', 'Error rate 40% on checkout');
    await until('both see both edits', () => synced(a) && synced(b) && a.getState().headSeq === b.getState().headSeq
      && b.getState().committed!.tasks[(t as { id: string }).id] !== undefined);
    expect(hashOf(a)).toBe(hashOf(b));
    expect(hashOf(a)).toBe(stateHash(server.incidentState(incidentId)));

    a.getState().disconnect();
    expect(a.getState().connection.kind).toBe('offline');
    const texts: string[] = [];
    for (let i = 0; i < 20; i++) {
      const text = `offline edit ${i}`;
      texts.push(text);
      const r = i % 5 === 4 ? a.getState().moveTask((t as { id: string }).id, i % 2 ? 'doing' : 'blocked', i) : a.getState().addEntry('note', text);
      if (!r.ok) throw new Error(r.message);
    }
    b.getState().addEntry('update', 'Stakeholders told: checkout degraded');
    expect(a.getState().outbox).toHaveLength(20);
    a.getState().reconnect();
    await until('convergence after reconnect', () => synced(a) && synced(b) && a.getState().headSeq === b.getState().headSeq
      && a.getState().headSeq === server.incidentState(incidentId)!.headSeq);
    const state = a.getState().committed!;
    for (const [i, text] of texts.entries()) {
      if (i % 5 === 4) continue;
      expect(state.timeline.filter((e) => e.text === text)).toHaveLength(1);
    }
    expect(state.tasks[(t as { id: string }).id]!.column).toBe('doing');
    expect(hashOf(a)).toBe(hashOf(b));
    expect(hashOf(a)).toBe(stateHash(server.incidentState(incidentId)));
    expect(a.getState().view).toBe(a.getState().committed);
  });

  it('rides out a server restart: reconnecting with attempts, then resends what was typed meanwhile', async () => {
    const dir2 = tempDir('warroom-renderer-restart-');
    let srv = await startServer(dir2);
    try {
      const a = makeStore('Ana', srv.createToken('lead'), srv.url);
      await until('connected', () => a.getState().connection.kind === 'connected');
      const declared = a.getState().declareIncident({ title: 'Restart drill', severity: 'SEV3' });
      if (!declared.ok || !declared.incidentId) throw new Error('declare refused');
      await until('declared', () => synced(a));
      const port = srv.port;
      await srv.close();
      await until('reconnect attempts', () => {
        const c = a.getState().connection;
        return c.kind === 'reconnecting' && c.attempt >= 1;
      });
      expect(a.getState().syncPhase).toBe('local');
      for (let i = 0; i < 3; i++) a.getState().addEntry('note', `during restart ${i}`);
      srv = await startServer(dir2, { port });
      await until('resynced', () => synced(a) && a.getState().headSeq === srv.incidentState(declared.incidentId!)!.headSeq);
      expect(a.getState().connection.kind).toBe('connected');
      expect(a.getState().committed!.timeline.filter((e) => e.text.startsWith('during restart'))).toHaveLength(3);
      expect(hashOf(a)).toBe(stateHash(srv.incidentState(declared.incidentId)));
    } finally {
      await srv.close();
      removeDir(dir2);
    }
  });
});
