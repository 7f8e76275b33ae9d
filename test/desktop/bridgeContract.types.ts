/**
 * Type-level contract, checked by `tsc` (see bridgeContract.test.ts): the preload's API is a
 * PlatformBridge, it can be built from Electron's real ipcRenderer and handed to contextBridge,
 * main's handlers accept Electron's real IpcMain, and the renderer's wrapper sees the same type.
 */
import type { contextBridge, ipcMain, ipcRenderer, IpcMainInvokeEvent } from 'electron';
import type { PlatformBridge, SaveFileResult, Settings, ShellApi, ShellCommand, ShellResult } from '../../shared/bridge.ts';
import type { registerIpcHandlers, SenderEvent } from '../../main/ipc.ts';
import type { createBridge, InvokeLike } from '../../main/preload.ts';
import type { createElectronPlatform } from '../../renderer/platform/electron.ts';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

// The preload builds its API from Electron's ipcRenderer and returns exactly ShellApi.
export type PreloadTakesIpcRenderer = Assert<typeof ipcRenderer extends InvokeLike ? true : false>;
export type PreloadReturnsShellApi = Assert<Equals<ReturnType<typeof createBridge>, ShellApi>>;
export type ExposedThroughContextBridge = Assert<Parameters<typeof contextBridge.exposeInMainWorld> extends [string, infer A] ? (ShellApi extends A ? true : false) : false>;
// Refusals cross contextBridge as data: every ShellApi answer (but onCommand) is a ShellResult.
type Answers = { [K in Exclude<keyof ShellApi, 'kind' | 'onCommand'>]: Awaited<ReturnType<ShellApi[K]>> extends ShellResult<unknown> ? true : false };
export type AllAnswersAreData = Assert<Equals<Answers[keyof Answers], true>>;

// Main's handlers accept Electron's IpcMain, and its invoke events carry what the sender check reads.
export type MainTakesIpcMain = Assert<typeof ipcMain extends Parameters<typeof registerIpcHandlers>[0] ? true : false>;
export type InvokeEventHasSender = Assert<IpcMainInvokeEvent extends SenderEvent ? true : false>;

// The renderer's wrapper and window.warroom are the same interface.
export type RendererWrapperIsBridge = Assert<Equals<ReturnType<typeof createElectronPlatform>, PlatformBridge>>;
export type WindowHasShellApi = Assert<Equals<NonNullable<Window['warroom']>, ShellApi>>;

// The bridge's result shapes are what main's handlers produce.
export type SaveResult = Assert<Equals<Awaited<ReturnType<PlatformBridge['saveFile']>>, SaveFileResult>>;
export type SettingsResult = Assert<Equals<Awaited<ReturnType<PlatformBridge['setSettings']>>, Settings>>;
export type CommandListener = Assert<Equals<Parameters<Parameters<PlatformBridge['onCommand']>[0]>[0], ShellCommand>>;
