/**
 * Fan-out between server nodes: a socket.io adapter so `io.to(room).emit` on one node reaches the
 * sockets of every node. Redis when REDIS_URL is given, else the PostgreSQL adapter (one engine for
 * store and fan-out), else in-memory (a single node). Best-effort by design: a message lost between
 * nodes shows up to the client as a seq gap, and the client catches up from the store.
 */
import { randomBytes } from 'node:crypto';
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
  /** Prefix of the pub/sub channels; nodes of one deployment share it (default "socket.io"). */
  channel?: string;
  /** Connection errors after start; the clients reconnect by themselves. */
  onError?: (err: Error) => void;
}

export type FanoutKind = 'redis' | 'postgres' | 'memory';

/** Closes the adapter and its connections; safe to call more than once, before or after io.close(). */
export type CloseFanout = () => Promise<void>;

/** How long attachFanout waits for the adapter's subscription to be live before giving up. */
const READY_TIMEOUT_MS = 5_000;
const READY_POLL_MS = 20;
/** Adapter payloads above this go through the attachments table instead of NOTIFY (PostgreSQL's limit is 8000 bytes). */
const ATTACHMENTS_TABLE = 'socket_io_attachments';

export function fanoutKind(options: FanoutOptions): FanoutKind {
  return options.redisUrl ? 'redis' : options.databaseUrl ? 'postgres' : 'memory';
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
  const channel = options.channel ?? 'socket.io';
  // It ends up inside LISTEN "…" and Redis channel names: keep it plain.
  if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(channel)) throw new Error(`Fan-out channel "${channel}" may use only letters, digits and _ . : - (at most 40).`);
  switch (fanoutKind(options)) {
    case 'redis': return attachRedis(io, options.redisUrl!, channel, onError);
    case 'postgres': return attachPostgres(io, options.databaseUrl!, channel, onError);
    case 'memory': return async () => undefined;
  }
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

function onceOnly(fn: () => Promise<void>): CloseFanout {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}

async function attachRedis(io: Server, url: string, key: string, onError: (err: Error) => void): Promise<CloseFanout> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on('error', onError);
  sub.on('error', onError);
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
  } catch (e) {
    closeAdapter();
    await Promise.allSettled([pub.close(), sub.close()]);
    throw e;
  }
  return onceOnly(async () => {
    closeAdapter();
    await Promise.allSettled([pub.close(), sub.close()]);
  });
}

async function attachPostgres(io: Server, url: string, channelPrefix: string, onError: (err: Error) => void): Promise<CloseFanout> {
  // A name of our own lets us see in pg_stat_activity when this node's LISTEN is live.
  const applicationName = `warroom-fanout-${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: applicationName });
  pool.on('error', onError);
  let closeAdapter: () => void = () => undefined;
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS ${ATTACHMENTS_TABLE} (
      id BIGSERIAL UNIQUE, created_at TIMESTAMPTZ DEFAULT NOW(), payload BYTEA)`).catch(async (e: unknown) => {
      // Two nodes creating it at once: one loses the race on the type name; the table exists.
      const exists = await pool.query(`SELECT to_regclass($1) AS t`, [ATTACHMENTS_TABLE]);
      if (!exists.rows[0]?.t) throw e;
    });
    io.adapter(createPostgresAdapter(pool, { channelPrefix, tableName: ATTACHMENTS_TABLE, errorHandler: onError }));
    closeAdapter = closeAdapterOnce(io);
    await waitFor('the PostgreSQL LISTEN', async () => {
      const r = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
        [applicationName],
      );
      return (r.rowCount ?? 0) > 0;
    });
  } catch (e) {
    closeAdapter();
    await pool.end().catch(() => undefined);
    throw e;
  }
  return onceOnly(async () => {
    closeAdapter();
    // The adapter's goodbye message is still in flight on the pool; let it finish before ending it.
    await new Promise((r) => setTimeout(r, 50));
    await pool.end().catch(() => undefined);
  });
}
