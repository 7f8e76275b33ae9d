import { describe, expect, it, vi } from 'vitest';
import { IPC } from '../../main/channels.ts';
import type { PlatformBridge } from '../../shared/bridge.ts';

// The preload exposes its API on import; electron is a recorder here.
const exposed: [string, unknown][] = [];
const ipc = {
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
  send: vi.fn(),
};
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
  ipcRenderer: ipc,
}));

const { createBridge } = await import('../../main/preload.ts');
const api = () => exposed[0]![1] as PlatformBridge;

describe('preload', () => {
  it('exposes exactly one API, window.warroom, with only the bridge methods', () => {
    expect(exposed.map(([k]) => k)).toEqual(['warroom']);
    expect(Object.keys(api()).sort()).toEqual(['getSettings', 'kind', 'notify', 'onCommand', 'printToPdf', 'saveFile', 'setSettings']);
    expect(api().kind).toBe('electron');
    expect(Object.values(api())).not.toContain(ipc);
    expect(Object.isFrozen(api())).toBe(true);
  });

  it('invokes one fixed channel per method and unwraps the answer', async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: true, value: { ok: true, path: '/home/me/pm.md' } });
    const req = { suggestedName: 'pm.md', mimeType: 'text/markdown', data: '# PM' };
    expect(await api().saveFile(req)).toEqual({ ok: true, path: '/home/me/pm.md' });
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

  it('turns a refusal from main into a rejected promise with its sentence', async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: false, code: 'SHELL_BAD_REQUEST', message: 'The desktop app refused a malformed request.' });
    await expect(api().getSettings()).rejects.toMatchObject({ code: 'SHELL_BAD_REQUEST', message: 'The desktop app refused a malformed request.' });
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
