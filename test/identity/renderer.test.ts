/**
 * The renderer's side of sessions, against the real server: the store swaps the invite for the
 * session token it is granted and keeps it (reconnects and restarts act as the same member, which
 * the invite alone could no longer do), and a revocation shows the server's sentence and stops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import { webInviteLink } from '../../shared/invite.ts';
import { MemoryPersistence } from '../../renderer/persistence/memoryPersistence.ts';
import { createWarRoomStore, type WarRoomStore } from '../../renderer/store/index.ts';
import { SocketTransport } from '../../renderer/sync/socketTransport.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { removeDir, startServer, tempDir, until } from '../server/helpers.ts';

const stores: WarRoomStore[] = [];
let server: WarRoomServer | null = null;
let dir = '';
afterEach(async () => {
  for (const s of stores.splice(0)) {
    s.getState().disconnect();
    s.dispose();
  }
  await server?.close();
  server = null;
  removeDir(dir);
});

function makeStore(persistence = new MemoryPersistence()): WarRoomStore {
  const store = createWarRoomStore({
    transport: new SocketTransport({ reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 }),
    persistence, timers: false, saveDebounceMs: 5,
  });
  stores.push(store);
  store.getState().setPreferences({ name: 'Ana', timeZone: 'Europe/Paris' });
  return store;
}

const connected = (s: WarRoomStore) => s.getState().connection.kind === 'connected';
const jtiOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).jti as string;

describe('renderer sessions', () => {
  it('an invite link (#token=) is redeemed once; the stored session token is used from then on', async () => {
    dir = tempDir();
    server = await startServer(dir);
    const persistence = new MemoryPersistence();
    const a = makeStore(persistence);
    const invite = server.createToken('responder');
    expect(a.getState().connect({ invite: webInviteLink(server.url, invite) }).ok).toBe(true);
    await until(() => connected(a) && a.getState().prefs.token !== invite, 'the session token');
    const session = a.getState().prefs.token!;
    expect(JSON.parse(Buffer.from(session.split('.')[0]!, 'base64url').toString())).toMatchObject({ kind: 'session', sub: a.getState().prefs.clientId });

    // A server-side drop (socket.io reconnects by itself) and a manual reconnect both come back as the same member.
    const kinds: string[] = [];
    const unsubscribe = a.subscribe((st) => kinds.push(st.connection.kind));
    for (const s of server.io.of('/').sockets.values()) s.disconnect(true);
    await until(() => kinds.includes('reconnecting') && connected(a), 'reconnected after the server dropped it');
    unsubscribe();
    expect(kinds).not.toContain('refused');
    a.getState().disconnect();
    a.getState().reconnect();
    await until(() => connected(a), 'reconnected');

    // A restart of the app reads the session from storage.
    a.getState().disconnect();
    const again = makeStore(persistence);
    expect(again.getState().prefs.token).toBe(session);
    expect(again.getState().resume()).toBe(true);
    await until(() => connected(again), 'resumed with the session');
  });

  it('opening a second invite (another incident) keeps the same member: the held session proves the id', async () => {
    dir = tempDir();
    server = await startServer(dir);
    const a = makeStore();
    const first = server.createToken('responder');
    a.getState().connect({ invite: webInviteLink(server.url, first) });
    await until(() => connected(a) && a.getState().prefs.token !== first, 'the first session');
    const me = a.getState().prefs.clientId;
    const second = server.createToken('responder', 'db-fire');
    a.getState().connect({ invite: webInviteLink(server.url, second, 'db-fire') });
    await until(() => a.getState().prefs.token !== second && a.getState().connection.kind === 'connected', 'the second session', 8_000);
    expect(a.getState().prefs.clientId).toBe(me);
    expect(JSON.parse(Buffer.from(a.getState().prefs.token!.split('.')[0]!, 'base64url').toString())).toMatchObject({ kind: 'session', sub: me, incidentId: 'db-fire' });
  });

  it('a personal session pasted into a fresh install (warroom token create --member) makes it act as that member', async () => {
    dir = tempDir();
    server = await startServer(dir);
    const a = makeStore();
    const token = server.createSession('camille', 'lead');
    a.getState().connect({ serverUrl: server.url, token });
    await until(() => connected(a) && a.getState().prefs.clientId === 'camille', 'the holder adopted');
    expect(a.getState().prefs.token).toBe(token);
    const declared = a.getState().declareIncident({ title: 'As camille', severity: 'SEV3' });
    if (!declared.ok || !declared.incidentId) throw new Error('declare refused');
    await until(() => a.getState().outbox.length === 0 && server!.incidentState(declared.incidentId!) !== null, 'declared on the server');
    expect(server.incidentState(declared.incidentId)!.createdBy).toBe('camille');
  });

  it('a revoked session ends with the server\'s sentence and no retry loop', async () => {
    dir = tempDir();
    server = await startServer(dir);
    const a = makeStore();
    const invite = server.createToken('responder');
    a.getState().connect({ serverUrl: server.url, token: invite });
    await until(() => connected(a) && a.getState().prefs.token !== invite, 'the session token');
    await server.access.settle();
    await server.access.registry.revoke(jtiOf(a.getState().prefs.token!), Date.now());
    await until(() => a.getState().connection.kind === 'refused', 'refused', 8_000);
    expect(a.getState().connection).toMatchObject({ kind: 'refused', code: 'TOKEN_REVOKED', message: ERROR_MESSAGES.TOKEN_REVOKED });
    await new Promise((r) => setTimeout(r, 500));
    expect(a.getState().connection.kind).toBe('refused');
  });
});
