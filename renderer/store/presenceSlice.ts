/** Who is connected to the open incident now. Ephemeral: never persisted, never in the log. */
import type { StateCreator } from 'zustand/vanilla';
import type { PresenceSlice, WarRoomState } from './types.ts';

export type { PresenceSlice } from './types.ts';

export const createPresenceSlice = (): StateCreator<WarRoomState, [], [], PresenceSlice> => () => ({
  presence: {},
});
