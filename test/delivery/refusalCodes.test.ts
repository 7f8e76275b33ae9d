/**
 * The server's own codes for a bad moment: a store outage is STORE_UNAVAILABLE (joins and submits),
 * a genuine bug in the store path stays INTERNAL, a server that is closing says SHUTTING_DOWN, and
 * the head heartbeat tells joined sockets when the store does not answer.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CLASSES, ERROR_MESSAGES } from '../../shared/errors.ts';
import type { HeadNotice } from '../../shared/protocol.ts';
import { createEngine } from '../../server/engine.ts';
import { limitsOf } from '../../server/config.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/store.ts';
import { call, connect, memoryLogger, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';
import { flakyStore, until } from './tools.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('refusal codes from the server', () => {
  it('every code has a class and a sentence', () => {
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual(Object.keys(ERROR_MESSAGES).sort());
    for (const code of ['STORE_UNAVAILABLE', 'SHUTTING_DOWN', 'OVERLOADED', 'SEQ_CONFLICT', 'INTERNAL', 'RATE_LIMITED'] as const) expect(ERROR_CLASSES[code]).toBe('transient');
    for (const code of ['INVALID_OP', 'FORBIDDEN_ROLE', 'INCIDENT_NOT_FOUND', 'PAYLOAD_TOO_LARGE'] as const) expect(ERROR_CLASSES[code]).toBe('permanent');
  });

  it('a store outage is STORE_UNAVAILABLE for submit and join, and the heartbeat says so; a bug stays INTERNAL', async () => {
    const dir = tempDir('warroom-codes-');
    cleanups.push(() => removeDir(dir));
    const flaky = flakyStore(createSqliteStore({ file: join(dir, 's.db') }));
    let bug = false;
    const store: Store = { ...flaky.store, append: async (ops) => {
      if (bug) throw new TypeError('cannot read properties of undefined (reading "seq")');
      return flaky.store.append(ops);
    } };
    const server = await startServer(join(dir, 'data'), {}, { store });
    cleanups.push(() => server.close());
    const c: Client = await connect(server.url, { token: server.createToken('lead'), clientId: 'ana' });
    cleanups.push(() => void c.close());
    const heads: HeadNotice[] = [];
    c.on('incident:head', (h) => heads.push(h));
    await call(c, 'incident:create', op('incident.create', 'x', 'ana', { title: 'T', severity: 'SEV3' }));
    await call(c, 'incident:join', { incidentId: 'x', sinceSeq: 0 });
    await until('a healthy heartbeat', () => heads.some((h) => h.incidentId === 'x' && h.headSeq === 1 && h.storeAvailable), 10_000);
    flaky.setDown(true);
    expect(await call(c, 'op:submit', op('timeline.add', 'x', 'ana', { entryId: 'e1', kind: 'note', text: 'n' })))
      .toEqual({ ok: false, code: 'STORE_UNAVAILABLE', message: ERROR_MESSAGES.STORE_UNAVAILABLE });
    expect(await call(c, 'incident:join', { incidentId: 'x', sinceSeq: 0 })).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
    await until('a heartbeat saying the store is unavailable', () => heads.some((h) => !h.storeAvailable && h.headSeq === 1), 10_000);
    flaky.setDown(false);
    bug = true;
    expect(await call(c, 'op:submit', op('timeline.add', 'x', 'ana', { entryId: 'e2', kind: 'note', text: 'n' }))).toMatchObject({ ok: false, code: 'INTERNAL' });
    bug = false;
    expect(await call(c, 'op:submit', op('timeline.add', 'x', 'ana', { entryId: 'e3', kind: 'note', text: 'n' }))).toMatchObject({ ok: true, seq: 2 });
  });

  it('a closing engine answers SHUTTING_DOWN', async () => {
    const dir = tempDir('warroom-codes-');
    cleanups.push(() => removeDir(dir));
    const store = createSqliteStore({ file: join(dir, 's.db') });
    await store.open();
    cleanups.push(() => store.close());
    const engine = createEngine({
      store, logger: memoryLogger().logger, metrics: createMetrics(), limits: limitsOf({ dataDir: dir }),
      hooks: { onCommitted: () => undefined, onSummaryChanged: () => undefined },
    });
    await engine.start();
    await engine.close();
    expect(await engine.submit(op('incident.create', 'y', 'ana', { title: 'T', severity: 'SEV3' }))).toMatchObject({ ok: false, code: 'SHUTTING_DOWN' });
  });
});
