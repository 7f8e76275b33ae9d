/**
 * Tokens never reach the logs: a server run at the most verbose level with every token path
 * (creation, redemption, session reconnects, each refusal, revocation and the disconnect it causes)
 * is captured line by line, and no line holds any token or any part of one.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { SessionTokenGrant } from '../../shared/protocol.ts';
import { createToken } from '../../server/auth.ts';
import { call, connect, op, openSocket, refusalOf, removeDir, startServer, tempDir, until } from '../server/helpers.ts';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l.trim()));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

describe('tokens in logs', () => {
  it('no log line of a server run with handshakes, token creation, refusals and revocations holds a token', async () => {
    const dir = tempDir();
    const { logger, lines } = captureLogger();
    const server = await startServer(dir, {}, { logger });
    const tokens: string[] = [];
    const mint = (t: string) => (tokens.push(t), t);
    try {
      const invite = mint(server.createToken('lead'));
      const socket = openSocket(server.url, { token: invite, clientId: 'lia' });
      let grant: SessionTokenGrant | null = null;
      socket.on('session:token', (g) => (grant = g));
      await until(() => grant !== null, 'session:token');
      mint(grant!.token);
      // socket.data travels to other nodes through the adapter (fetchSockets): no token in it either.
      const data = JSON.stringify((await server.io.fetchSockets()).map((x) => x.data));
      expect(data).toContain('lia');
      expect(data).not.toContain(grant!.token);
      expect(data).not.toContain(invite);
      await call(socket, 'incident:create', op('incident.create', 'inc-1', 'lia', { title: 'Logs', severity: 'SEV2' }));
      await call(socket, 'op:submit', op('timeline.add', 'inc-1', 'someone-else', { entryId: 'e1', kind: 'note', text: 'forged' }));
      socket.close();
      const again = await connect(server.url, { token: grant!.token, clientId: 'lia' });
      again.close();

      // Each refusal: taken id, garbage, tampered, foreign, expired, revoked.
      expect((await refusalOf(server.url, { token: mint(server.createToken('responder')), clientId: 'lia' })).code).toBe('CLIENT_ID_TAKEN');
      expect((await refusalOf(server.url, { token: mint('garbage-token-value-1234567890'), clientId: 'x' })).code).toBe('AUTH_INVALID');
      const [body, sig] = invite.split('.');
      expect((await refusalOf(server.url, { token: mint(`${body}x.${sig}`), clientId: 'x' })).code).toBe('AUTH_INVALID');
      expect((await refusalOf(server.url, { token: mint(createToken('another-secret-of-at-least-32-characters', 'lead')), clientId: 'x' })).code).toBe('AUTH_INVALID');
      const short = mint(server.createToken('viewer', null, 1));
      await new Promise((r) => setTimeout(r, 10));
      expect((await refusalOf(server.url, { token: short, clientId: 'x' })).code).toBe('TOKEN_EXPIRED');
      const admin = await server.access.issueSession('tom', 'responder');
      mint(admin.token);
      const tom = await connect(server.url, { token: admin.token, clientId: 'tom' });
      await server.access.registry.revoke(admin.claims.jti, Date.now());
      await new Promise<void>((ok) => tom.once('disconnect', () => ok()));
      expect((await refusalOf(server.url, { token: admin.token, clientId: 'tom' })).code).toBe('TOKEN_REVOKED');
    } finally {
      await server.close();
      removeDir(dir);
    }
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.includes('invite redeemed'))).toBe(true);
    expect(lines.some((l) => l.includes('session ended: token revoked'))).toBe(true);
    expect(lines.filter((l) => l.includes('connection refused')).length).toBeGreaterThanOrEqual(6);
    // The whole token, its signed body and its signature: none may appear anywhere.
    const parts = tokens.flatMap((t) => [t, ...t.split('.').filter((p) => p.length >= 16)]);
    const leaks = lines.filter((l) => parts.some((p) => l.includes(p)));
    expect(leaks).toEqual([]);
  });
});
