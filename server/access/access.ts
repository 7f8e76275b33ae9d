/**
 * Identity bound to the token. An invite (shareable: role, scope, expiry) is redeemed at the
 * handshake into a personal session token naming its holder: the first redemption of a member id
 * binds it, and later handshakes act as the session's `sub` whatever clientId the client claims.
 * An invite can never claim an id that is already bound, so a responder cannot become the commander
 * — unless the handshake also carries a live session naming that id (`auth.session`): the holder
 * opening another invite.
 */
import { SESSION_TTL_MS } from '../../shared/constants.ts';
import type { AccessRole } from '../../shared/model.ts';
import type { ConnectRefusal } from '../../shared/protocol.ts';
import { checkHandshake, connectRefusal, inviteClaims, sessionClaims, signToken, verifyToken, type TokenClaims } from '../auth.ts';
import { issuedOf, revocationKeys, type AccessRegistry } from './registry.ts';

export type Admission =
  | { ok: true; clientId: string; claims: TokenClaims; /** Set when this handshake redeemed an invite. */ sessionToken: string | null }
  | { ok: false; refusal: ConnectRefusal };

export interface AccessOptions {
  registry: AccessRegistry;
  secret: string;
  /** Lifetime of invites made without an explicit one; null: they never expire. */
  inviteTtlMs: number | null;
  sessionTtlMs?: number;
  /** Errors of background writes (tests' synchronous token helpers). */
  onError?: (err: unknown) => void;
}

export interface IssueOptions {
  incidentId?: string | null;
  /** Overrides the default lifetime; null: never expires. */
  ttlMs?: number | null;
  label?: string | null;
}

export function createAccess(options: AccessOptions) {
  const { registry, secret } = options;
  const sessionTtl = options.sessionTtlMs ?? SESSION_TTL_MS;
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const q = p.catch((err: unknown) => options.onError?.(err)).finally(() => background.delete(q));
    background.add(q);
  };
  const ttlOf = (o: IssueOptions) => (o.ttlMs === undefined ? options.inviteTtlMs : o.ttlMs);

  function mintInvite(role: AccessRole, o: IssueOptions = {}) {
    const claims = inviteClaims(role, { incidentId: o.incidentId ?? null, ttlMs: ttlOf(o) });
    return { claims, token: signToken(secret, claims) };
  }
  function mintSession(memberId: string, role: AccessRole, o: IssueOptions = {}) {
    const claims = sessionClaims(memberId, { role, incidentId: o.incidentId ?? null }, null, o.ttlMs ?? sessionTtl);
    return { claims, token: signToken(secret, claims) };
  }

  /** True if `token` is a live session of this server naming `memberId`. */
  async function holdsSession(token: string, memberId: string, now: number): Promise<boolean> {
    const c = verifyToken(secret, token);
    if (!c || c.kind !== 'session' || c.sub !== memberId || (c.exp !== null && c.exp <= now)) return false;
    return !(await registry.anyRevoked(revocationKeys(c)));
  }

  return {
    registry,
    /** Mints and records an invite. */
    async issueInvite(role: AccessRole, o: IssueOptions = {}) {
      const m = mintInvite(role, o);
      await registry.record(issuedOf(m.claims, o.label ?? null));
      return m;
    },
    /**
     * An admin-issued session for a member id (the CLI's `--member`): binds the id if free and
     * works when it is bound too — the operator vouches for the person (a lost session, a new laptop).
     */
    async issueSession(memberId: string, role: AccessRole, o: IssueOptions = {}) {
      const m = mintSession(memberId, role, o);
      await registry.bind(memberId, m.claims.jti, null, m.claims.iat, true);
      await registry.record(issuedOf(m.claims, o.label ?? null));
      return m;
    },
    /** Synchronous forms for tests and benchmarks; the record is written in the background. */
    inviteNow(role: AccessRole, o: IssueOptions = {}): string {
      const m = mintInvite(role, o);
      track(registry.record(issuedOf(m.claims, o.label ?? null)));
      return m.token;
    },
    sessionNow(memberId: string, role: AccessRole, o: IssueOptions = {}): string {
      const m = mintSession(memberId, role, o);
      track(registry.bind(memberId, m.claims.jti, null, m.claims.iat, true).then(() => registry.record(issuedOf(m.claims, o.label ?? null))));
      return m.token;
    },
    /** Waits for the background writes (close() calls it before closing the registry). */
    async settle() {
      await Promise.all([...background]);
    },

    /** The handshake: signature and expiry, revocation, then redemption of an invite. */
    async admit(auth: unknown, now = Date.now()): Promise<Admission> {
      const r = checkHandshake(secret, auth, now);
      if (!r.ok) return r;
      const { claims } = r;
      if (await registry.anyRevoked(revocationKeys(claims))) {
        return { ok: false, refusal: connectRefusal('TOKEN_REVOKED', `${claims.kind} ${claims.jti}`) };
      }
      if (claims.kind === 'session') return { ok: true, clientId: r.clientId, claims, sessionToken: null };
      const session = sessionClaims(r.clientId, claims, claims.jti, sessionTtl, now);
      // Someone opening a second invite (another incident, another role) proves the id is theirs
      // with the session they hold for it; then the new invite's session is theirs too.
      const holder = r.session !== null && await holdsSession(r.session, r.clientId, now);
      const bound = await registry.bind(r.clientId, session.jti, claims.jti, now, holder);
      if (!bound.ok) {
        return { ok: false, refusal: connectRefusal('CLIENT_ID_TAKEN', `member id ${r.clientId} was bound ${new Date(bound.boundAt).toISOString()}`) };
      }
      await registry.record(issuedOf(session));
      return { ok: true, clientId: r.clientId, claims: session, sessionToken: signToken(secret, session) };
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
