// Fan-out between two socket.io servers through the real Redis and the real PostgreSQL:
// a room broadcast on one node reaches a client connected to the other.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { attachFanout, fanoutKind, type CloseFanout, type FanoutOptions } from '../../server/fanout.ts';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../shared/protocol.ts';
import { DATABASE_URL, REDIS_URL, postgresAvailable, redisAvailable, uniqueName } from './services.ts';

type IO = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
const RECEIVE_TIMEOUT_MS = 5_000;

const backends = {
  redis: { available: await redisAvailable(), options: { redisUrl: REDIS_URL } },
  postgres: { available: await postgresAvailable(), options: { databaseUrl: DATABASE_URL } },
} satisfies Record<string, { available: boolean; options: FanoutOptions }>;

interface Node {
  io: IO;
  url: string;
  detach: CloseFanout;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startNode(options: FanoutOptions): Promise<Node> {
  const http = createHttpServer();
  const io: IO = new Server(http, { transports: ['websocket'], serveClient: false });
  const detach = await attachFanout(io, options);
  // Sockets join the room they name in the handshake, like a War Room socket joins its incident.
  io.on('connection', (socket) => void socket.join(String(socket.handshake.auth.room)));
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  cleanup.push(async () => {
    await detach();
    await new Promise<void>((ok) => void io.close(() => ok()));
  });
  return { io, url, detach };
}

async function client(url: string, room: string): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectClient(url, {
    transports: ['websocket'], auth: { room }, reconnection: false, forceNew: true,
  });
  cleanup.push(() => void socket.close());
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('connect_error', fail);
  });
  return socket;
}

function nextPresence(socket: Socket<ServerToClientEvents, ClientToServerEvents>): Promise<unknown> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no broadcast within ${RECEIVE_TIMEOUT_MS} ms`)), RECEIVE_TIMEOUT_MS);
    socket.once('presence:state', (state) => {
      clearTimeout(timer);
      ok(state);
    });
  });
}

/** Waits a little to be sure something did NOT arrive. */
const quietFor = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const [name, backend] of Object.entries(backends)) {
  describe.skipIf(!backend.available)(`fan-out through ${name}`, () => {
    it(`reaches a client on the other node, and only in its room`, async () => {
      const channel = uniqueName('wr');
      const [one, two] = [await startNode({ ...backend.options, channel }), await startNode({ ...backend.options, channel })];
      const room = 'incident:fanout-1';
      const onTwo = await client(two.url, room);
      const onOne = await client(one.url, room);
      const elsewhere = await client(two.url, 'incident:other');
      let strayMessages = 0;
      elsewhere.on('presence:state', () => strayMessages++);

      const payload = { incidentId: 'fanout-1', members: [{ clientId: 'ana', connections: 1, typing: true }] };
      const [gotTwo, gotOne] = [nextPresence(onTwo), nextPresence(onOne)];
      one.io.to(room).emit('presence:state', payload);
      expect(await gotTwo).toEqual(payload);
      expect(await gotOne).toEqual(payload);

      // And back the other way, with a payload large enough for the Postgres adapter's attachment path.
      const big = { incidentId: 'fanout-1', members: Array.from({ length: 300 }, (_, i) => ({ clientId: `member-${i}`, connections: 1, typing: false })) };
      const gotOneBig = nextPresence(onOne);
      two.io.to(room).emit('presence:state', big);
      expect(await gotOneBig).toEqual(big);
      await quietFor(100);
      expect(strayMessages).toBe(0);
    });

    it('keeps deployments with different channels apart', async () => {
      const [one, other] = [await startNode({ ...backend.options, channel: uniqueName('wr') }), await startNode({ ...backend.options, channel: uniqueName('wr') })];
      const room = 'incident:fanout-2';
      const onOther = await client(other.url, room);
      let received = 0;
      onOther.on('presence:state', () => received++);
      // A message this node's own client gets proves the emit happened before we look at the other.
      const local = await client(one.url, room);
      const gotLocal = nextPresence(local);
      one.io.to(room).emit('presence:state', { incidentId: 'fanout-2', members: [] });
      await gotLocal;
      await quietFor(200);
      expect(received).toBe(0);
    });

    it('closes cleanly, more than once, before or after io.close()', async () => {
      const node = await startNode({ ...backend.options, channel: uniqueName('wr') });
      await node.detach();
      await node.detach();
      await new Promise<void>((ok) => void node.io.close(() => ok()));
    });
  });
}

describe('fan-out choice', () => {
  it('prefers Redis, then PostgreSQL, then stays in memory', () => {
    expect(fanoutKind({ redisUrl: 'redis://x', databaseUrl: 'postgres://y' })).toBe('redis');
    expect(fanoutKind({ databaseUrl: 'postgres://y' })).toBe('postgres');
    expect(fanoutKind({})).toBe('memory');
  });

  it('refuses a channel name that could escape LISTEN "…"', async () => {
    const io = new Server(); // not attached to any HTTP server: nothing to close
    await expect(attachFanout(io, { databaseUrl: DATABASE_URL, channel: 'x"; DROP TABLE ops; --' })).rejects.toThrow(/channel/);
  });
});
