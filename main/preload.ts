/**
 * The sandboxed preload: exposes exactly one API, `window.warroom` (ShellApi). Raw ipcRenderer
 * never crosses contextBridge; each method invokes one fixed channel and passes main's
 * `{ ok, value } | { ok: false, code, message }` answer on as data. contextBridge copies only an
 * Error's message across worlds, so a thrown `code` would reach the renderer as undefined; the
 * renderer (renderer/platform/electron.ts) turns a refusal into an error with its code.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { SaveFileResult, Settings, ShellApi, ShellCommand, ShellResult, StartLocalServerResult } from '../shared/bridge.ts';
import { IPC, type InvokeChannel } from './channels.ts';

export interface InvokeLike {
  invoke(channel: InvokeChannel, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  send(channel: string): void;
}

async function call<T>(ipc: InvokeLike, channel: InvokeChannel, ...args: unknown[]): Promise<ShellResult<T>> {
  try {
    return (await ipc.invoke(channel, ...args)) as ShellResult<T>;
  } catch (err) {
    // A handler that threw (Electron rejects the invoke): still an answer with a code.
    return { ok: false, code: 'SHELL_BAD_REQUEST', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Built from an injected ipcRenderer so the contract can be unit-tested and type-checked. */
export function createBridge(ipc: InvokeLike): ShellApi {
  return Object.freeze({
    kind: 'electron' as const,
    saveFile: (req) => call<SaveFileResult>(ipc, IPC.saveFile, req),
    printToPdf: (req) => call<SaveFileResult>(ipc, IPC.printToPdf, req),
    notify: (req) => call<null>(ipc, IPC.notify, req),
    getSettings: () => call<Settings>(ipc, IPC.getSettings),
    setSettings: (patch) => call<Settings>(ipc, IPC.setSettings, patch),
    startLocalServer: (req) => call<StartLocalServerResult>(ipc, IPC.startLocalServer, req),
    onCommand(listener: (command: ShellCommand) => void) {
      const wrapped = (_event: IpcRendererEvent, command: unknown) => listener(command as ShellCommand);
      ipc.on(IPC.command, wrapped);
      ipc.send(IPC.commandsReady);
      return () => {
        ipc.removeListener(IPC.command, wrapped);
      };
    },
  } satisfies ShellApi);
}

contextBridge.exposeInMainWorld('warroom', createBridge(ipcRenderer));
