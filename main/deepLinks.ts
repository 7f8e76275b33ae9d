/**
 * `warroom://join?...` invites reaching the app: from the command line at first launch, from a
 * second instance (Windows/Linux pass the link in argv) or from macOS `open-url`.
 */
import type { ShellCommand } from '../shared/bridge.ts';
import { parseInvite } from '../shared/invite.ts';

export const DEEP_LINK_SCHEME = 'warroom';

/** The first `warroom:` argument, if any (argv also holds the executable, flags and the app path). */
export function findDeepLink(argv: readonly string[]): string | null {
  return argv.find((a) => a.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) ?? null;
}

export type DeepLinkOutcome =
  | { ok: true; command: Extract<ShellCommand, { type: 'join' }> }
  | { ok: false; message: string };

/** Only `warroom:` links are accepted here; web invites are for browsers. */
export function parseDeepLink(link: string): DeepLinkOutcome {
  if (!link.trim().toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) {
    return { ok: false, message: 'This invite link cannot be used: it is not a warroom:// link. Ask the incident lead to send it again.' };
  }
  const parsed = parseInvite(link);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  const { serverUrl, token, incidentId } = parsed.invite;
  return { ok: true, command: { type: 'join', serverUrl, token, incidentId } };
}

export interface DeepLinkDeps {
  /** Remembers the server and token so the next start connects the same way. */
  saveInvite(serverUrl: string, token: string): Promise<unknown>;
  sendCommand(command: ShellCommand): void;
  showError(title: string, message: string): void;
  focusWindow(): void;
}

/** Opens a deep link: a good one is saved and sent to the renderer; a bad one is refused out loud. */
export async function openDeepLink(deps: DeepLinkDeps, link: string): Promise<DeepLinkOutcome> {
  const outcome = parseDeepLink(link);
  deps.focusWindow();
  if (!outcome.ok) {
    deps.showError('Invite not opened', outcome.message);
    return outcome;
  }
  await deps.saveInvite(outcome.command.serverUrl, outcome.command.token);
  deps.sendCommand(outcome.command);
  return outcome;
}
