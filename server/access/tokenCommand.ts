/**
 * `warroom token create | list | revoke`. Writes to the same registry the server reads (access.db
 * in the data dir, or the PostgreSQL tables with DATABASE_URL), so a revocation made here ends the
 * live sockets of every node within REVOCATION_POLL_MS. Prints tokens only to stdout of this
 * command, never to a log.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INVITE_DEFAULT_TTL_MS, SESSION_TTL_MS } from '../../shared/constants.ts';
import { deepInviteLink, webInviteLink } from '../../shared/invite.ts';
import { ACCESS_ROLES, type AccessRole } from '../../shared/model.ts';
import { idSchema } from '../../shared/ops.ts';
import { checkSecret, loadOrCreateSecret } from '../auth.ts';
import { createAccess, type Access } from './access.ts';
import { parseDuration } from './duration.ts';
import type { IssuedToken } from './registry.ts';
import { accessFileOf, createSqliteAccess } from './sqlite.ts';

export const TOKEN_USAGE = `  token create --role lead|responder|viewer|integration [--incident ID] [--expires 12h|7d|never] [--label TEXT]
                        Mint an invite (default lifetime: WARROOM_INVITE_EXPIRES or 7d)   [--data-dir, --public-url]
  token create --role R --member ID   A personal session for member ID (a lost session, a new device)
  token list [--json]   Every invite and session issued: id, role, holder, expiry, status (never the token)
  token revoke ID       Revoke a token (a unique prefix of its id is enough); revoking an invite ends its sessions`;

export class TokenUsageError extends Error {}

type Env = Record<string, string | undefined>;

/** The secret and the registry this machine's server uses: the same rules as `serve`. */
export async function openAccess(dataDir: string, env: Env): Promise<{ access: Access; close: () => Promise<void> }> {
  const databaseUrl = env.DATABASE_URL;
  let secret: string;
  if (env.WARROOM_SECRET) {
    checkSecret(env.WARROOM_SECRET);
    secret = env.WARROOM_SECRET;
  } else if (databaseUrl) {
    throw new Error('DATABASE_URL is set but WARROOM_SECRET is not: the nodes of a cluster sign with WARROOM_SECRET, and a token signed with anything else is refused by all of them.');
  } else {
    secret = loadOrCreateSecret(dataDir).secret;
  }
  // pg loads only when needed: the SQLite commands start faster without it.
  const registry = databaseUrl
    ? (await import('./postgres.ts')).createPostgresAccess({ connectionString: databaseUrl })
    : createSqliteAccess({ file: accessFileOf(dataDir) });
  await registry.open();
  const fromEnv = inviteTtlFromEnv(env.WARROOM_INVITE_EXPIRES);
  const inviteTtlMs = fromEnv === undefined ? INVITE_DEFAULT_TTL_MS : fromEnv;
  return { access: createAccess({ registry, secret, inviteTtlMs }), close: () => registry.close() };
}

/** The default invite lifetime from WARROOM_INVITE_EXPIRES (for `serve`). */
export function inviteTtlFromEnv(value: string | undefined): number | null | undefined {
  if (!value) return undefined;
  const r = parseDuration(value, 'WARROOM_INVITE_EXPIRES');
  if (r instanceof Error) throw new TokenUsageError(r.message);
  return r;
}

/** `<what>: TOKEN` first (scripts/startLib.ts reads that line), then its id, expiry and links. */
export function inviteText(publicUrl: string, token: string, incidentId: string | null, what: string, claims: { jti: string; exp: number | null }): string {
  const until = claims.exp === null ? 'never expires' : `expires ${new Date(claims.exp).toISOString()}`;
  return `${what}: ${token}\nid ${claims.jti}, ${until} (warroom token revoke ${claims.jti})\n`
    + `web link: ${webInviteLink(publicUrl, token, incidentId)}\ndesktop link: ${deepInviteLink(publicUrl, token, incidentId)}\n`;
}

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function statusOf(t: IssuedToken, now: number): string {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt <= now) return 'expired';
  return 'active';
}

