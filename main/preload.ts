/**
 * The sandboxed preload: exposes exactly one API, `window.warroom`, implementing PlatformBridge.
 * Raw ipcRenderer never crosses contextBridge; each method invokes one fixed channel and unwraps
 * main's `{ ok, value } | { ok: false, code, message }` envelope.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { PlatformBridge, SaveFileResult, Settings, ShellCommand } from '../shared/bridge.ts';
import { IPC, type InvokeChannel, type IpcResult } from './channels.ts';

/** The refusal the renderer sees: an Error carrying main's stable code. */
export class ShellRefusal extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ShellRefusal';
    this.code = code;
  }
}

export interface InvokeLike {
  invoke(channel: InvokeChannel, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  send(channel: string): void;
}

async function call<T>(ipc: InvokeLike, channel: InvokeChannel, ...args: unknown[]): Promise<T> {
  const res = (await ipc.invoke(channel, ...args)) as IpcResult<T>;
  if (!res.ok) throw new ShellRefusal(res.code, res.message);
  return res.value;
}

/** Built from an injected ipcRenderer so the contract can be unit-tested and type-checked. */
export function createBridge(ipc: InvokeLike): PlatformBridge {
  return Object.freeze({
    kind: 'electron' as const,
    saveFile: (req) => call<SaveFileResult>(ipc, IPC.saveFile, req),
    printToPdf: (req) => call<SaveFileResult>(ipc, IPC.printToPdf, req),
    notify: async (req) => {
      await call<null>(ipc, IPC.notify, req);
    },
    getSettings: () => call<Settings>(ipc, IPC.getSettings),
    setSettings: (patch) => call<Settings>(ipc, IPC.setSettings, patch),
    onCommand(listener: (command: ShellCommand) => void) {
      const wrapped = (_event: IpcRendererEvent, command: unknown) => listener(command as ShellCommand);
      ipc.on(IPC.command, wrapped);
      ipc.send(IPC.commandsReady);
      return () => {
        ipc.removeListener(IPC.command, wrapped);
      };
    },
  } satisfies PlatformBridge);
}

contextBridge.exposeInMainWorld('warroom', createBridge(ipcRenderer));
