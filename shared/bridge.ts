/**
 * The platform bridge: what the renderer may ask of the desktop (or the browser). The preload
 * exposes `ShellApi` on `window.warroom`; the renderer wraps it into `PlatformBridge` (and has a
 * browser implementation of the same interface).
 */
import type { ErrorCode } from './errors.ts';

export interface SaveFileRequest {
  /** Suggested file name, e.g. "postmortem-2026-11-27.md". */
  suggestedName: string;
  mimeType: string;
  /** Text content, or bytes for binary formats. */
  data: string | Uint8Array;
}

export type SaveFileResult = { ok: true; path: string | null } | { ok: false; cancelled: boolean; message: string };

export interface NotifyRequest {
  title: string;
  body: string;
  /** Where a click should take the user, e.g. an incident id. */
  incidentId?: string;
}

/** A server this install has joined; its token is kept by the shell (encrypted where the OS allows). */
export interface SavedServer {
  serverUrl: string;
  /** True for the war room this computer runs itself. */
  local: boolean;
}

export interface Settings {
  /** The server the app connects to. On the desktop main owns it; the renderer reads it from here. */
  serverUrl: string | null;
  /** An opaque credential for serverUrl (invite or session token); never interpreted by the shell. */
  token: string | null;
  displayName: string | null;
  timeZone: string | null;
  skills: string[];
  showUtc: boolean;
  /** Every server joined, most recent first (the desktop keeps several; a browser only its own). */
  servers: SavedServer[];
}

export interface StartLocalServerRequest {
  /** Listen on the local network too, and mint an invite link teammates can use. */
  shareOnLan: boolean;
}

export type StartLocalServerResult =
  | { ok: true; serverUrl: string; token: string; inviteLink: string | null }
  | { ok: false; code: ErrorCode; message: string };

export interface PlatformBridge {
  readonly kind: 'electron' | 'browser';
  saveFile(req: SaveFileRequest): Promise<SaveFileResult>;
  /** Renders self-contained HTML to PDF and saves it (Electron), or opens the print dialog (browser). */
  printToPdf(req: { html: string; suggestedName: string }): Promise<SaveFileResult>;
  notify(req: NotifyRequest): Promise<void>;
  getSettings(): Promise<Settings>;
  /** `serverUrl` without `token` switches to a saved server and uses its saved token. */
  setSettings(patch: Partial<Omit<Settings, 'servers'>>): Promise<Settings>;
  /** Runs a war room on this computer (desktop only: absent or a refusal elsewhere). */
  startLocalServer?(req: StartLocalServerRequest): Promise<StartLocalServerResult>;
  /** Subscribes to menu commands and deep links from the shell; returns an unsubscribe. */
  onCommand(listener: (command: ShellCommand) => void): () => void;
}

export type ShellCommand =
  | { type: 'new-incident' }
  | { type: 'new-entry' }
  | { type: 'export' }
  | { type: 'print-pdf' }
  | { type: 'toggle-utc' }
  | { type: 'open-incident'; incidentId: string }
  | { type: 'join'; serverUrl: string; token: string; incidentId: string | null }
  /** Something the shell did on its own that the person must know (settings reset, window reloaded…). */
  | { type: 'notice'; code: ErrorCode; message: string };

/**
 * What every shell call answers across contextBridge. contextBridge copies only an Error's message
 * (a thrown `code` property is lost), so refusals travel as data and the renderer rethrows them.
 */
export type ShellResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** The API the preload exposes on `window.warroom`: PlatformBridge with every answer as a ShellResult. */
export interface ShellApi {
  readonly kind: 'electron';
  saveFile(req: SaveFileRequest): Promise<ShellResult<SaveFileResult>>;
  printToPdf(req: { html: string; suggestedName: string }): Promise<ShellResult<SaveFileResult>>;
  notify(req: NotifyRequest): Promise<ShellResult<null>>;
  getSettings(): Promise<ShellResult<Settings>>;
  setSettings(patch: Partial<Omit<Settings, 'servers'>>): Promise<ShellResult<Settings>>;
  startLocalServer(req: StartLocalServerRequest): Promise<ShellResult<StartLocalServerResult>>;
  onCommand(listener: (command: ShellCommand) => void): () => void;
}

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: null, token: null, displayName: null, timeZone: null, skills: [], showUtc: false, servers: [],
};
