/**
 * Expiry and revocation: refused at the handshake with their own codes, and a socket already
 * connected with a revoked or expired token is disconnected within 5 s with a readable reason —
 * also when the revocation comes from the CLI while the server runs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { SessionEnded } from '../../shared/protocol.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { verifyToken } from '../../server/auth.ts';
import { parseDuration } from '../../server/access/duration.ts';
import { connect, redeemInvite, refusalOf, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';

const CLI = resolve(import.meta.dirname, '../../server/cli.ts');
const DISCONNECT_PROMISE_MS = 5_000;
let dir = '';
let server: WarRoomServer;
const open: Client[] = [];
beforeEach(async () => {
  dir = tempDir();
  server = await startServer(dir);
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await server.close();
  removeDir(dir);
});

async function redeem(token: string, clientId: string) {
  const r = await redeemInvite(server.url, token, clientId);
  open.push(r.socket);
  return r;
}

/** Resolves with the reason and the time it took once the server ends the socket. */
function ended(socket: Client): Promise<{ reason: SessionEnded | null; disconnect: string; afterMs: number }> {
  const t0 = Date.now();
  let reason: SessionEnded | null = null;
  socket.on('session:ended', (e) => (reason = e));
  return new Promise((ok) => socket.once('disconnect', (d) => ok({ reason, disconnect: d, afterMs: Date.now() - t0 })));
}

const jtiOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).jti as string;

