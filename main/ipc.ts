/**
 * Main's side of the PlatformBridge. Each `ipcMain.handle` first checks who is asking (the top
 * frame of the app's own origin) and then parses its arguments with zod; anything else is a
 * refusal with a code and a sentence, never a partial action.
 */
import { z } from 'zod';
import type { NotifyRequest, SaveFileRequest, SaveFileResult, Settings, StartLocalServerRequest, StartLocalServerResult } from '../shared/bridge.ts';
import { MAX_PDF_HTML_CHARS, MAX_SAVE_FILE_BYTES, NOTIFY_REQUEST_MAX_CHARS } from '../shared/constants.ts';
import { refuse } from '../shared/errors.ts';
import { idSchema } from '../shared/ops.ts';
import { IPC, type InvokeChannel, type IpcResult } from './channels.ts';
import { originOf } from './security.ts';
import { settingsPatchSchema, type SettingsPatch } from './settings.ts';

const fileName = z.string().trim().min(1).max(255);

export const saveFileRequestSchema = z.strictObject({
  suggestedName: fileName,
  mimeType: z.string().max(200),
  data: z.union([
    z.string().max(MAX_SAVE_FILE_BYTES),
    z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_SAVE_FILE_BYTES, { message: 'is too large' }),
  ]),
});

export const printToPdfRequestSchema = z.strictObject({
  html: z.string().min(1).max(MAX_PDF_HTML_CHARS),
  suggestedName: fileName,
});

/** Long text is cut by the shell (notifications.ts), not refused: only absurd sizes are malformed. */
export const notifyRequestSchema = z.strictObject({
  title: z.string().min(1).max(NOTIFY_REQUEST_MAX_CHARS),
  body: z.string().max(NOTIFY_REQUEST_MAX_CHARS),
  incidentId: idSchema.optional(),
});

export const startLocalServerRequestSchema = z.strictObject({ shareOnLan: z.boolean() });

/** The argument list of each channel, as a tuple so extra arguments are refused too. */
export const ipcArgSchemas = {
  [IPC.saveFile]: z.tuple([saveFileRequestSchema]),
  [IPC.printToPdf]: z.tuple([printToPdfRequestSchema]),
  [IPC.notify]: z.tuple([notifyRequestSchema]),
  [IPC.getSettings]: z.tuple([]),
  [IPC.setSettings]: z.tuple([settingsPatchSchema]),
  [IPC.startLocalServer]: z.tuple([startLocalServerRequestSchema]),
} satisfies Record<InvokeChannel, z.ZodType>;

/** The fields of IpcMainInvokeEvent / IpcMainEvent that the sender check reads. */
export interface SenderEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

/** True only for the window's top frame showing the app's own origin. */
export function isTrustedSender(event: SenderEvent, appOrigin: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return originOf(frame.url) === appOrigin;
}

export interface IpcDeps {
  appOrigin: string;
  saveFile(req: SaveFileRequest): Promise<SaveFileResult>;
  printToPdf(req: { html: string; suggestedName: string }): Promise<SaveFileResult>;
  notify(req: NotifyRequest): Promise<void> | void;
  settings: { get(): Settings; update(patch: SettingsPatch): Promise<Settings> };
  startLocalServer(req: StartLocalServerRequest): Promise<StartLocalServerResult>;
  /** The renderer subscribed to shell commands: queued ones may be delivered. */
  onCommandsReady(): void;
}

/** The part of `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => void): void;
}

type Handler<C extends InvokeChannel> = (...args: z.infer<(typeof ipcArgSchemas)[C]>) => Promise<unknown>;

export function createIpcHandlers(deps: IpcDeps): { [C in InvokeChannel]: Handler<C> } {
  return {
    [IPC.saveFile]: (req) => deps.saveFile(req),
    [IPC.printToPdf]: (req) => deps.printToPdf(req),
    [IPC.notify]: async (req) => {
      await deps.notify(req);
      return null;
    },
    [IPC.getSettings]: async () => deps.settings.get(),
    [IPC.setSettings]: (patch) => deps.settings.update(patch),
    [IPC.startLocalServer]: (req) => deps.startLocalServer(req),
  };
}

/** Wraps one handler with the sender check and the argument parse. */
export function guarded<C extends InvokeChannel>(channel: C, appOrigin: string, handler: Handler<C>) {
  return async (event: SenderEvent, ...args: unknown[]): Promise<IpcResult<unknown>> => {
    if (!isTrustedSender(event, appOrigin)) return refuse('SHELL_FOREIGN_SENDER', channel);
    const parsed = ipcArgSchemas[channel].safeParse(args);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'} ${i.message}`).join('; ');
      return refuse('SHELL_BAD_REQUEST', `${channel}: ${why}`);
    }
    const value = await (handler as (...a: unknown[]) => Promise<unknown>)(...(parsed.data as unknown[]));
    return { ok: true, value };
  };
}

export function registerIpcHandlers(ipcMain: IpcMainLike, deps: IpcDeps): void {
  const handlers = createIpcHandlers(deps);
  for (const channel of Object.keys(handlers) as InvokeChannel[]) {
    ipcMain.handle(channel, guarded(channel, deps.appOrigin, handlers[channel] as Handler<typeof channel>));
  }
  ipcMain.on(IPC.commandsReady, (event) => {
    if (isTrustedSender(event, deps.appOrigin)) deps.onCommandsReady();
  });
}
