import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

/** Ephemeral notices (undo after a soft delete, a refused change); never persisted, never synced. */
export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  action?: { label: string; run: () => void };
}

interface ToastState {
  toasts: Toast[];
  push: (t: Omit<Toast, 'id'>, ttlMs?: number) => number;
  dismiss: (id: number) => void;
}

const TOAST_TTL_MS = 8000;
const MAX_TOASTS = 4;
let nextId = 1;

export const toastStore = createStore<ToastState>()((set, get) => ({
  toasts: [],
  push: (t, ttlMs = TOAST_TTL_MS) => {
    const id = nextId++;
    set({ toasts: [...get().toasts, { ...t, id }].slice(-MAX_TOASTS) });
    setTimeout(() => get().dismiss(id), ttlMs);
    return id;
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((x) => x.id !== id) }),
}));

export const useToasts = (): Toast[] => useStore(toastStore, (s) => s.toasts);
export const pushToast = (t: Omit<Toast, 'id'>, ttlMs?: number): number => toastStore.getState().push(t, ttlMs);
