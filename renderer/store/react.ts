/**
 * React access to the store. Components subscribe to the smallest slice they need:
 *   const status = useWarRoom((s) => s.connection);
 *   const { addEntry } = useWarRoomShallow((s) => ({ addEntry: s.addEntry }));
 * Tests and previews can hand in another store with <WarRoomProvider store={…}>.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { getAppStore } from './app.ts';
import type { WarRoomStore } from './index.ts';
import type { WarRoomState } from './types.ts';

const StoreContext = createContext<WarRoomStore | null>(null);

export function WarRoomProvider(props: { store: WarRoomStore; children?: ReactNode }) {
  return createElement(StoreContext.Provider, { value: props.store }, props.children);
}

/** The store in context, else the app store (created on first use). */
export function useWarRoomStore(): WarRoomStore {
  return useContext(StoreContext) ?? getAppStore();
}

/** Subscribes to one value; the component re-renders only when it changes (Object.is). */
export function useWarRoom<T>(selector: (s: WarRoomState) => T): T {
  return useStore(useWarRoomStore(), selector);
}

/** For selectors that build a new object or array each time: compares shallowly. */
export function useWarRoomShallow<T>(selector: (s: WarRoomState) => T): T {
  return useStore(useWarRoomStore(), useShallow(selector));
}
