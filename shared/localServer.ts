/**
 * Messages between the desktop shell and the war-room server it runs in Electron's utilityProcess
 * (server/desktopServer.ts). Both sides parse what they receive; the shell never trusts the shape.
 */
import { z } from 'zod';

/** What the server posts once it listens: where, and a lead token for the person at this computer. */
export const localServerReadySchema = z.strictObject({
  type: z.literal('ready'),
  /** The loopback address this computer connects to. */
  url: z.string().url(),
  /** The address teammates use (the LAN address when shared), for invite links. */
  publicUrl: z.string().url(),
  leadToken: z.string().min(10).max(2048),
  /** A responder invite token for teammates; null when the server is not shared on the LAN. */
  inviteToken: z.string().min(10).max(2048).nullable(),
});
export type LocalServerReady = z.infer<typeof localServerReadySchema>;

export const localServerFailedSchema = z.strictObject({ type: z.literal('failed'), message: z.string().max(2000) });

export const localServerMessageSchema = z.discriminatedUnion('type', [localServerReadySchema, localServerFailedSchema]);
export type LocalServerMessage = z.infer<typeof localServerMessageSchema>;

/** What the shell posts to the server process. */
export type LocalServerControl = { type: 'stop' };
