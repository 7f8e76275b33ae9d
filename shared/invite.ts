/**
 * Invite links. A web link opens the browser client served by the server:
 *   http://host:4000/#token=T&incident=ID
 * A desktop deep link carries the server too:
 *   warroom://join?server=http%3A%2F%2Fhost%3A4000#token=T&incident=ID
 * The token (a credential) travels in the fragment, which browsers never send to the server, so
 * it stays out of proxy and server access logs. Links of the old form (`?token=`) are still read.
 */
export interface Invite {
  serverUrl: string;
  token: string;
  incidentId: string | null;
}

export type InviteParse = { ok: true; invite: Invite } | { ok: false; code: 'INVITE_INVALID'; message: string };

const bad = (why: string): InviteParse => ({
  ok: false, code: 'INVITE_INVALID', message: `This invite link cannot be used: ${why}. Ask the incident lead to send it again.`,
});

const TOKEN_RE = /^[A-Za-z0-9_.-]{10,2048}$/;
const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

function fragment(token: string, incidentId: string | null): string {
  const f = new URLSearchParams({ token });
  if (incidentId) f.set('incident', incidentId);
  return f.toString();
}

export function webInviteLink(serverUrl: string, token: string, incidentId: string | null = null): string {
  const u = new URL(serverUrl);
  u.pathname = '/';
  u.search = '';
  u.hash = fragment(token, incidentId);
  return u.toString();
}

export function deepInviteLink(serverUrl: string, token: string, incidentId: string | null = null): string {
  const q = new URLSearchParams({ server: new URL(serverUrl).origin });
  return `warroom://join?${q.toString()}#${fragment(token, incidentId)}`;
}

/** The invite's fields: from the fragment, else (old links) from the query string. */
export function inviteParams(u: URL): URLSearchParams {
  const f = new URLSearchParams(u.hash.replace(/^#/, ''));
  return f.has('token') ? f : u.searchParams;
}

/** True when the address carries an invite token (fragment or old query form). */
export const hasInviteToken = (u: URL): boolean => inviteParams(u).has('token');

/** Parses either form; anything else is refused with a sentence. */
export function parseInvite(link: string): InviteParse {
  let u: URL;
  try {
    u = new URL(link.trim());
  } catch {
    return bad('it is not a link');
  }
  let server: string;
  if (u.protocol === 'warroom:') {
    if (u.hostname !== 'join' && u.pathname.replace(/^\/+/, '') !== 'join') return bad('it is not a join link');
    const s = u.searchParams.get('server');
    if (!s) return bad('it does not name a server');
    try {
      const su = new URL(s);
      if (su.protocol !== 'http:' && su.protocol !== 'https:') return bad('the server must be http or https');
      server = su.origin;
    } catch {
      return bad('the server address is not valid');
    }
  } else if (u.protocol === 'http:' || u.protocol === 'https:') {
    server = u.origin;
  } else {
    return bad(`"${u.protocol}" links are not supported`);
  }
  const p = inviteParams(u);
  const token = p.get('token');
  if (!token || !TOKEN_RE.test(token)) return bad('it carries no valid token');
  const incident = p.get('incident');
  if (incident !== null && !ID_RE.test(incident)) return bad('the incident id is not valid');
  return { ok: true, invite: { serverUrl: server, token, incidentId: incident } };
}