describe('expiry', () => {
  it('an expired invite is refused with TOKEN_EXPIRED', async () => {
    const token = server.createToken('responder', null, 1);
    await new Promise((r) => setTimeout(r, 20));
    const r = await refusalOf(server.url, { token, clientId: 'late' });
    expect(r.code).toBe('TOKEN_EXPIRED');
    expect(r.message).toContain(ERROR_MESSAGES.TOKEN_EXPIRED);
  });

  it('invites get the default lifetime (7 days) unless told otherwise; --expires sets it', async () => {
    const token = server.createToken('viewer');
    const secret = (await import('node:fs')).readFileSync(resolve(dir, 'secret'), 'utf8').trim();
    const c = verifyToken(secret, token)!;
    expect(c.exp! - c.iat).toBe(7 * 24 * 3_600_000);
    const cli = spawnSync(process.execPath, [CLI, 'token', 'create', '--role', 'viewer', '--expires', '12h', '--data-dir', dir], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const t = /^viewer invite token: (\S+)$/m.exec(cli.stdout)![1]!;
    const claims = verifyToken(secret, t)!;
    expect(claims.exp! - claims.iat).toBe(12 * 3_600_000);
    const bad = spawnSync(process.execPath, [CLI, 'token', 'create', '--role', 'viewer', '--expires', 'soon', '--data-dir', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--expires must be a number followed by s, m, h, d or w');
  });

  it.each([['90s', 90_000], ['30m', 1_800_000], ['12h', 43_200_000], ['7d', 604_800_000], ['2w', 1_209_600_000], ['never', null]])('parses --expires %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('a connected session that expires is disconnected within 5 s with TOKEN_EXPIRED', async () => {
    const m = await server.access.issueSession('eve', 'responder', { ttlMs: 1_500 });
    const socket = await connect(server.url, { token: m.token, clientId: 'eve' });
    open.push(socket);
    const gone = await ended(socket);
    expect(gone.disconnect).toBe('io server disconnect');
    expect(gone.reason).toEqual({ code: 'TOKEN_EXPIRED', message: ERROR_MESSAGES.TOKEN_EXPIRED });
    expect(gone.afterMs).toBeLessThan(1_500 + DISCONNECT_PROMISE_MS);
    console.log(`expiry: socket with a 1500 ms session ended ${gone.afterMs} ms after connecting`);
    expect((await refusalOf(server.url, { token: m.token, clientId: 'eve' })).code).toBe('TOKEN_EXPIRED');
  });
});

describe('revocation', () => {
  it('revoking an invite refuses it, refuses the sessions redeemed from it, and ends their live sockets within 5 s', async () => {
    const invite = server.createToken('responder');
    const a = await redeem(invite, 'ana');
    const b = await redeem(invite, 'ben');
    const other = await redeem(server.createToken('responder'), 'cho');
    await server.access.settle();
    const goneA = ended(a.socket);
    const goneB = ended(b.socket);
    const r = await server.access.registry.revoke(jtiOf(invite), Date.now());
    expect(r).toMatchObject({ sessions: 2, already: false });
    for (const gone of await Promise.all([goneA, goneB])) {
      expect(gone.reason).toMatchObject({ code: 'TOKEN_REVOKED' });
      expect(gone.afterMs).toBeLessThan(DISCONNECT_PROMISE_MS);
      console.log(`revocation: session socket ended ${gone.afterMs} ms after its invite was revoked`);
    }
    expect(other.socket.connected).toBe(true);
    expect((await refusalOf(server.url, { token: invite, clientId: 'dan' })).code).toBe('TOKEN_REVOKED');
    expect((await refusalOf(server.url, { token: a.grant.token, clientId: 'ana' })).code).toBe('TOKEN_REVOKED');
    const listed = await server.access.registry.list();
    expect(listed.filter((t) => t.parentJti === jtiOf(invite)).every((t) => t.revokedAt !== null)).toBe(true);
  });

  it('revoking one session leaves the invite and the other sessions working', async () => {
    const invite = server.createToken('responder');
    const a = await redeem(invite, 'ana');
    const b = await redeem(invite, 'ben');
    const goneA = ended(a.socket);
    expect(await server.access.registry.revoke(jtiOf(a.grant.token), Date.now())).toMatchObject({ sessions: 0 });
    expect((await goneA).reason).toMatchObject({ code: 'TOKEN_REVOKED' });
    expect(b.socket.connected).toBe(true);
    const c = await redeem(invite, 'cy');
    expect(c.socket.connected).toBe(true);
  });

  it('warroom token list and token revoke work on a running server (CLI and server share access.db)', async () => {
    const m = await server.access.issueInvite('lead', { label: 'for the night shift' });
    const lead = await redeem(m.token, 'lia');
    await server.access.settle();
    const list = spawnSync(process.execPath, [CLI, 'token', 'list', '--data-dir', dir], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(m.claims.jti);
    expect(list.stdout).toContain('for the night shift');
    expect(list.stdout).toMatch(/session\s+lead\s+\*\s+lia/);
    expect(list.stdout).not.toContain(m.token.split('.')[1]);
    const json = JSON.parse(spawnSync(process.execPath, [CLI, 'token', 'list', '--json', '--data-dir', dir], { encoding: 'utf8' }).stdout) as { jti: string; status: string }[];
    expect(json.find((t) => t.jti === m.claims.jti)).toMatchObject({ status: 'active' });

    const gone = ended(lead.socket);
    const revoke = spawnSync(process.execPath, [CLI, 'token', 'revoke', m.claims.jti.slice(0, 8), '--data-dir', dir], { encoding: 'utf8' });
    expect(revoke.stderr).toBe('');
    expect(revoke.status).toBe(0);
    expect(revoke.stdout).toContain(`revoked: ${m.claims.jti}; 1 session(s)`);
    const g = await gone;
    expect(g.reason).toMatchObject({ code: 'TOKEN_REVOKED', message: ERROR_MESSAGES.TOKEN_REVOKED });
    console.log(`revocation via the CLI: socket ended ${g.afterMs} ms after warroom token revoke started`);
    const again = spawnSync(process.execPath, [CLI, 'token', 'revoke', m.claims.jti, '--data-dir', dir], { encoding: 'utf8' });
    expect(again.stdout).toContain('already revoked');
    const unknown = spawnSync(process.execPath, [CLI, 'token', 'revoke', 'nope-nope', '--data-dir', dir], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no token has the id nope-nope');
  });

  it('revocations survive a restart', async () => {
    const invite = server.createToken('responder');
    await server.access.settle();
    await server.access.registry.revoke(jtiOf(invite), Date.now());
    await server.close();
    server = await startServer(dir);
    expect((await refusalOf(server.url, { token: invite, clientId: 'zed' })).code).toBe('TOKEN_REVOKED');
  });
});
