/**
 * The socket.io transport's edges, against a bare socket.io server on port 0: handshake refusal,
 * ack timeout, unreadable acks, acks lost with the connection, invalid pushes dropped.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import { ERROR_MESSAGES } from '../../shared/errors.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { fixedUuid } from '../../shared/scenario.ts';
import { SocketTransport } from '../../renderer/sync/socketTransport.ts';
import type { TransportStatus } from '../../renderer/sync/transport.ts';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

let handshakes = 0;

async function bareServer(onConnection: (socket: Socket) => void, refuse = false) {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  if (refuse) {
    io.use((_socket, next) => {
      handshakes++;
      const err = new Error('refused') as Error & { data?: unknown };
      err.data = { code: 'PROTOCOL_UNSUPPORTED', message: ERROR_MESSAGES.PROTOCOL_UNSUPPORTED, serverProtocol: 99 };
      next(err);
    });
  }
  io.on('connection', onConnection);
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  cleanup.push(() => new Promise<void>((ok) => void io.close(() => ok())));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

function transport(ackTimeoutMs = 150) {
  const t = new SocketTransport({ ackTimeoutMs, reconnectionDelayMs: 50, reconnectionDelayMaxMs: 100 });
  cleanup.push(() => t.disconnect());
  return t;
}

async function until(cond: () => boolean, what: string) {
  const end = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const auth = { token: 'token-token-token', clientId: 'ana' };

describe('SocketTransport', () => {
  it('turns a handshake refusal into a refused status with the sentence, and stops retrying', async () => {
    handshakes = 0;
    const url = await bareServer(() => undefined, true);
    const t = transport();
    const seen: TransportStatus[] = [];
    t.onStatus((s) => seen.push(s));
    t.connect(url, auth);
    await until(() => t.status.kind === 'refused', 'refusal');
    expect(t.status).toEqual({ kind: 'refused', code: 'PROTOCOL_UNSUPPORTED', message: ERROR_MESSAGES.PROTOCOL_UNSUPPORTED });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.kind === 'refused')).toHaveLength(1);
    expect(handshakes).toBe(1);
  });

  it('answers TIMEOUT when the server never acks, INTERNAL for an unreadable ack, and parses a good one', async () => {
    const url = await bareServer((socket) => {
      socket.on('incident:list', () => undefined);
      socket.on('op:submit', (_op, ack: (r: unknown) => void) => ack({ ok: true }));
      socket.on('session:whoami', (ack: (r: unknown) => void) => ack({ ok: true, clientId: 'ana', access: 'lead', incidentId: null, serverProtocol: 1 }));
    });
    const t = transport();
    t.connect(url, auth);
    await until(() => t.status.kind === 'connected', 'connection');
    expect(await t.request('incident:list')).toEqual({ ok: false, code: 'TIMEOUT', message: ERROR_MESSAGES.TIMEOUT });
    const submit = await t.request('op:submit', {} as never);
    expect(submit).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(await t.request('session:whoami')).toMatchObject({ ok: true, clientId: 'ana' });
    expect(t.rttMs).not.toBeNull();
  });

  it('answers SERVER_UNREACHABLE for acks lost with the connection, then reconnects with attempts', async () => {
    const sockets: Socket[] = [];
    const url = await bareServer((socket) => {
      sockets.push(socket);
      socket.on('incident:list', () => {
        // Drop the underlying connection instead of answering (a network cut, not a server goodbye).
        socket.conn.close();
      });
    });
    const t = transport(5_000);
    const seen: TransportStatus[] = [];
    t.onStatus((s) => seen.push(s));
    t.connect(url, auth);
    await until(() => t.status.kind === 'connected', 'connection');
    expect(await t.request('incident:list')).toMatchObject({ ok: false, code: 'SERVER_UNREACHABLE' });
    await until(() => t.status.kind === 'connected' && sockets.length === 2, 'reconnection');
    expect(seen.some((s) => s.kind === 'reconnecting')).toBe(true);
  });

  it('delivers valid committed ops and drops invalid pushes', async () => {
    const good: CommittedOp = {
      opId: fixedUuid(1), incidentId: 'inc', actorId: 'ana', clientTime: Date.UTC(2026, 10, 27), seq: 1, serverTime: Date.UTC(2026, 10, 27),
      type: 'incident.create', payload: { title: 'x', severity: 'SEV1' },
    };
    const url = await bareServer((socket) => {
      socket.emit('op:committed', { ...good, seq: -1 });
      socket.emit('presence:state', { incidentId: 'inc', members: 'nope' });
      socket.emit('op:committed', good);
      socket.emit('presence:state', { incidentId: 'inc', members: [{ clientId: 'ana', connections: 1, typing: false }] });
    });
    const t = transport();
    const ops: CommittedOp[] = [];
    const presence: unknown[] = [];
    t.onOp((op) => ops.push(op));
    t.onPresence((p) => presence.push(p));
    t.connect(url, auth);
    await until(() => ops.length === 1 && presence.length === 1, 'pushes');
    await new Promise((r) => setTimeout(r, 50));
    expect(ops).toEqual([good]);
    expect(presence).toHaveLength(1);
  });
});
