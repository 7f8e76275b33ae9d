/**
 * The settings mirror end to end, with what the renderer really sends: its preferences slice and
 * connect() write through the renderer's Electron wrapper, the preload, main's guarded IPC handler
 * and main's settings store. Every field at its largest must be accepted (a refusal here is
 * swallowed by the renderer and leaves main with another server or token than the window).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MAX_NAME_CHARS, MAX_SKILL_CHARS, MAX_SKILLS } from '../../shared/constants.ts';
import { webInviteLink } from '../../shared/invite.ts';
import { APP_ORIGIN } from '../../main/appProtocol.ts';
import { registerIpcHandlers, type SenderEvent } from '../../main/ipc.ts';
import { createBridge } from '../../main/preload.ts';
import { plainBox } from '../../main/secrets.ts';
import { openSettingsStore } from '../../main/settings.ts';
import { MemoryPersistence } from '../../renderer/persistence/memoryPersistence.ts';
import { createElectronPlatform } from '../../renderer/platform/electron.ts';
import { createWarRoomStore } from '../../renderer/store/index.ts';
import { FakeServer } from '../../renderer/sync/testing/fakeServer.ts';

// The preload exposes itself on import; Electron is never required for real.
vi.mock('electron', () => ({ contextBridge: { exposeInMainWorld: () => undefined }, ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn() } }));

const dir = mkdtempSync(path.join(os.tmpdir(), 'warroom-mirror-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('renderer preferences → main settings', () => {
  it('the largest name, skills, longest time zone and a 2,048-character token reach main unchanged', async () => {
    const settings = await openSettingsStore(dir, plainBox);
    const handlers = new Map<string, (e: SenderEvent, ...a: unknown[]) => Promise<unknown>>();
    registerIpcHandlers({ handle: (c, l) => handlers.set(c, l as never), on: () => undefined }, {
      appOrigin: APP_ORIGIN, settings, saveFile: async () => ({ ok: true, path: null }), printToPdf: async () => ({ ok: true, path: null }),
      notify: () => undefined, startLocalServer: async () => ({ ok: false, code: 'LOCAL_SERVER_FAILED', message: 'n/a' }), onCommandsReady: () => undefined,
    });
    const answers: { ok: boolean; code?: string; message?: string }[] = [];
    const app = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const shellApi = createBridge({
      invoke: async (channel, ...args) => {
        const res = (await handlers.get(channel)!(app, ...args)) as { ok: boolean };
        answers.push(res);
        return res;
      },
      on: () => undefined, removeListener: () => undefined, send: () => undefined,
    });
    const platform = createElectronPlatform({ warroom: shellApi });
    const server = new FakeServer();
    const store = createWarRoomStore({ transport: server.transport('lead'), persistence: new MemoryPersistence(), platform, timers: false });

    const name = 'N'.repeat(MAX_NAME_CHARS);
    const skills = Array.from({ length: MAX_SKILLS }, (_, i) => `${i}`.padEnd(MAX_SKILL_CHARS, 's'));
    const zone = 'America/Argentina/ComodRivadavia';
    store.getState().setPreferences({ name, skills, timeZone: zone, showUtc: true });
    const token = `t${'x'.repeat(2047)}`;
    expect(store.getState().connect({ invite: webInviteLink('http://192.168.1.20:4000', token, 'INC-1') })).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 50));

    expect(answers.filter((a) => !a.ok)).toEqual([]);
    expect(settings.get()).toMatchObject({
      serverUrl: 'http://192.168.1.20:4000', token, displayName: name, skills, timeZone: zone, showUtc: true,
      servers: [{ serverUrl: 'http://192.168.1.20:4000', local: false }],
    });
  });
});
