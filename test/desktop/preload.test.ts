import { describe, expect, it, vi } from 'vitest';
import { IPC } from '../../main/channels.ts';
import type { ShellApi } from '../../shared/bridge.ts';
import { createElectronPlatform, ShellError } from '../../renderer/platform/electron.ts';
import { crossWorlds } from './fakeElectron.ts';

// The preload exposes its API on import; electron is a recorder here.
const exposed: [string, unknown][] = [];
const ipc = {
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
  send: vi.fn(),
};
vi.mock('electron', () => ({
  // As contextBridge does, the page gets a copy: functions proxied, errors reduced to their message.
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, Object.freeze(crossWorlds(api))]) },
  ipcRenderer: ipc,
}));

const { createBridge } = await import('../../main/preload.ts');
const api = () => exposed[0]![1] as ShellApi;

describe('preload', () => {
  it('exposes exactly one API, window.warroom, with only the bridge methods', () => {
    expect(exposed.map(([k]) => k)).toEqual(['warroom']);
    expect(Object.keys(api()).sort()).toEqual(['getSettings', 'kind', 'notify', 'onCommand', 'printToPdf', 'saveFile', 'setSettings', 'startLocalServer']);
    expect(api().kind).toBe('electron');
    expect(Object.values(api())).not.toContain(ipc);
    expect(Object.isFrozen(api())).toBe(true);
  });

  it('invokes one fixed channel per method and unwraps the answer', async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: true, value: { ok: true, path: '/home/me/pm.md' } });
    const req = { suggestedName: 'pm.md', mimeType: 'text/markdown', data: '# PM' };
    expect(await api().saveFile(req)).toEqual({ ok: true, value: { ok: true, path: '/home/me/pm.md' } });
    expect(ipc.invoke).toHaveBeenLastCalledWith(IPC.saveFile, req);
    await api().getSettings();
    expect(ipc.invoke).toHaveBeenLastCalledWith(IPC.getSettings);
    await api().setSettings({ showUtc: true });
    expect(ipc.invoke).toHaveBeenLastCalledWith(IPC.setSettings, { showUtc: true });
    await api().printToPdf({ html: '<p/>', suggestedName: 'a.pdf' });
    expect(ipc.invoke).toHaveBeenLastCalledWith(IPC.printToPdf, { html: '<p/>', suggestedName: 'a.pdf' });
    await api().notify({ title: 't', body: 'b' });
    expect(ipc.invoke).toHaveBeenLastCalledWith(IPC.notify, { title: 't', body: 'b' });
  });

  it('a refusal keeps its code across contextBridge, because it travels as data; the renderer rethrows it with the code', async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: false, code: 'SHELL_BAD_REQUEST', message: 'The desktop app refused a malformed request.' });
    expect(await api().getSettings()).toEqual({ ok: false, code: 'SHELL_BAD_REQUEST', message: 'The desktop app refused a malformed request.' });
    const platform = createElectronPlatform({ warroom: api() });
    ipc.invoke.mockResolvedValueOnce({ ok: false, code: 'SHELL_FOREIGN_SENDER', message: 'Refused.' });
    const err = await platform.getSettings().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShellError);
    expect(err).toMatchObject({ code: 'SHELL_FOREIGN_SENDER', message: 'Refused.' });
  });

  it('the model of contextBridge is faithful: a code thrown on an Error would be lost', async () => {
    const throwing = crossWorlds(async () => {
      throw Object.assign(new Error('nope'), { code: 'SHELL_BAD_REQUEST' });
    }) as () => Promise<never>;
    const err = await throwing().catch((e: unknown) => e);
    expect((err as Error).message).toBe('nope');
    expect((err as { code?: string }).code).toBeUndefined();
  });

  it('a handler that throws in main still answers with a code', async () => {
    ipc.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'warroom:get-settings': boom"));
    expect(await api().getSettings()).toMatchObject({ ok: false, code: 'SHELL_BAD_REQUEST', message: expect.stringContaining('boom') });
  });

  it('delivers shell commands, tells main it listens, and unsubscribes', () => {
    const local = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn() };
    const bridge = createBridge(local);
    const got: unknown[] = [];
    const off = bridge.onCommand((c) => got.push(c));
    expect(local.send).toHaveBeenCalledWith(IPC.commandsReady);
    const [channel, listener] = local.on.mock.calls[0]!;
    expect(channel).toBe(IPC.command);
    listener({}, { type: 'toggle-utc' });
    expect(got).toEqual([{ type: 'toggle-utc' }]);
    off();
    expect(local.removeListener).toHaveBeenCalledWith(IPC.command, listener);
  });
});
