/**
 * The tray icon (Windows, Linux) and the unread badge. While the window is hidden in the tray the
 * app stays connected, so help requests still notify; each one counts as unread until the window
 * is shown again. Where the OS has no tray (some Linux desktops), closing the window quits.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface TrayState {
  unread: number;
  /** The war room on this computer, when it runs: teammates' invite link if shared. */
  localServer: { url: string; inviteLink: string | null } | null;
}

export function trayTooltip(s: TrayState): string {
  const base = s.localServer ? `War Room — running a war room at ${s.localServer.url}` : 'War Room';
  return s.unread > 0 ? `${base} — ${s.unread} unread ${s.unread === 1 ? 'alert' : 'alerts'}` : base;
}

/** The badge text: nothing, a count, or 99+. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}

export interface TrayActions {
  show(): void;
  copyInvite(link: string): void;
  quit(): void;
}

export function buildTrayMenu(s: TrayState, a: TrayActions): MenuItemConstructorOptions[] {
  const invite = s.localServer?.inviteLink ?? null;
  return [
    { label: s.unread > 0 ? `Show War Room (${badgeText(s.unread)} unread)` : 'Show War Room', click: a.show },
    ...(invite ? [{ label: 'Copy Invite Link for Teammates', click: () => a.copyInvite(invite) }] : []),
    { type: 'separator' },
    { label: s.localServer ? 'Quit War Room (stops the war room on this computer)' : 'Quit War Room', click: a.quit },
  ];
}

/** Whether closing the window hides it to the tray instead of quitting. macOS keeps the app in the Dock instead. */
export function closeHidesWindow(o: { platform: NodeJS.Platform; hasTray: boolean; quitting: boolean }): boolean {
  if (o.quitting) return false;
  return o.platform === 'darwin' || o.hasTray;
}
