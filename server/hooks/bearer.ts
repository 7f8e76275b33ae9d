/**
 * Bearer tokens on the plain HTTP routes (monitoring webhooks, webhook status): the same checks as
 * the socket handshake (signature, expiry, revocation), without redeeming anything: an integration
 * token is used as it was minted.
 */
import type { IncomingMessage } from 'node:http';
import type { AccessRole } from '../../shared/model.ts';
import type { AccessRegistry } from '../access/registry.ts';
import { revocationKeys } from '../access/registry.ts';
import { verifyToken, type TokenClaims } from '../auth.ts';

export function bearerOf(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h.trim()) : null;
  return m ? m[1]! : null;
}

export type BearerCheck = { ok: true; claims: TokenClaims } | { ok: false; why: string };

export async function checkBearer(req: IncomingMessage, secret: string, registry: Pick<AccessRegistry, 'anyRevoked'>, role: AccessRole, now = Date.now()): Promise<BearerCheck> {
  const token = bearerOf(req);
  if (!token) return { ok: false, why: 'no Authorization: Bearer header' };
  const claims = verifyToken(secret, token);
  if (!claims) return { ok: false, why: 'the token is not one of this server' };
  if (claims.exp !== null && claims.exp <= now) return { ok: false, why: 'the token expired' };
  if (claims.role !== role) return { ok: false, why: `a ${claims.role} token cannot do this` };
  if (await registry.anyRevoked(revocationKeys(claims))) return { ok: false, why: 'the token was revoked' };
  return { ok: true, claims };
}
