/**
 * Invite tokens: `base64url(JSON payload) . base64url(HMAC-SHA256(secret, first part))`.
 * The payload carries the access role and an optional incident scope. The secret lives in the
 * data dir (mode 0600), created on first start, or comes from config for a cluster.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PROTOCOL_VERSION } from '../shared/constants.ts';
import { ERROR_MESSAGES, type ErrorCode } from '../shared/errors.ts';
import { ACCESS_ROLES, type AccessRole } from '../shared/model.ts';
import { idSchema } from '../shared/ops.ts';
import type { ConnectRefusal } from '../shared/protocol.ts';

export const SECRET_FILE = 'secret';

export interface TokenClaims {
  role: AccessRole;
  incidentId: string | null;
  /** Issued at, epoch ms. */
  iat: number;
  jti: string;
}

const claimsSchema = z.object({
  role: z.enum(ACCESS_ROLES),
  incidentId: idSchema.nullable(),
  iat: z.number().int().nonnegative(),
  jti: z.string().min(1).max(64),
});

/** Reads the secret, or creates it on first start (`created: true` then). */
export function loadOrCreateSecret(dataDir: string): { secret: string; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRET_FILE);
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return { secret, created: false };
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

export function createToken(secret: string, role: AccessRole, incidentId: string | null = null, now = Date.now()): string {
  const claims: TokenClaims = { role, incidentId, iat: now, jti: randomUUID() };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
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
});

export type HandshakeCheck =
  | { ok: true; clientId: string; claims: TokenClaims }
  | { ok: false; refusal: ConnectRefusal };

/**
 * Checks the socket.io handshake `auth`. The protocol is checked first: an app of another
 * version may send a different auth shape, and "update the app" is the useful answer then.
 */
export function checkHandshake(secret: string, auth: unknown): HandshakeCheck {
  const fail = (code: ErrorCode, detail?: string): HandshakeCheck => ({ ok: false, refusal: connectRefusal(code, detail) });
  const parsed = handshakeSchema.safeParse(auth ?? {});
  if (!parsed.success) return fail('AUTH_INVALID', 'the handshake auth must be { token, protocol, clientId }');
  const { token, protocol, clientId } = parsed.data;
  // No token and no version at all is someone without an invite, not an old app.
  if (!token && protocol === undefined) return fail('AUTH_MISSING');
  if (protocol !== PROTOCOL_VERSION) {
    const theirs = typeof protocol === 'number' ? `this app speaks protocol ${protocol}` : 'this app sent no protocol version';
    return fail('PROTOCOL_UNSUPPORTED', `the server speaks protocol ${PROTOCOL_VERSION}; ${theirs}`);
  }
  if (!token) return fail('AUTH_MISSING');
  const claims = verifyToken(secret, token);
  if (!claims) return fail('AUTH_INVALID');
  const id = idSchema.safeParse(clientId);
  if (!id.success) return fail('AUTH_INVALID', 'the handshake needs a clientId of letters, digits and _ . : -');
  return { ok: true, clientId: id.data, claims };
}
