import { useSyncExternalStore } from 'react';

/** One shared ticking clock, so countdowns and local times re-render together and only where used. */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Current time, refreshed every second (or every `granularityMs`, rounded down to reduce renders). */
export function useNow(granularityMs = 1000): number {
  const value = useSyncExternalStore(subscribe, () => now, () => now);
  return Math.floor(value / granularityMs) * granularityMs;
}
