/**
 * Runs one task at a time. A call while the task runs returns the running promise and asks for one
 * more run right after it, so callers coalesce and nothing requested is skipped.
 */
export function singleFlight(task: () => Promise<void>, after?: () => void) {
  let running: Promise<void> | null = null;
  let again = false;
  return {
    get running(): Promise<void> | null {
      return running;
    },
    run(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await task();
        } while (again);
      })().finally(() => {
        running = null;
        after?.();
      });
      return running;
    },
  };
}
