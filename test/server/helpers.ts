/** Test helpers: a real server on port 0 in a temp data dir, and real socket.io clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { io as connectClient, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import type { AccessRole, IncidentState } from '../../shared/model.ts';
import type { CommittedOp, Op, OpType, PayloadOf } from '../../shared/ops.ts';
import type { ClientToServerEvents, ConnectRefusal, JoinResult, ServerToClientEvents, SessionTokenGrant } from '../../shared/protocol.ts';
import { apply } from '../../shared/reducer.ts';
import { createServer, type ServerConfig, type WarRoomServer } from '../../server/createServer.ts';
import type { ServerDeps } from '../../server/createServer.ts';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export function tempDir(prefix = 'warroom-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A logger that keeps its JSON lines, to assert on what the server logged. */
export function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

export async function startServer(dataDir: string, config: Partial<ServerConfig> = {}, deps: ServerDeps = {}): Promise<WarRoomServer> {
  // Duties (the server's clock) are off unless a test asks for them: seeded old logs would get reminders.
  return createServer({ dataDir, port: 0, logLevel: 'silent', backupEveryMin: 0, dutyScanMs: 0, ...config }, deps);
}

export interface ConnectOptions {
  token?: string;
  clientId?: string;
  protocol?: number;
  auth?: unknown;
}

export function openSocket(url: string, opts: ConnectOptions): Client {
  const auth = opts.auth ?? { token: opts.token, protocol: opts.protocol ?? PROTOCOL_VERSION, clientId: opts.clientId ?? 'alice' };
  return connectClient(url, { transports: ['websocket'], auth: auth as Record<string, unknown>, reconnection: false, forceNew: true });
}

export function connect(url: string, opts: ConnectOptions): Promise<Client> {
  const socket = openSocket(url, opts);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The refusal a connection attempt gets, or throws if it connects. */
export function refusalOf(url: string, opts: ConnectOptions): Promise<ConnectRefusal> {
  const socket = openSocket(url, opts);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('connected, expected a refusal'));
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve((err as Error & { data: ConnectRefusal }).data);
    });
  });
}

type AnyAck = { ok: true; [k: string]: unknown } | { ok: false; code: string; message: string };
/** Emits with an ack and a timeout; untyped on purpose so tests can send garbage. */
export function call<T = AnyAck>(socket: Client, event: string, ...args: unknown[]): Promise<T> {
  return (socket.timeout(5_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<T> }).emitWithAck(event, ...args);
}

export function op<T extends OpType>(type: T, incidentId: string, actorId: string, payload: PayloadOf<T>, opId: string = randomUUID()): Op {
  return { opId, incidentId, actorId, clientTime: Date.now(), type, payload } as Op;
}

/** A client-side fold of what the server sends: join result, then op:committed in seq order. */
export function follow(socket: Client) {
  const t = {
    state: null as IncidentState | null,
    head: 0,
    received: [] as CommittedOp[],
    gaps: 0,
    applyJoin(r: JoinResult) {
      if (r.snapshot) {
        t.state = r.snapshot.state;
        t.head = r.snapshot.seq;
      }
      for (const o of r.ops) t.fold(o);
      t.head = Math.max(t.head, r.headSeq);
    },
    fold(o: CommittedOp) {
      if (o.seq <= t.head) return;
      if (o.seq !== t.head + 1) t.gaps++;
      const r = apply(t.state, o);
      if (r.ok) t.state = r.state;
      t.head = o.seq;
    },
  };
  socket.on('op:committed', (o) => {
    t.received.push(o);
    t.fold(o);
  });
  return t;
}

export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Connects with an invite and waits for the session token the server grants (listening before the connect). */
export async function redeemInvite(url: string, token: string, clientId: string): Promise<{ socket: Client; grant: SessionTokenGrant }> {
  let grant: SessionTokenGrant | null = null;
  const socket = openSocket(url, { token, clientId });
  socket.on('session:token', (g) => (grant = g));
  try {
    await new Promise<void>((ok, fail) => {
      socket.once('connect', () => ok());
      socket.once('connect_error', fail);
    });
    await until(() => grant !== null, 'session:token');
  } catch (e) {
    socket.close();
    throw e;
  }
  return { socket, grant: grant! };
}

export const member = (name: string) => ({ name, timeZone: 'Europe/Paris' });

export type { AccessRole };

/**
 * A fresh server per test in a temp data dir (beforeEach/afterEach), and clients connected to it
 * that are closed after each test.
 */
export function serverFixture() {
  let dir = '';
  let server: WarRoomServer | null = null;
  const clients: Client[] = [];
  beforeEach(async () => {
    dir = tempDir();
    server = await startServer(dir);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    server = null;
    removeDir(dir);
  });
  const current = (): WarRoomServer => {
    if (!server) throw new Error('the fixture server exists only inside a test');
    return server;
  };
  return {
    get server(): WarRoomServer {
      return current();
    },
    async connectAs(clientId: string, role: AccessRole = 'responder'): Promise<Client> {
      const c = await connect(current().url, { token: current().createSession(clientId, role), clientId });
      clients.push(c);
      return c;
    },
  };
}
