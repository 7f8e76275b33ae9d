import { describe, expect, it } from 'vitest';
import { MemoryPersistence } from '../persistence/memoryPersistence.ts';
import { FakeServer } from '../sync/testing/fakeServer.ts';
import { createWarRoomStore } from './index.ts';

const newStore = (persistence = new MemoryPersistence()) =>
  createWarRoomStore({ transport: new FakeServer().transport(), persistence, timers: false });

describe('adoptSessionToken', () => {
  it('replaces the invite with the session token and keeps it across restarts', () => {
    const persistence = new MemoryPersistence();
    const s = newStore(persistence);
    s.getState().setPreferences({ serverUrl: 'http://h:4000', token: 'invite-token-abcdef' });
    const me = s.getState().prefs.clientId;
    s.getState().adoptSessionToken('session-token-abcdef', me);
    expect(s.getState().prefs).toMatchObject({ token: 'session-token-abcdef', clientId: me });
    expect(newStore(persistence).getState().prefs).toMatchObject({ token: 'session-token-abcdef', clientId: me, serverUrl: 'http://h:4000' });
  });

  it('takes the holder the server names when it is another member id, and ignores a malformed one', () => {
    const persistence = new MemoryPersistence();
    const s = newStore(persistence);
    const me = s.getState().prefs.clientId;
    s.getState().adoptSessionToken('session-token-abcdef', 'has space');
    expect(s.getState().prefs.clientId).toBe(me);
    s.getState().adoptSessionToken('session-token-ghijkl', 'camille');
    expect(newStore(persistence).getState().prefs).toMatchObject({ token: 'session-token-ghijkl', clientId: 'camille' });
  });
});
