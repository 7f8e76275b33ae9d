/** Desktop notifications for help requests and due updates; a click brings the incident forward. */
import type { NotifyRequest, ShellCommand } from '../shared/bridge.ts';

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotifyDeps {
  isSupported(): boolean;
  create(options: { title: string; body: string; silent: boolean }): NotificationLike;
  focusWindow(): void;
  sendCommand(command: ShellCommand): void;
  /** Keeps a reference until clicked or closed; a collected notification loses its click handler. */
  retain?(n: NotificationLike): void;
}

export function showNotification(deps: NotifyDeps, req: NotifyRequest): boolean {
  if (!deps.isSupported()) return false;
  const n = deps.create({ title: req.title, body: req.body, silent: false });
  n.on('click', () => {
    deps.focusWindow();
    if (req.incidentId) deps.sendCommand({ type: 'open-incident', incidentId: req.incidentId });
  });
  deps.retain?.(n);
  n.show();
  return true;
}
