/**
 * Fan-out between server nodes: a socket.io adapter so `io.to(room).emit` on one node reaches the
 * sockets of every node. Redis when REDIS_URL is given, else the PostgreSQL adapter (one engine for
 * store and fan-out), else in-memory (a single node). Best-effort by design: a message lost between
 * nodes shows up to the client as a seq gap, and the client catches up from the store.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';

export interface FanoutOptions {
  /** redis://host:6379 (REDIS_URL); wins over databaseUrl. */
  redisUrl?: string;
  /** postgres://… (DATABASE_URL); used for fan-out through LISTEN/NOTIFY when no redisUrl. */
  databaseUrl?: string;
  /**
   * Prefix of the pub/sub channels; nodes of one deployment share it, other deployments on the same
   * Redis must not. Default: derived from databaseUrl and schema (see deploymentChannel).
   */
  channel?: string;
  /** The store's schema, part of the default channel (two deployments may share one database). */
  schema?: string;
  /** Connection errors after start, with which connection failed; the connections come back by themselves. */
  onError?: (err: Error, kind?: FanoutErrorKind) => void;
  /** Called when the adapter's connections go down or come back. */
  onHealth?: (up: boolean) => void;
}

export type FanoutErrorKind = 'listen' | 'pool' | 'publish' | 'redis-pub' | 'redis-sub';

export interface FanoutHealth {
  kind: FanoutKind;
  /** Messages from other nodes are being received and ours can be sent. */
  up: boolean;
  channel: string;
  /** The last connection error, if any, and when (ms since epoch). */
  lastError: string | null;
  lastErrorAt: number | null;
  /** Connection errors since start, by which connection. */
  errors: Partial<Record<FanoutErrorKind, number>>;
}

export type FanoutKind = 'redis' | 'postgres' | 'memory';

/**
 * Closes the adapter and its connections; safe to call more than once, before or after io.close().
 * `health()` says whether the adapter's connections are live (for /readyz and /metrics).
 */
export type CloseFanout = (() => Promise<void>) & { health?: () => FanoutHealth };

/** How long attachFanout waits for the adapter's subscription to be live before giving up. */
const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 20;
/** Adapter payloads above this go through the attachments table instead of NOTIFY (PostgreSQL's limit is 8000 bytes). */
const ATTACHMENTS_TABLE = 'socket_io_attachments';

export function fanoutKind(options: FanoutOptions): FanoutKind {
  return options.redisUrl ? 'redis' : options.databaseUrl ? 'postgres' : 'memory';
}

/**
 * The default channel prefix: one per deployment, the same on each of its nodes. A deployment is
 * its database (host, port, database name, schema; user and password left out, they may differ per
 * node), so two deployments sharing one Redis — Redis database numbers do not separate pub/sub —
 * never hear each other. Without a database (SQLite nodes) the prefix is "warroom".
 */
export function deploymentChannel(databaseUrl: string | undefined, schema = 'public'): string {
  if (!databaseUrl) return 'warroom';
  let where = databaseUrl;
  try {
    const u = new URL(databaseUrl);
    where = `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    // Not a URL (a libpq key=value string): hash it whole.
  }
  return `wr-${createHash('sha256').update(`${where}#${schema}`).digest('hex').slice(0, 16)}`;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Fan-out: ${what} did not become ready within ${READY_TIMEOUT_MS} ms.`);
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}

/**
 * Installs the cross-node adapter on `io` (call it before clients connect: it replaces the
 * namespace adapters, and with them any room memberships). Resolves once messages published by
 * other nodes are being received, so the first broadcast after start is not lost.
 */
export async function attachFanout(io: Server, options: FanoutOptions): Promise<CloseFanout> {
  const onError = options.onError ?? (() => undefined);
  const channel = options.channel ?? deploymentChannel(options.databaseUrl, options.schema);
  // It ends up inside LISTEN "…" and Redis channel names: keep it plain.
  if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(channel)) throw new Error(`Fan-out channel "${channel}" may use only letters, digits and _ . : - (at most 40).`);
  switch (fanoutKind(options)) {
    case 'redis': return attachRedis(io, options.redisUrl!, channel, tracker('redis', channel, onError, options.onHealth));
    case 'postgres': return attachPostgres(io, options.databaseUrl!, channel, tracker('postgres', channel, onError, options.onHealth));
    case 'memory': return Object.assign(async () => undefined, {
      health: (): FanoutHealth => ({ kind: 'memory', up: true, channel, lastError: null, lastErrorAt: null, errors: {} }),
    });
  }
}

type Tracker = ReturnType<typeof tracker>;

/** Remembers the adapter's health and last error, and reports changes once. */
function tracker(kind: FanoutKind, channel: string, onError: (err: Error, kind?: FanoutErrorKind) => void, onHealth?: (up: boolean) => void) {
  const h: FanoutHealth = { kind, up: false, channel, lastError: null, lastErrorAt: null, errors: {} };
  return {
    health: (): FanoutHealth => ({ ...h, errors: { ...h.errors } }),
    error(err: unknown, where: FanoutErrorKind) {
      const e = err instanceof Error ? err : new Error(String(err));
      h.errors[where] = (h.errors[where] ?? 0) + 1;
      h.lastError = `${where}: ${e.message}`;
      h.lastErrorAt = Date.now();
      onError(e, where);
    },
    set(up: boolean) {
      if (h.up === up) return;
      h.up = up;
      onHealth?.(up);
    },
  };
}

/**
 * Makes the main namespace adapter's close run once, whoever calls it first: io.close() closes it,
 * and so does our close; a second close on ended connections would reject unhandled.
 * Only "/" is wrapped: War Room uses no other namespace.
 */
