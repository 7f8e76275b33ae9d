/**
 * The access registry: what was issued (never the token itself, only its claims), which member
 * ids are bound to a person, and what was revoked. Shared by every node of a cluster (PostgreSQL)
 * or by the server and the CLI on one machine (SQLite file in the data dir), so a revocation made
 * anywhere is seen everywhere.
 */
import type { AccessRole } from '../../shared/model.ts';
import type { TokenClaims, TokenKind } from '../auth.ts';

export interface IssuedToken {
  jti: string;
  kind: TokenKind;
  role: AccessRole;
  incidentId: string | null;
  /** Session: its holder. */
  memberId: string | null;
  /** Session: the invite it was redeemed from (null for an admin-issued one). */
  parentJti: string | null;
  issuedAt: number;
  expiresAt: number | null;
  /** Set once revoked (the first revocation time). */
  revokedAt: number | null;
  /** What the issuer wrote (`--label`), for `warroom token list`. */
  label: string | null;
}

export type BindResult = { ok: true } | { ok: false; boundAt: number };

export interface AccessRegistry {
  readonly kind: 'sqlite' | 'postgres';
  open(): Promise<void>;
  close(): Promise<void>;
  record(token: IssuedToken): Promise<void>;
  /** Newest first. */
  list(): Promise<IssuedToken[]>;
  /**
   * Binds a member id to the person redeeming an invite, atomically across nodes: exactly one
   * caller gets ok for an id. `force` (admin-issued sessions) succeeds on a bound id too.
   */
  bind(memberId: string, sessionJti: string, inviteJti: string | null, now: number, force?: boolean): Promise<BindResult>;
  /**
   * Revokes the token with this jti (or the only one whose jti starts with it). Revoking an
   * invite also revokes every session redeemed from it. `null`: no such token, or ambiguous prefix.
   */
  revoke(jtiOrPrefix: string, now: number): Promise<{ jti: string; sessions: number; already: boolean } | { error: string }>;
  /** True if any of these jtis is revoked. */
  anyRevoked(jtis: readonly string[]): Promise<boolean>;
  /** Revoked jtis recorded after `cursor` (0: all), and the cursor to ask with next time. */
  revokedSince(cursor: number): Promise<{ cursor: number; jtis: string[] }>;
}

export function issuedOf(claims: TokenClaims, label: string | null = null): IssuedToken {
  return {
    jti: claims.jti, kind: claims.kind, role: claims.role, incidentId: claims.incidentId,
    memberId: claims.sub ?? null, parentJti: claims.inv ?? null, issuedAt: claims.iat, expiresAt: claims.exp,
    revokedAt: null, label,
  };
}

/** The jtis whose revocation ends this token: its own and, for a session, its invite's. */
export function revocationKeys(claims: Pick<TokenClaims, 'jti' | 'inv'>): string[] {
  return claims.inv ? [claims.jti, claims.inv] : [claims.jti];
}

export const PREFIX_MIN_CHARS = 6;
