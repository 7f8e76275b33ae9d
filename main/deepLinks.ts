/**
 * `warroom://join?...` invites reaching the app: from the command line at first launch, from a
 * second instance (Windows/Linux pass the link in argv) or from macOS `open-url`. Any web page
 * can open such a link, so nothing changes until the person has seen which server it names and
 * said yes; plain http to a server that is not this computer needs a second, explicit yes.
 * The server joins the saved list; the others stay.
 */
import type { ShellCommand } from '../shared/bridge.ts';
import { parseInvite } from '../shared/invite.ts';

export const DEEP_LINK_SCHEME = 'warroom';

/** The first `warroom:` argument, if any (argv also holds the executable, flags and the app path). */
export function findDeepLink(argv: readonly string[]): string | null {
  return argv.find((a) => a.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) ?? null;
}

export type JoinCommand = Extract<ShellCommand, { type: 'join' }>;

export type DeepLinkOutcome =
  | { ok: true; command: JoinCommand }
  | { ok: false; cancelled: boolean; message: string };

/** Only `warroom:` links are accepted here; web invites are for browsers. */
export function parseDeepLink(link: string): DeepLinkOutcome {
  if (!link.trim().toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) {
    return { ok: false, cancelled: false, message: 'This invite link cannot be used: it is not a warroom:// link. Ask the incident lead to send it again.' };
  }
  const parsed = parseInvite(link);
  if (!parsed.ok) return { ok: false, cancelled: false, message: parsed.message };
  const { serverUrl, token, incidentId } = parsed.invite;
  return { ok: true, command: { type: 'join', serverUrl, token, incidentId } };
}

/** True for this computer: traffic to it never crosses a network, so http is not a risk there. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export interface Question {
  title: string;
  message: string;
  detail: string;
  confirmLabel: string;
}

export interface DeepLinkDeps {
  /** Asks the person (a modal dialog); true means go ahead. */
  confirm(q: Question): Promise<boolean>;
  /** Remembers the server and token so the next start connects the same way. */
  saveInvite(serverUrl: string, token: string): Promise<unknown>;
  sendCommand(command: ShellCommand): void;
  showError(title: string, message: string): void;
  focusWindow(): void;
}

export function joinQuestion(c: JoinCommand): Question {
  return {
    title: 'Join a war room?',
    message: `Join the war room at ${c.serverUrl}?`,
    detail: `A link asked War Room to connect to ${c.serverUrl}${c.incidentId ? ` and open incident ${c.incidentId}` : ''}. `
      + 'Continue only if you expected an invite from this server. Your other saved servers are kept.',
    confirmLabel: 'Join',
  };
}

export function insecureQuestion(c: JoinCommand): Question {
  return {
    title: 'Unencrypted server',
    message: `${c.serverUrl} does not use encryption (http, not https).`,
    detail: 'Anyone on the network between you and it can read the incident and your invite token. '
      + 'Join only on a network you trust, for example your office LAN.',
    confirmLabel: 'Join Without Encryption',
  };
}

/** Opens a deep link: asks, then saves and sends it to the renderer; a bad one is refused out loud. */
export async function openDeepLink(deps: DeepLinkDeps, link: string): Promise<DeepLinkOutcome> {
  const outcome = parseDeepLink(link);
  deps.focusWindow();
  if (!outcome.ok) {
    deps.showError('Invite not opened', outcome.message);
    return outcome;
  }
  const c = outcome.command;
  if (!(await deps.confirm(joinQuestion(c)))) return { ok: false, cancelled: true, message: 'You did not join.' };
  if (c.serverUrl.startsWith('http:') && !isLoopbackUrl(c.serverUrl) && !(await deps.confirm(insecureQuestion(c)))) {
    return { ok: false, cancelled: true, message: 'You did not join an unencrypted server.' };
  }
  await deps.saveInvite(c.serverUrl, c.token);
  deps.sendCommand(c);
  return outcome;
}
