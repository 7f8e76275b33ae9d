import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/bridge.ts';
import { APP_ORIGIN } from '../../main/appProtocol.ts';
import { IPC, type InvokeChannel } from '../../main/channels.ts';
import { registerIpcHandlers, type IpcDeps, type SenderEvent } from '../../main/ipc.ts';

type Listener = (event: SenderEvent, ...args: unknown[]) => unknown;

function setup() {
  const handlers = new Map<string, Listener>();
  const listeners = new Map<string, Listener>();
  let settings: Settings = { ...DEFAULT_SETTINGS };
  const deps = {
    appOrigin: APP_ORIGIN,
    saveFile: vi.fn(async () => ({ ok: true as const, path: '/tmp/x.md' })),
    printToPdf: vi.fn(async () => ({ ok: true as const, path: '/tmp/x.pdf' })),
    notify: vi.fn(),
    settings: {
      get: vi.fn(() => settings),
      update: vi.fn(async (patch: Partial<Settings>) => (settings = { ...settings, ...patch })),
    },
    startLocalServer: vi.fn(async () => ({ ok: true as const, serverUrl: 'http://127.0.0.1:4000', token: 'lead_abcdefghijkl', inviteLink: null })),
    onCommandsReady: vi.fn(),
  } satisfies IpcDeps;
  registerIpcHandlers({ handle: (c, l) => handlers.set(c, l), on: (c, l) => listeners.set(c, l) }, deps);
  const invoke = (channel: string, event: SenderEvent, ...args: unknown[]) => handlers.get(channel)!(event, ...args);
  return { handlers, listeners, deps, invoke };
}

