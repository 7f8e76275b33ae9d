/**
 * Picks the platform bridge: the Electron preload's `window.warroom` (through the thin wrapper in
 * ./electron.ts, written with the desktop shell) when present, otherwise the browser implementation.
 */
import type { PlatformBridge } from '../../shared/bridge.ts';
import { createBrowserBridge } from './browser.ts';
import { createElectronPlatform, hasElectronBridge } from './electron.ts';

let bridge: PlatformBridge | null = null;

/** The bridge for this runtime (created once). */
export function getPlatform(): PlatformBridge {
  if (bridge) return bridge;
  bridge = typeof window !== 'undefined' && hasElectronBridge(window) ? createElectronPlatform(window) : createBrowserBridge();
  return bridge;
}

/** For tests: use this bridge instead. */
export function setPlatform(next: PlatformBridge | null): void {
  bridge = next;
}
