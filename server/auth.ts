/**
 * Tokens: `base64url(JSON claims) . base64url(HMAC-SHA256(secret, first part))`. The claims carry
 * the kind (invite or session), the access role, an optional incident scope, an expiry and, for a
 * session, its holder. The secret lives in the data dir (mode 0600), created on first start, or
 * comes from WARROOM_SECRET for a cluster. Records, bindings and revocations: server/access/.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MIN_SECRET_CHARS, PROTOCOL_VERSION } from '../shared/constants.ts';
import { ERROR_MESSAGES, type ErrorCode } from '../shared/errors.ts';
import { ACCESS_ROLES, type AccessRole } from '../shared/model.ts';
import { idSchema } from '../shared/ops.ts';
import type { ConnectRefusal } from '../shared/protocol.ts';

export const SECRET_FILE = 'secret';

/**
 * `invite`: shareable, redeemed at the handshake into a session. `session`: personal, names its
 * holder in `sub`. Tokens minted before sessions existed carry no `kind` and read as invites.
 */
export type TokenKind = 'invite' | 'session';

export interface TokenClaims {
  kind: TokenKind;
  role: AccessRole;
  incidentId: string | null;
  /** Issued at, epoch ms. */
  iat: number;
  /** Expires at, epoch ms; null never (only tokens minted before expiry existed). */
  exp: number | null;
  jti: string;
  /** Session only: the member id the holder acts as. */
  sub?: string;
  /** Session only: the invite it was redeemed from (null: minted by an admin for a member). */
  inv?: string | null;
}

const claimsSchema = z.object({
  kind: z.enum(['invite', 'session']).default('invite'),
  role: z.enum(ACCESS_ROLES),
  incidentId: idSchema.nullable(),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().nonnegative().nullable().default(null),
  jti: z.string().min(1).max(64),
  sub: idSchema.optional(),
  inv: z.string().min(1).max(64).nullable().optional(),
}).refine((c) => (c.kind === 'session') === (c.sub !== undefined), 'a session names its holder; an invite does not');

/** Refuses a configured secret that is too short to sign with, in a sentence for the operator. */
export function checkSecret(secret: string, source = 'WARROOM_SECRET'): void {
  if (secret.length < MIN_SECRET_CHARS) {
    throw new Error(`${source} is ${secret.length} characters long; War Room needs at least ${MIN_SECRET_CHARS} (for example: openssl rand -hex 32). Every node of a cluster must use the same one.`);
  }
}

/** Reads the secret, or creates it on first start (`created: true` then). */
export function loadOrCreateSecret(dataDir: string): { secret: string; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRET_FILE);
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= MIN_SECRET_CHARS) return { secret, created: false };
    throw new Error(`${file} is too short to be a War Room secret. Remove it to create a new one (every invite becomes invalid).`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32).toString('hex');
  // 'wx' fails if another process created it in between; then we read theirs.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecret(dataDir);
    throw e;
  }
  return { secret, created: true };
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

export interface TokenOptions {
  incidentId?: string | null;
  /** Lifetime in ms from `now`; null: never expires. */
  ttlMs?: number | null;
  now?: number;
}

/** Signs claims into a token (the caller records it in the access registry). */
export function signToken(secret: string, claims: TokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export function inviteClaims(role: AccessRole, options: TokenOptions = {}): TokenClaims {
  const now = options.now ?? Date.now();
  const ttl = options.ttlMs === undefined ? null : options.ttlMs;
  return { kind: 'invite', role, incidentId: options.incidentId ?? null, iat: now, exp: ttl === null ? null : now + ttl, jti: randomUUID() };
}

export function sessionClaims(holder: string, from: Pick<TokenClaims, 'role' | 'incidentId'>, invite: string | null, ttlMs: number, now = Date.now()): TokenClaims {
  return { kind: 'session', role: from.role, incidentId: from.incidentId, iat: now, exp: now + ttlMs, jti: randomUUID(), sub: holder, inv: invite };
}

/** An unrecorded invite (tests of the format; servers and the CLI go through the access registry). */
export function createToken(secret: string, role: AccessRole, incidentId: string | null = null, now = Date.now()): string {
  return signToken(secret, inviteClaims(role, { incidentId, now }));
}

/** The claims of a well-signed token, or null. Never throws. */
export function verifyToken(secret: string, token: string): TokenClaims | null {
  if (token.length > 2048) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const want = Buffer.from(sign(secret, body), 'base64url');
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  try {
    const r = claimsSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export function connectRefusal(code: ErrorCode, detail?: string): ConnectRefusal {
  const base = ERROR_MESSAGES[code];
  return { code, message: detail ? `${base} (${detail})` : base, serverProtocol: PROTOCOL_VERSION };
}

// Only the token's type is fixed here: protocol and clientId get their own, more specific answers below.
const handshakeSchema = z.looseObject({
  token: z.string().optional(),
  protocol: z.unknown().optional(),
  clientId: z.unknown().optional(),
  /** With an invite: the session this person already holds for clientId (proves the id is theirs). */
  session: z.string().optional(),
});

export type HandshakeCheck =
  | { ok: true; clientId: string; claims: TokenClaims; token: string; session: string | null }
  | { ok: false; refusal: ConnectRefusal };

/**
 * Checks the socket.io handshake `auth`. The protocol is checked first: an app of another
 * version may send a different auth shape, and "update the app" is the useful answer then.
 */
export function checkHandshake(secret: string, auth: unknown, now = Date.now()): HandshakeCheck {
  const fail = (code: ErrorCode, detail?: string): HandshakeCheck => ({ ok: false, refusal: connectRefusal(code, detail) });
  // socket.io turns a non-object auth into {} on the client side already; a raw client may still send one.
  if (auth !== undefined && auth !== null && (typeof auth !== 'object' || Array.isArray(auth))) {
    return fail('AUTH_INVALID', 'the handshake auth must be an object { token, protocol, clientId }');
  }
  const parsed = handshakeSchema.safeParse(auth ?? {});
  if (!parsed.success) return fail('AUTH_INVALID', 'the handshake auth must be { token, protocol, clientId }');
  const { token, protocol, clientId, session } = parsed.data;
  // No token and no version at all is someone without an invite, not an old app.
  if (!token && protocol === undefined) return fail('AUTH_MISSING');
  if (protocol !== PROTOCOL_VERSION) {
    const theirs = typeof protocol === 'number' ? `this app speaks protocol ${protocol}` : 'this app sent no protocol version';
    return fail('PROTOCOL_UNSUPPORTED', `the server speaks protocol ${PROTOCOL_VERSION}; ${theirs}`);
  }
  if (!token) return fail('AUTH_MISSING');
  const claims = verifyToken(secret, token);
  if (!claims) return fail('AUTH_INVALID');
  if (claims.exp !== null && claims.exp <= now) return fail('TOKEN_EXPIRED', `${claims.kind} ${claims.jti} expired at ${new Date(claims.exp).toISOString()}`);
  // A session acts as its holder whatever clientId the client sends; an invite needs one to bind.
  if (claims.kind === 'session') return { ok: true, clientId: claims.sub!, claims, token, session: null };
  const id = idSchema.safeParse(clientId);
  if (!id.success) return fail('AUTH_INVALID', 'the handshake needs a clientId of letters, digits and _ . : -');
  return { ok: true, clientId: id.data, claims, token, session: session ?? null };
}
