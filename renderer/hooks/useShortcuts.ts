import { useEffect, useRef } from 'react';

export type ShortcutMap = Record<string, (e: KeyboardEvent) => void>;

/** True when the key press is meant for a text field, not for a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit'].includes(type);
}

/** True when Enter or Space would activate the focused control: the platform's behaviour wins. */
export function isActivationKey(e: KeyboardEvent): boolean {
  if (e.key !== 'Enter' && e.key !== ' ') return false;
  const t = e.target;
  if (!(t instanceof HTMLElement)) return false;
  return t.closest('button, a[href], summary, [role=button], [role=tab], [role=menuitem], [role=option], label, input, select, textarea') !== null;
}

/** Normalised key name: "mod+k" for Ctrl/Cmd combos, otherwise the key itself ("n", "?", "Escape"). */
export function keyName(e: KeyboardEvent): string {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod) return `mod+${k}`;
  if (e.altKey) return `alt+${k}`;
  return e.key.length === 1 ? e.key : e.key;
}

/**
 * Global single-key shortcuts. Plain keys are ignored while typing in a field (mod+ combos and
 * Escape still work) and while a modal dialog is open (the dialog handles its own keys).
 */
export function useShortcuts(map: ShortcutMap, enabled = true): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const name = keyName(e);
      if (isActivationKey(e)) return;
      const typing = isTypingTarget(e.target);
      if (typing && !name.startsWith('mod+') && name !== 'Escape') return;
      if (!name.startsWith('mod+') && document.querySelector('[role="dialog"][aria-modal="true"]')) return;
      const handler = ref.current[name];
      if (handler) {
        e.preventDefault();
        handler(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
