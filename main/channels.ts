/**
 * IPC channel names between the preload and main, and the envelope every invoke answers with.
 * Imported by both sides so a renamed channel cannot drift.
 */
import type { ErrorCode } from '../shared/errors.ts';

export const IPC = {
  saveFile: 'warroom:save-file',
  printToPdf: 'warroom:print-pdf',
  notify: 'warroom:notify',
  getSettings: 'warroom:get-settings',
  setSettings: 'warroom:set-settings',
  /** renderer → main (send): the renderer now listens for commands; flush the queued ones. */
  commandsReady: 'warroom:commands-ready',
  /** main → renderer (webContents.send): one ShellCommand. */
  command: 'warroom:command',
} as const;

export type InvokeChannel = (typeof IPC)['saveFile' | 'printToPdf' | 'notify' | 'getSettings' | 'setSettings'];

/** What every `ipcMain.handle` answers; the preload unwraps it so the renderer sees PlatformBridge types. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };
