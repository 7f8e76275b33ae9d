/**
 * The Electron PlatformBridge: a thin wrapper over `window.warroom`, which the desktop preload
 * exposes through contextBridge. The rest of the renderer picks this when `hasElectronBridge()`.
 */
import type { PlatformBridge } from '../../shared/bridge.ts';

declare global {
  interface Window {
    /** Present only inside the War Room desktop app (main/preload.ts). */
    warroom?: PlatformBridge;
  }
}

export function hasElectronBridge(w: { warroom?: unknown } = globalThis as { warroom?: unknown }): boolean {
  const b = w.warroom as Partial<PlatformBridge> | undefined;
  return typeof b === 'object' && b !== null && b.kind === 'electron';
}

/** Returns the desktop bridge, or throws when this page is not running inside the desktop app. */
export function createElectronPlatform(w: { warroom?: PlatformBridge } = globalThis as { warroom?: PlatformBridge }): PlatformBridge {
  const b = w.warroom;
  if (!b || b.kind !== 'electron') throw new Error('The War Room desktop bridge is not available in this window.');
  // Calls go through `b` at call time, so the frozen contextBridge proxy is used as exposed.
  return {
    kind: 'electron',
    saveFile: (req) => b.saveFile(req),
    printToPdf: (req) => b.printToPdf(req),
    notify: (req) => b.notify(req),
    getSettings: () => b.getSettings(),
    setSettings: (patch) => b.setSettings(patch),
    onCommand: (listener) => b.onCommand(listener),
  };
}
