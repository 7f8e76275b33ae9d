/**
 * Desktop notifications for help requests and due updates; a click brings the incident forward.
 * Text is cut to what a notification can show, never refused: a page for help must not be lost
 * because the incident title or the ask was long.
 */
import type { NotifyRequest, ShellCommand } from '../shared/bridge.ts';
import { NOTIFY_BODY_MAX_CHARS, NOTIFY_TITLE_MAX_CHARS } from '../shared/constants.ts';

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

/** At most `max` characters (code points, so no emoji is split in half), ending in "…" when cut. */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  if (chars.length <= max) return chars.join('');
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export function showNotification(deps: NotifyDeps, req: NotifyRequest): boolean {
  if (!deps.isSupported()) return false;
  const n = deps.create({
    title: truncateText(req.title, NOTIFY_TITLE_MAX_CHARS),
    body: truncateText(req.body, NOTIFY_BODY_MAX_CHARS),
    silent: false,
  });
  n.on('click', () => {
    deps.focusWindow();
    if (req.incidentId) deps.sendCommand({ type: 'open-incident', incidentId: req.incidentId });
  });
  deps.retain?.(n);
  n.show();
  return true;
}
