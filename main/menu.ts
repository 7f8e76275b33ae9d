/**
 * The application menu. Items that act on the incident send a ShellCommand to the renderer,
 * which owns all incident logic; the shell only handles window-level roles.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ShellCommand } from '../shared/bridge.ts';

export interface MenuOptions {
  isDev: boolean;
  isMac: boolean;
  send(command: ShellCommand): void;
  /** Teammates' link to the war room this computer shares, when it does. */
  inviteLink?: string | null;
  copyInvite?(link: string): void;
  autoUpdate?: boolean;
  setAutoUpdate?(on: boolean): void;
}

export function buildMenuTemplate({ isDev, isMac, send, inviteLink = null, copyInvite, autoUpdate = false, setAutoUpdate }: MenuOptions): MenuItemConstructorOptions[] {
  const cmd = (command: ShellCommand) => () => send(command);
  const view: MenuItemConstructorOptions[] = [
    { label: 'Show Times in UTC', accelerator: 'CmdOrCtrl+U', click: cmd({ type: 'toggle-utc' }) },
    { type: 'separator' },
    { role: 'reload', accelerator: 'CmdOrCtrl+R' },
    ...(isDev ? [{ role: 'toggleDevTools', accelerator: 'CmdOrCtrl+Alt+I' } as MenuItemConstructorOptions] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Incident…', accelerator: 'CmdOrCtrl+Shift+N', click: cmd({ type: 'new-incident' }) },
        { label: 'New Timeline Entry', accelerator: 'CmdOrCtrl+N', click: cmd({ type: 'new-entry' }) },
        { type: 'separator' },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: cmd({ type: 'export' }) },
        { label: 'Print Postmortem to PDF…', accelerator: 'CmdOrCtrl+P', click: cmd({ type: 'print-pdf' }) },
        ...(inviteLink && copyInvite
          ? [{ type: 'separator' } as MenuItemConstructorOptions, { label: 'Copy Invite Link for Teammates', click: () => copyInvite(inviteLink) }]
          : []),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    {
      label: '&Help',
      submenu: [
        {
          label: 'Check for Updates Automatically', type: 'checkbox', checked: autoUpdate,
          click: (item) => setAutoUpdate?.(item.checked),
        },
      ],
    },
  ];
}
