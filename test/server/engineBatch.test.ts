/**
 * The engine folds each batch in place into a private copy of the timeline (foldBatch): a failed
 * store append must leave the cached state exactly as it was, and a state handed out earlier
 * must never change under its holder.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../server/engine.ts';
import { limitsOf } from '../../server/config.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/store.ts';
import { memoryLogger, op, removeDir, tempDir } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('engine batch fold', () => {
  it('a failed append leaves the cache and every handed-out state unchanged; the same ops then commit', async () => {
    const dir = tempDir('warroom-batch-');
    cleanups.push(() => removeDir(dir));
    const real = createSqliteStore({ file: join(dir, 's.db') });
    await real.open();
    cleanups.push(() => real.close());
    let failAppend = false;
    const store: Store = { ...real, append: async (ops) => {
      if (failAppend) throw Object.assign(new Error('disk I/O error'), { code: 'ERR_SQLITE_ERROR', errcode: 10, errstr: 'disk I/O error' });
      return real.append(ops);
    } };
    const engine = createEngine({
      store, logger: memoryLogger().logger, metrics: createMetrics(), limits: limitsOf({ dataDir: dir }),
      hooks: { onCommitted: () => undefined, onSummaryChanged: () => undefined },
    });
    await engine.start();
    cleanups.push(() => engine.close());
    expect(await engine.submit(op('incident.create', 'x', 'ana', { title: 'T', severity: 'SEV3' }))).toMatchObject({ ok: true, seq: 1 });
    expect(await engine.submit(op('timeline.add', 'x', 'ana', { entryId: 'e0', kind: 'note', text: 'kept' }))).toMatchObject({ ok: true, seq: 2 });
    const held = engine.state('x')!;
    const heldCopy = structuredClone(held);

    failAppend = true;
    // Several ops in one tick share one batch (and one failed append): adds, an edit and a pin.
    const failing = [
      op('timeline.add', 'x', 'ana', { entryId: 'e1', kind: 'note', text: 'one' }),
      op('timeline.add', 'x', 'ana', { entryId: 'e2', kind: 'note', text: 'two' }),
      op('timeline.edit', 'x', 'ana', { entryId: 'e0', text: 'changed' }),
      op('timeline.pin', 'x', 'ana', { entryId: 'e0', pinned: true }),
    ];
    const acks = await Promise.all(failing.map((o) => engine.submit(o)));
    for (const a of acks) expect(a).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
    expect(engine.state('x')).toBe(held);
    expect(held).toEqual(heldCopy);

    failAppend = false;
    const again = await Promise.all(failing.map((o) => engine.submit(o)));
    expect(again.map((a) => (a.ok ? a.seq : a.code))).toEqual([3, 4, 5, 6]);
    const after = engine.state('x')!;
    expect(after.timeline.map((e) => [e.id, e.text, e.pinned]).filter(([id]) => !String(id).startsWith('sys-')))
      .toEqual([['e0', 'changed', true], ['e1', 'one', false], ['e2', 'two', false]]);
    // The state handed out before the batches is still the one its holder saw.
    expect(held).toEqual(heldCopy);
  });
});
