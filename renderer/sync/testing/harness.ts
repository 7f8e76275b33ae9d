/** Builds stores wired to a FakeServer for tests; settle() lets async sync work run out. */
import { MemoryPersistence } from '../../persistence/memoryPersistence.ts';
import { createWarRoomStore, type WarRoomStore } from '../../store/index.ts';
import type { PlatformBridge, NotifyRequest } from '../../../shared/bridge.ts';
import { DEFAULT_SETTINGS } from '../../../shared/bridge.ts';
import type { FakeServer, FakeTransport } from './fakeServer.ts';

export interface TestClient {
  store: WarRoomStore;
  transport: FakeTransport;
  persistence: MemoryPersistence;
  notified: NotifyRequest[];
}

export function recordingPlatform(notified: NotifyRequest[]): PlatformBridge {
  return {
    kind: 'browser',
    saveFile: async () => ({ ok: true, path: null }),
    printToPdf: async () => ({ ok: true, path: null }),
    notify: async (req) => void notified.push(req),
    getSettings: async () => ({ ...DEFAULT_SETTINGS }),
    setSettings: async (p) => ({ ...DEFAULT_SETTINGS, ...p }),
    onCommand: () => () => undefined,
  };
}

export function makeClient(server: FakeServer, opts: {
  name?: string; skills?: string[]; access?: 'lead' | 'responder' | 'viewer';
  persistence?: MemoryPersistence; now?: () => number; transport?: FakeTransport;
} = {}): TestClient {
  const persistence = opts.persistence ?? new MemoryPersistence();
  const transport = opts.transport ?? server.transport(opts.access ?? 'lead');
  const notified: NotifyRequest[] = [];
  const store = createWarRoomStore({
    transport, persistence, platform: recordingPlatform(notified), timers: false, saveDebounceMs: 5,
    ...(opts.now ? { now: opts.now } : {}),
  });
  if (opts.name !== undefined || opts.skills) store.getState().setPreferences({ name: opts.name ?? '', skills: opts.skills ?? [] });
  return { store, transport, persistence, notified };
}

/** Lets queued microtasks, zero-delay timers and sync passes finish. */
export async function settle(...stores: WarRoomStore[]): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await Promise.all(stores.map((s) => s.engine.idle()));
  }
}
