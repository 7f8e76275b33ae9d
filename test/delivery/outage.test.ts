/** A store outage with the real server on SQLite behind a wrapper that fails like a disk that went away. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { removeDir, startServer, tempDir } from '../server/helpers.ts';
import { runOutage } from './outageScenario.ts';
import { flakyStore } from './tools.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('a store outage while two clients type (SQLite)', () => {
  it('stores every note exactly once afterwards; clients were told STORE_UNAVAILABLE and showed it', async () => {
    const dir = tempDir('warroom-delivery-');
    cleanups.push(() => removeDir(dir));
    const file = join(dir, 'flaky.db');
    const flaky = flakyStore(createSqliteStore({ file }));
    const server = await startServer(join(dir, 'data'), {}, { store: flaky.store });
    cleanups.push(() => server.close());
    const reader = createSqliteStore({ file });
    await reader.open();
    cleanups.push(() => reader.close());
    const r = await runOutage({
      name: 'SQLite wrapper', server, reader, notesEach: 12, outageMs: 4_000,
      down: async () => flaky.setDown(true), up: async () => flaky.setDown(false),
    }, (fn) => cleanups.push(fn));
    expect(r.stored).toBe(r.typed);
    expect(flaky.failures()).toBeGreaterThan(0);
  }, 120_000);
});
