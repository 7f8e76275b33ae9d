/**
 * IPC channel names between the preload and main, and the envelope every invoke answers with.
 * Imported by both sides so a renamed channel cannot drift.
 */
import type { ShellResult } from '../shared/bridge.ts';

export const IPC = {
  saveFile: 'warroom:save-file',
  printToPdf: 'warroom:print-pdf',
  notify: 'warroom:notify',
  getSettings: 'warroom:get-settings',
  setSettings: 'warroom:set-settings',
  startLocalServer: 'warroom:start-local-server',
  /** renderer → main (send): the renderer now listens for commands; flush the queued ones. */
  commandsReady: 'warroom:commands-ready',
  /** main → renderer (webContents.send): one ShellCommand. */
  command: 'warroom:command',
} as const;

export type InvokeChannel = (typeof IPC)['saveFile' | 'printToPdf' | 'notify' | 'getSettings' | 'setSettings' | 'startLocalServer'];

/**
 * What every `ipcMain.handle` answers. The preload passes it on as data (ShellResult) and the
 * renderer unwraps it: contextBridge would strip a `code` thrown on an Error.
 */
export type IpcResult<T> = ShellResult<T>;
