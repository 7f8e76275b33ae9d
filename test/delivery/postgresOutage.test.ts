/**
 * A real PostgreSQL outage: a private instance (never the shared one) is stopped with a fast
 * shutdown while two clients type, then started again. Every note is stored exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { removeDir, startServer, tempDir } from '../server/helpers.ts';
import { runOutage } from './outageScenario.ts';
import { privatePostgresAvailable, startPrivatePostgres } from './privatePostgres.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe.skipIf(!privatePostgresAvailable())('a PostgreSQL outage while two clients type (private instance)', () => {
  it('stores every note exactly once after the database comes back', async () => {
    const pg = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const dir = tempDir('warroom-delivery-pg-');
    cleanups.push(() => removeDir(dir));
    const poolErrors: string[] = [];
    const store = createPostgresStore({ connectionString: pg.url, schema: 'warroom', onError: (e) => poolErrors.push(e.message) });
    const server = await startServer(dir, { secret: 'one-secret-for-every-node-of-this-cluster' }, {
      store, access: createPostgresAccess({ connectionString: pg.url, schema: 'warroom' }),
    });
    cleanups.push(() => server.close());
    const reader = createPostgresStore({ connectionString: pg.url, schema: 'warroom', onError: () => undefined });
    const r = await runOutage({
      name: 'private PostgreSQL stopped and started', server, reader, notesEach: 10, outageMs: 10_000,
      down: async () => pg.stop(),
      up: async () => {
        pg.start();
        await reader.open();
        cleanups.push(() => reader.close());
      },
    }, (fn) => cleanups.push(fn));
    expect(r.stored).toBe(r.typed);
  }, 180_000);
});
