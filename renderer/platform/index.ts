/**
 * Picks the platform bridge: the Electron preload's `window.warroom` when present (a thin wrapper
 * in ./electron.ts, written with the desktop shell), otherwise the browser implementation.
 */
import type { PlatformBridge } from '../../shared/bridge.ts';
import { createBrowserBridge } from './browser.ts';

let bridge: PlatformBridge | null = null;

function isBridge(v: unknown): v is PlatformBridge {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return b.kind === 'electron' && ['saveFile', 'printToPdf', 'notify', 'getSettings', 'setSettings', 'onCommand'].every((k) => typeof b[k] === 'function');
}

/** The bridge for this runtime (created once). */
export function getPlatform(): PlatformBridge {
  if (bridge) return bridge;
  const exposed: unknown = typeof window !== 'undefined' ? (window as unknown as { warroom?: unknown }).warroom : undefined;
  bridge = isBridge(exposed) ? exposed : createBrowserBridge();
  return bridge;
}

/** For tests: use this bridge instead. */
export function setPlatform(next: PlatformBridge | null): void {
  bridge = next;
}
