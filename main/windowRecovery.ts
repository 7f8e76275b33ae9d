/**
 * A crashed or hung renderer is reloaded and the person is told, instead of a blank or frozen
 * window that only logs. Reloads are bounded so a page that crashes on load does not loop.
 */
import { AUTO_RELOAD_WINDOW_MS, MAX_AUTO_RELOADS, WINDOW_UNRESPONSIVE_RELOAD_MS } from '../shared/constants.ts';

export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (e: unknown, details: { reason: string }) => void): unknown;
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  reload(): void;
  forcefullyCrashRenderer(): void;
  isDestroyed(): boolean;
}

export interface RecoveryDeps {
  /** Tells the person once the page is back (through the command queue, so the new page gets it). */
  tell(message: string): void;
  /** When reloads are exhausted. */
  giveUp(message: string): void;
  now?: () => number;
  unresponsiveMs?: number;
}

export function watchRenderer(wc: RecoverableContents, deps: RecoveryDeps): void {
  const now = deps.now ?? Date.now;
  const reloads: number[] = [];
  let hung: ReturnType<typeof setTimeout> | null = null;
  let crashing = false;
  const reload = (why: string) => {
    if (wc.isDestroyed()) return;
    const t = now();
    while (reloads.length && t - reloads[0]! > AUTO_RELOAD_WINDOW_MS) reloads.shift();
    if (reloads.length >= MAX_AUTO_RELOADS) {
      deps.giveUp(`The War Room window ${why} ${reloads.length + 1} times in a few minutes. Quit and reopen the app; your unsent changes are kept.`);
      return;
    }
    reloads.push(t);
    wc.reload();
    deps.tell(`The War Room window ${why} and was reloaded. Your unsent changes are kept and sent once you are connected.`);
  };
  wc.on('render-process-gone', (_e, details) => {
    // A clean exit is the window closing, not a crash.
    if (details.reason === 'clean-exit') return;
    // We ended a hung renderer ourselves; that path reloads.
    if (crashing) {
      crashing = false;
      return;
    }
    reload(`crashed (${details.reason})`);
  });
  wc.on('unresponsive', () => {
    if (hung) return;
    hung = setTimeout(() => {
      hung = null;
      // A hung renderer does not act on reload(): end it first.
      crashing = true;
      wc.forcefullyCrashRenderer();
      reload('stopped responding');
    }, deps.unresponsiveMs ?? WINDOW_UNRESPONSIVE_RELOAD_MS);
  });
  wc.on('responsive', () => {
    if (hung) clearTimeout(hung);
    hung = null;
  });
}
