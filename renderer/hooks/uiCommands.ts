import { useEffect, useRef } from 'react';

/** Screen-level commands that arrive from outside the focused component (desktop menus, deep links). */
export type UiCommand = 'new-entry' | 'new-incident';

const bus = new EventTarget();

export function emitUiCommand(command: UiCommand): void {
  bus.dispatchEvent(new CustomEvent<UiCommand>('command', { detail: command }));
}

export function useUiCommand(command: UiCommand, handler: () => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const listener = (e: Event) => {
      if ((e as CustomEvent<UiCommand>).detail === command) ref.current();
    };
    bus.addEventListener('command', listener);
    return () => bus.removeEventListener('command', listener);
  }, [command]);
}
