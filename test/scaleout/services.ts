// The real PostgreSQL and Redis these tests need. In CI a missing service fails the run; elsewhere
// the tests that need it are skipped with a sentence saying why (CONVENTIONS rule 10).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createServer } from 'node:net';
import { createClient } from 'redis';

export const DATABASE_URL = process.env.WARROOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.WARROOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROBE_TIMEOUT_MS = 3_000;

async function reachable(name: string, url: string, probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await Promise.race([
      probe(),
      new Promise((_r, reject) => setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref()),
    ]);
    return true;
  } catch (e) {
    const why = `${name} at ${url} is unreachable (${(e as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${why}; CI requires it.`, { cause: e });
    console.warn(`SKIPPING ${name} tests: ${why}. Start it to run them.`);
    return false;
  }
}

export function postgresAvailable(): Promise<boolean> {
  return reachable('PostgreSQL', DATABASE_URL, async () => {
    const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    try {
      await c.connect();
      await c.query('SELECT 1');
    } finally {
      await c.end().catch(() => undefined);
    }
  });
}

export function redisAvailable(): Promise<boolean> {
  return reachable('Redis', REDIS_URL, async () => {
    const c = createClient({ url: REDIS_URL, socket: { connectTimeout: PROBE_TIMEOUT_MS, reconnectStrategy: false } });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.ping();
    } finally {
      await c.close().catch(() => undefined);
    }
  });
}

/** A fresh, unique name so parallel runs and leftovers never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL on the test database with a short-lived client. */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A loopback port nothing listens on right now (for a private service a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
