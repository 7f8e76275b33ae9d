/**
 * The Electron PlatformBridge over `window.warroom` (ShellApi), which the desktop preload exposes
 * through contextBridge. The preload answers with data (`{ ok: false, code, message }`) because
 * contextBridge strips custom properties from thrown errors; here, in the page's own world, a
 * refusal becomes a ShellError that keeps its code.
 */
import type { PlatformBridge, ShellApi, ShellResult } from '../../shared/bridge.ts';
import type { ErrorCode } from '../../shared/errors.ts';

declare global {
  interface Window {
    /** Present only inside the War Room desktop app (main/preload.ts). */
    warroom?: ShellApi;
  }
}

/** A refusal from the desktop shell, with main's stable code. */
export class ShellError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ShellError';
    this.code = code;
  }
}

export function unwrap<T>(res: ShellResult<T>): T {
  // A preload from another version could answer differently: say so rather than fail on a property read.
  if (typeof res !== 'object' || res === null) throw new ShellError('SHELL_BAD_REQUEST', 'The desktop app answered in a form this window does not understand. Restart the app.');
  if (res.ok) return res.value;
  throw new ShellError(res.code, res.message);
}

export function hasElectronBridge(w: { warroom?: unknown } = globalThis as { warroom?: unknown }): boolean {
  const b = w.warroom as Partial<ShellApi> | undefined;
  return typeof b === 'object' && b !== null && b.kind === 'electron';
}

/** Returns the desktop bridge, or throws when this page is not running inside the desktop app. */
export function createElectronPlatform(w: { warroom?: ShellApi } = globalThis as { warroom?: ShellApi }): PlatformBridge {
  const b = w.warroom;
  if (!b || b.kind !== 'electron') throw new Error('The War Room desktop bridge is not available in this window.');
  // Calls go through `b` at call time, so the frozen contextBridge proxy is used as exposed.
  return {
    kind: 'electron',
    saveFile: async (req) => unwrap(await b.saveFile(req)),
    printToPdf: async (req) => unwrap(await b.printToPdf(req)),
    notify: async (req) => {
      unwrap(await b.notify(req));
    },
    getSettings: async () => unwrap(await b.getSettings()),
    setSettings: async (patch) => unwrap(await b.setSettings(patch)),
    startLocalServer: async (req) => unwrap(await b.startLocalServer(req)),
    onCommand: (listener) => b.onCommand(listener),
  };
}