const app: SenderEvent = { senderFrame: { url: 'app://warroom/index.html?incident=INC-1', parent: null } };
const foreign: [string, SenderEvent][] = [
  ['another web origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
  ['the server page', { senderFrame: { url: 'http://127.0.0.1:4000/', parent: null } }],
  ['an opaque look-alike scheme', { senderFrame: { url: 'foo://warroom/index.html', parent: null } }],
  ['another app:// host', { senderFrame: { url: 'app://evil/index.html', parent: null } }],
  ['a subframe of the app', { senderFrame: { url: 'app://warroom/frame.html', parent: {} } }],
  ['a destroyed frame', { senderFrame: null }],
];

const goodArgs: Record<InvokeChannel, unknown[]> = {
  [IPC.saveFile]: [{ suggestedName: 'postmortem.md', mimeType: 'text/markdown', data: '# Postmortem' }],
  [IPC.printToPdf]: [{ html: '<h1>Postmortem</h1>', suggestedName: 'postmortem.pdf' }],
  [IPC.notify]: [{ title: 'Help requested', body: 'Ana asks for a DBA', incidentId: 'INC-1' }],
  [IPC.getSettings]: [],
  [IPC.setSettings]: [{ showUtc: true }],
  [IPC.startLocalServer]: [{ shareOnLan: true }],
};

const badArgs: Record<InvokeChannel, [string, unknown[]][]> = {
  [IPC.saveFile]: [
    ['no argument', []],
    ['data of the wrong type', [{ suggestedName: 'a.md', mimeType: 'text/markdown', data: 42 }]],
    ['an empty name', [{ suggestedName: '', mimeType: 'text/markdown', data: 'x' }]],
    ['an unknown field', [{ suggestedName: 'a.md', mimeType: 'text/markdown', data: 'x', path: '/etc/passwd' }]],
    ['an extra argument', [{ suggestedName: 'a.md', mimeType: 'text/markdown', data: 'x' }, '/etc/passwd']],
  ],
  [IPC.printToPdf]: [
    ['no html', [{ suggestedName: 'a.pdf' }]],
    ['empty html', [{ html: '', suggestedName: 'a.pdf' }]],
    ['a string instead of an object', ['<h1>x</h1>']],
  ],
  [IPC.notify]: [
    ['no title', [{ body: 'x' }]],
    ['an incident id with spaces', [{ title: 't', body: 'b', incidentId: 'not an id' }]],
    ['null', [null]],
    ['an absurdly large body (long text is cut, not this)', [{ title: 't', body: 'x'.repeat(70_000) }]],
  ],
  [IPC.getSettings]: [['an unexpected argument', [{}]]],
  [IPC.setSettings]: [
    ['a non-http server', [{ serverUrl: 'file:///etc/passwd' }]],
    ['a bad time zone', [{ timeZone: 'Mars/Olympus' }]],
    ['an unknown key', [{ admin: true }]],
    ['a wrong type', [{ showUtc: 'yes' }]],
    ['a saved-servers list (main derives it)', [{ servers: [] }]],
    ['a token with spaces', [{ token: 'not a token at all' }]],
  ],
  [IPC.startLocalServer]: [
    ['no argument', []],
    ['a string for shareOnLan', [{ shareOnLan: 'yes' }]],
    ['a port (main picks it)', [{ shareOnLan: false, port: 22 }]],
  ],
};

const callsOf = (deps: ReturnType<typeof setup>['deps']) =>
  deps.saveFile.mock.calls.length + deps.printToPdf.mock.calls.length + deps.notify.mock.calls.length +
  deps.settings.get.mock.calls.length + deps.settings.update.mock.calls.length + deps.startLocalServer.mock.calls.length;

describe('IPC handlers', () => {
  it('registers exactly the bridge channels', () => {
    const { handlers, listeners } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.keys(goodArgs).sort());
    expect([...listeners.keys()]).toEqual([IPC.commandsReady]);
  });

  describe.each(Object.keys(goodArgs) as InvokeChannel[])('%s', (channel) => {
    it('answers the app window', async () => {
      const { deps, invoke } = setup();
      const res = await invoke(channel, app, ...goodArgs[channel]);
      expect(res).toMatchObject({ ok: true });
      expect(callsOf(deps)).toBe(1);
    });

    it.each(foreign)('refuses %s and does nothing', async (_what, event) => {
      const { deps, invoke } = setup();
      const res = await invoke(channel, event, ...goodArgs[channel]);
      expect(res).toMatchObject({ ok: false, code: 'SHELL_FOREIGN_SENDER' });
      expect((res as { message: string }).message).toMatch(/not War Room/);
      expect(callsOf(deps)).toBe(0);
    });

    it.each(badArgs[channel])('refuses %s with a sentence and does nothing', async (_what, args) => {
      const { deps, invoke } = setup();
      const res = await invoke(channel, app, ...args);
      expect(res).toMatchObject({ ok: false, code: 'SHELL_BAD_REQUEST' });
      expect((res as { message: string }).message).toContain(channel);
      expect(callsOf(deps)).toBe(0);
    });
  });

  it('passes validated values through and returns the result', async () => {
    const { deps, invoke } = setup();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await invoke(IPC.saveFile, app, { suggestedName: 'log.json', mimeType: 'application/json', data: bytes });
    expect(deps.saveFile).toHaveBeenCalledWith({ suggestedName: 'log.json', mimeType: 'application/json', data: bytes });
    const res = await invoke(IPC.setSettings, app, { serverUrl: 'https://wr.example.com', showUtc: true });
    expect(res).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, serverUrl: 'https://wr.example.com', showUtc: true } });
    expect(await invoke(IPC.getSettings, app)).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, serverUrl: 'https://wr.example.com', showUtc: true } });
  });

  it('flushes queued commands only when the app window says it listens', () => {
    const { deps, listeners } = setup();
    const ready = listeners.get(IPC.commandsReady)!;
    for (const [, event] of foreign) ready(event);
    expect(deps.onCommandsReady).not.toHaveBeenCalled();
    ready(app);
    expect(deps.onCommandsReady).toHaveBeenCalledTimes(1);
  });
});
