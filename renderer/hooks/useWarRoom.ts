/** Components import the store hooks from here, so a later change of where they live touches one file. */
export { useWarRoom, useWarRoomShallow, useWarRoomStore, WarRoomProvider } from '../store/react.ts';
