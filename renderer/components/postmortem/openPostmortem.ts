/**
 * "Open the postmortem" as a UI action: anything (a banner, a menu, the resolve flow) calls
 * openPostmortem(); whoever owns the incident layout listens with onOpenPostmortem and shows the
 * postmortem view. A tiny event channel, so the caller needs no access to the layout's tab state.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function openPostmortem(): void {
  for (const l of [...listeners]) l();
}

/** Subscribes; returns the unsubscribe function (use it as a React effect's cleanup). */
export function onOpenPostmortem(listener: Listener): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}