function closeAdapterOnce(io: Server): () => void {
  const adapter = io.of('/').adapter as { close(): unknown };
  const original = adapter.close.bind(adapter);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      void Promise.resolve(original()).catch(() => undefined);
    } catch {
      // The adapter's connections are already gone; nothing left to release.
    }
  };
  adapter.close = close;
  return close;
}

function onceOnly(fn: () => Promise<void>, health: () => FanoutHealth): CloseFanout {
  let done: Promise<void> | null = null;
  return Object.assign(() => (done ??= fn()), { health });
}

async function attachRedis(io: Server, url: string, key: string, t: Tracker): Promise<CloseFanout> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  // node-redis reconnects by itself (and re-subscribes sub); we only have to listen and keep count.
  const watch = (c: typeof pub, kind: FanoutErrorKind) => {
    c.on('error', (err: unknown) => t.error(err, kind));
    c.on('ready', () => t.set(pub.isReady && sub.isReady));
    c.on('end', () => t.set(false));
    c.on('reconnecting', () => t.set(false));
  };
  watch(pub, 'redis-pub');
  watch(sub, 'redis-sub');
  // The adapter publishes without awaiting; a publish in flight when the connection drops rejects,
  // and unhandled that rejection would end the process. The broadcast is lost either way (clients
  // notice the gap); count it instead.
  const publish = pub.publish.bind(pub);
  (pub as unknown as { publish: unknown }).publish = (...args: Parameters<typeof publish>) => publish(...args).catch((err: unknown) => {
    t.error(err, 'publish');
    return 0;
  });
  let closeAdapter: () => void = () => undefined;
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createRedisAdapter(pub, sub, { key }));
    closeAdapter = closeAdapterOnce(io);
    // The adapter subscribes without telling us when; its per-node response channel is ours alone.
    const adapter = io.of('/').adapter as unknown as { uid: string };
    const channel = `${key}-response#/#${adapter.uid}#`;
    await waitFor('the Redis subscription', async () => {
      const counts = (await pub.sendCommand(['PUBSUB', 'NUMSUB', channel])) as unknown[];
      return Number(counts[1]) > 0;
    });
    t.set(true);
  } catch (e) {
    closeAdapter();
    await Promise.allSettled([pub.close(), sub.close()]);
    throw e;
  }
  return onceOnly(async () => {
    closeAdapter();
    await Promise.allSettled([pub.close(), sub.close()]);
  }, t.health);
}

async function attachPostgres(io: Server, url: string, channelPrefix: string, t: Tracker): Promise<CloseFanout> {
  // A name of our own lets us see in pg_stat_activity when this node's LISTEN is live.
  const applicationName = `warroom-fanout-${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: applicationName });
  pool.on('error', (err) => t.error(err, 'pool'));
  let closeAdapter: () => void = () => undefined;
  let closed = false;
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS ${ATTACHMENTS_TABLE} (
      id BIGSERIAL UNIQUE, created_at TIMESTAMPTZ DEFAULT NOW(), payload BYTEA)`).catch(async (e: unknown) => {
      // Two nodes creating it at once: one loses the race on the type name; the table exists.
      const exists = await pool.query(`SELECT to_regclass($1) AS t`, [ATTACHMENTS_TABLE]);
      if (!exists.rows[0]?.t) throw e;
    });
    const listenPool = listenerPool(pool, t, () => closed);
    io.adapter(createPostgresAdapter(listenPool, { channelPrefix, tableName: ATTACHMENTS_TABLE, errorHandler: (err) => t.error(err, 'publish') }));
    closeAdapter = closeAdapterOnce(io);
    await waitFor('the PostgreSQL LISTEN', async () => {
      const r = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
        [applicationName],
      );
      return (r.rowCount ?? 0) > 0;
    });
    t.set(true);
  } catch (e) {
    closed = true;
    closeAdapter();
    await pool.end().catch(() => undefined);
    throw e;
  }
  return onceOnly(async () => {
    closed = true;
    closeAdapter();
    // The adapter's goodbye message is still in flight on the pool; let it finish before ending it.
    await new Promise((r) => setTimeout(r, 50));
    await pool.end().catch(() => undefined);
  }, t.health);
}

/**
 * What the PostgreSQL adapter sees as its pool. It checks one client out for LISTEN and keeps it;
 * a checked-out pg client has no 'error' listener, so a terminated backend (57P01: restart,
 * failover, pg_terminate_backend, a proxy's idle kill) was an unhandled 'error' that ended the
 * process. Here that client gets a listener, is released as broken (its pool slot comes back),
 * and the adapter's own 'end' handler reconnects it and LISTENs again (every ~2 s until it works).
 */
function listenerPool(pool: pg.Pool, t: Tracker, closed: () => boolean): pg.Pool {
  const connect = async (): Promise<pg.PoolClient> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      t.error(e, 'listen');
      throw e;
    }
    let released = false;
    const release = client.release.bind(client);
    const drop = (err?: Error) => {
      t.set(false);
      if (released) return;
      released = true;
      release(err ?? true);
    };
    client.on('error', (err) => {
      if (!closed()) t.error(err, 'listen');
      drop(err);
    });
    client.on('end', () => drop());
    client.release = ((err?: Error | boolean) => {
      if (released) return;
      released = true;
      // Back in the pool it is an ordinary client again.
      delete (client as { query?: unknown }).query;
      delete (client as { release?: unknown }).release;
      release(err);
    }) as typeof client.release;
    // LISTEN goes out on this client right after connect() resolves; up once the first one answers.
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const p = query(...args);
      if (typeof args[0] === 'string' && args[0].startsWith('LISTEN ') && p instanceof Promise) void p.then(() => t.set(!released), () => undefined);
      return p;
    };
    return client;
  };
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'connect') return connect;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
