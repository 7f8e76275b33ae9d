/**
 * The platform bridge: what the renderer may ask of the desktop (or the browser). The preload
 * exposes exactly this on `window.warroom`; the renderer also has a browser implementation.
 */
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

export interface Settings {
  serverUrl: string | null;
  token: string | null;
  displayName: string | null;
  timeZone: string | null;
  skills: string[];
  showUtc: boolean;
}

export interface PlatformBridge {
  readonly kind: 'electron' | 'browser';
  saveFile(req: SaveFileRequest): Promise<SaveFileResult>;
  /** Renders self-contained HTML to PDF and saves it (Electron), or opens the print dialog (browser). */
  printToPdf(req: { html: string; suggestedName: string }): Promise<SaveFileResult>;
  notify(req: NotifyRequest): Promise<void>;
  getSettings(): Promise<Settings>;
  setSettings(patch: Partial<Settings>): Promise<Settings>;
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
  | { type: 'join'; serverUrl: string; token: string; incidentId: string | null };

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: null, token: null, displayName: null, timeZone: null, skills: [], showUtc: false,
};