function table(rows: IssuedToken[], now: number): string {
  const head = ['ID', 'KIND', 'ROLE', 'INCIDENT', 'MEMBER', 'ISSUED', 'EXPIRES', 'STATUS', 'FROM', 'LABEL'];
  const body = rows.map((t) => [t.jti, t.kind, t.role, t.incidentId ?? '*', t.memberId ?? '-', when(t.issuedAt), when(t.expiresAt),
    statusOf(t, now), t.parentJti ? t.parentJti.slice(0, 8) : '-', t.label ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export async function runTokenCommand(args: string[], env: Env, defaultPublicUrl: string, out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        role: { type: 'string' }, incident: { type: 'string' }, expires: { type: 'string' }, member: { type: 'string' },
        label: { type: 'string' }, json: { type: 'boolean', default: false },
        'data-dir': { type: 'string', default: env.WARROOM_DATA_DIR ?? './.warroom' },
        'public-url': { type: 'string', default: defaultPublicUrl },
      },
    });
  } catch (e) {
    throw new TokenUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const [sub, ...rest] = positionals;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') throw new TokenUsageError('token takes a subcommand: create, list or revoke.');
  if (sub === 'revoke' ? rest.length !== 1 : rest.length !== 0) throw new TokenUsageError(sub === 'revoke' ? 'token revoke takes one token id: warroom token revoke ID' : `token ${sub} takes no other arguments.`);

  let create: { role: AccessRole; incident: string | null; ttl: number | null | undefined; member: string | null } | null = null;
  if (sub === 'create') {
    const role = values.role as AccessRole | undefined;
    if (!role || !ACCESS_ROLES.includes(role)) throw new TokenUsageError(`--role must be one of ${ACCESS_ROLES.join(', ')}.`);
    const incident = values.incident ?? null;
    if (incident !== null && !idSchema.safeParse(incident).success) throw new TokenUsageError('--incident must be an incident id (letters, digits and _ . : -).');
    const member = values.member ?? null;
    if (member !== null && !idSchema.safeParse(member).success) throw new TokenUsageError('--member must be a member id (letters, digits and _ . : -).');
    const ttl = values.expires === undefined ? undefined : parseDuration(values.expires);
    if (ttl instanceof Error) throw new TokenUsageError(ttl.message);
    create = { role, incident, ttl, member };
  }

  const { access, close } = await openAccess(resolve(values['data-dir']), env);
  try {
    const now = Date.now();
    if (create) {
      const o = { incidentId: create.incident, label: values.label ?? null, ...(create.ttl !== undefined ? { ttlMs: create.ttl } : {}) };
      if (create.member) {
        const m = await access.issueSession(create.member, create.role, { ...o, ttlMs: create.ttl ?? SESSION_TTL_MS });
        out(inviteText(values['public-url'], m.token, create.incident, `${create.role} session token for member ${create.member} (personal: do not share)`, m.claims));
      } else {
        const m = await access.issueInvite(create.role, o);
        out(inviteText(values['public-url'], m.token, create.incident, `${create.role} invite token${create.incident ? ` for ${create.incident}` : ''}`, m.claims));
      }
    } else if (sub === 'list') {
      const rows = await access.registry.list();
      out(values.json ? `${JSON.stringify(rows.map((t) => ({ ...t, status: statusOf(t, now) })), null, 2)}\n` : `${table(rows, now)}\n`);
    } else {
      const r = await access.registry.revoke(rest[0]!, now);
      if ('error' in r) throw new Error(`cannot revoke: ${r.error}.`);
      const ended = r.sessions > 0 ? `; ${r.sessions} session(s) redeemed from it are revoked too` : '';
      out(`${r.already ? 'already revoked' : 'revoked'}: ${r.jti}${ended}. Connected sockets using it are disconnected within a few seconds.\n`);
    }
    return 0;
  } finally {
    await close();
  }
}
