/**
 * Invite links. A web link opens the browser client served by the server:
 *   http://host:4000/?token=T&incident=ID
 * A desktop deep link carries the server too:
 *   warroom://join?server=http%3A%2F%2Fhost%3A4000&token=T&incident=ID
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

export function webInviteLink(serverUrl: string, token: string, incidentId: string | null = null): string {
  const u = new URL(serverUrl);
  u.pathname = '/';
  u.search = '';
  u.searchParams.set('token', token);
  if (incidentId) u.searchParams.set('incident', incidentId);
  return u.toString();
}

export function deepInviteLink(serverUrl: string, token: string, incidentId: string | null = null): string {
  const q = new URLSearchParams({ server: new URL(serverUrl).origin, token });
  if (incidentId) q.set('incident', incidentId);
  return `warroom://join?${q.toString()}`;
}

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
  const token = u.searchParams.get('token');
  if (!token || !TOKEN_RE.test(token)) return bad('it carries no valid token');
  const incident = u.searchParams.get('incident');
  if (incident !== null && !ID_RE.test(incident)) return bad('the incident id is not valid');
  return { ok: true, invite: { serverUrl: server, token, incidentId: incident } };
}
